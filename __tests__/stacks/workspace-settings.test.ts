import { toWorkspaceValues, UNRESERVED } from "../../stacks/workspace-settings";
import { testEnvironment, threeEnvironmentConfig } from "../support/config-fixtures";

describe("toWorkspaceValues", () => {
  it("leaves the trigger unreserved (-1, Terraform's default) when reservedConcurrency is absent or 0", () => {
    // Prepare
    const absent = testEnvironment("dev");
    const zero = testEnvironment("dev", { lambda: { ...absent.lambda, reservedConcurrency: 0 } });

    // Act
    const values = [absent, zero].map((env) => toWorkspaceValues(env).lambda_reserved_concurrency);

    // Assess
    expect(UNRESERVED).toBe(-1);
    expect(values).toEqual([-1, -1]);
  });

  it("passes each environment's reservation, failure limit (default 3) and run-end wait (a third of the timeout, at most 20 s)", () => {
    // Prepare
    const [dev, staging, prod] = threeEnvironmentConfig().environments;

    // Act
    const values = [dev, staging, prod].map((env) => {
      const { lambda_reserved_concurrency, lambda_max_consecutive_failed_runs, lambda_run_end_wait_seconds } = toWorkspaceValues(
        env ?? testEnvironment("missing"),
      );
      return [lambda_reserved_concurrency, lambda_max_consecutive_failed_runs, lambda_run_end_wait_seconds];
    });

    // Assess: timeouts 60, 90 and 120 s.
    expect(values).toEqual([
      [-1, 3, 20],
      [3, 4, 20],
      [5, 2, 20],
    ]);
  });

  it("waits a third of a short timeout", () => {
    // Prepare
    const base = testEnvironment("dev");
    const env = testEnvironment("dev", { lambda: { ...base.lambda, timeoutSeconds: 10 } });

    // Act
    const wait = toWorkspaceValues(env).lambda_run_end_wait_seconds;

    // Assess
    expect(wait).toBe(3);
  });
});

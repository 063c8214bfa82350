import { TerraformOutput, TerraformStack, Testing, Token } from "cdktf";
import { validateConfig } from "../../config/validate-config";
import { UNRESERVED, WorkspaceSettings, workspaceValues } from "../../stacks/workspace-settings";
import { testEnvironment, threeEnvironmentConfig } from "../support/config-fixtures";

const validated = (change: Parameters<typeof testEnvironment>[1] = {}) =>
  validateConfig({ ...threeEnvironmentConfig(), environments: [testEnvironment("dev", change)] }).environments[0];

describe("workspaceValues", () => {
  it("keeps every setting under its configuration name", () => {
    // Prepare
    const env = validated();
    // Act
    const { derived: _derived, ...values } = workspaceValues(env);
    // Assess
    expect(values).toEqual(env);
  });

  it("leaves the trigger unreserved (-1, Terraform's default) when reservedConcurrency is absent or 0", () => {
    // Prepare
    const absent = validated();
    const zero = validated({ lambda: { memorySizeMb: 256, timeoutSeconds: 60, logLevel: "DEBUG", reservedConcurrency: 0 } });
    // Act
    const values = [absent, zero].map((env) => workspaceValues(env).derived.lambdaReservedConcurrency);
    // Assess
    expect(UNRESERVED).toBe(-1);
    expect(values).toEqual([-1, -1]);
  });

  it("derives each environment's reservation and run-end wait (a third of the timeout, at most 20 s) and the Athena cutoff in bytes", () => {
    // Prepare
    const environments = validateConfig(threeEnvironmentConfig()).environments;
    // Act
    const derived = environments.map((env) => workspaceValues(env).derived);
    // Assess: timeouts 60, 90 and 120 s; cutoffs 100, 100 and 50,000 MB of 10^6 bytes.
    expect(derived).toEqual([
      { lambdaReservedConcurrency: -1, lambdaRunEndWaitSeconds: 20, athenaBytesScannedCutoffPerQuery: 100_000_000 },
      { lambdaReservedConcurrency: 3, lambdaRunEndWaitSeconds: 20, athenaBytesScannedCutoffPerQuery: 100_000_000 },
      { lambdaReservedConcurrency: 5, lambdaRunEndWaitSeconds: 20, athenaBytesScannedCutoffPerQuery: 50_000_000_000 },
    ]);
  });

  it("waits a third of a short timeout", () => {
    // Prepare
    const env = validated({ lambda: { memorySizeMb: 256, timeoutSeconds: 10, logLevel: "DEBUG" } });
    // Act
    const wait = workspaceValues(env).derived.lambdaRunEndWaitSeconds;
    // Assess
    expect(wait).toBe(3);
  });
});

describe("WorkspaceSettings.environment", () => {
  it("refers to every setting of the selected environment by the path of its configuration name", () => {
    // Prepare
    const stack = new TerraformStack(Testing.app(), "stack");
    const { environment } = new WorkspaceSettings(stack, "workspace", validateConfig(threeEnvironmentConfig()).environments);
    const outputs = {
      workers: Token.asString(environment.glue.numberOfWorkers),
      log_level: environment.lambda.logLevel,
      emails: environment.alertEmails,
      force_destroy: environment.forceDestroy,
      wait: Token.asString(environment.derived.lambdaRunEndWaitSeconds),
    };
    for (const [id, value] of Object.entries(outputs)) new TerraformOutput(stack, id, { value });
    // Act
    const synthesized = JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: unknown }> };
    // Assess
    expect(Object.fromEntries(Object.entries(synthesized.output).map(([id, o]) => [id, o.value]))).toEqual({
      workers: "${local.environment.glue.numberOfWorkers}",
      log_level: "${local.environment.lambda.logLevel}",
      emails: "${local.environment.alertEmails}",
      force_destroy: "${local.environment.forceDestroy}",
      wait: "${local.environment.derived.lambdaRunEndWaitSeconds}",
    });
  });
});

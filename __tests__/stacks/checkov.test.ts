import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkovReadableJson, runCheckov, skippedChecks, type CheckovResult } from "../../toolchain/checkov/checkov";
import { threeEnvironmentConfig } from "../support/config-fixtures";
import { buildMetricCareStack, PROJECT_ROOT } from "../support/metriccare-stack";
import { tempDirectory } from "../support/test-context";

// The real Checkov (pinned in toolchain/python/requirements-checkov.txt) over the synthesized JSON,
// as a user would scan it. It cannot see inside `${data.aws_iam_policy_document...json}` policies:
// the access matrix and security-policy.test.ts cover those.

describe("Checkov over the synthesized Terraform JSON", () => {
  let result: CheckovResult;

  beforeAll(() => {
    const { json } = buildMetricCareStack({ config: threeEnvironmentConfig({ createDataEventTrail: true }) });
    const file = join(tempDirectory(), "cdk.tf.json");
    // Without required_version, which Checkov 3.3.30 cannot parse (#7454, checkovReadableJson).
    writeFileSync(file, JSON.stringify(checkovReadableJson(json)));
    result = runCheckov(PROJECT_ROOT, file, "terraform_json");
  }, 300_000);

  it("passes every check that .checkov.yaml does not skip", () => {
    expect(result.failures).toEqual([]);
    expect(result.parsingErrors).toBe(0);
    expect(result.passed).toBeGreaterThan(250);
  });

  it("skips only checks listed with a reason", () => {
    const skipped = skippedChecks(PROJECT_ROOT);
    expect(skipped.length).toBeGreaterThan(0);
    for (const { check, reason } of skipped) {
      expect(check).toMatch(/^CKV2?_AWS_\d+$/);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});

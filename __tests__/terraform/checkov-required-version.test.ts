import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkovReadableJson, runCheckov } from "../../toolchain/checkov/checkov";
import { threeEnvironmentConfig } from "../support/config-fixtures";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { fixtureFunctionBundle, tempDirectory } from "../support/test-context";
import { synthStackDirectory } from "./terraform-support";

describe("Checkov 3.3.30 (the toolchain's checkov environment) on the synthesized JSON", () => {
  it("cannot parse the file with a string required_version (#7454), and checks the copy without it", () => {
    // Prepare
    const shipped = join(synthStackDirectory(threeEnvironmentConfig(), fixtureFunctionBundle()), "cdk.tf.json");
    const json = JSON.parse(readFileSync(shipped, "utf8")) as { terraform: Record<string, unknown> };
    const copy = join(tempDirectory("metriccare-checkov-"), "cdk.tf.json");
    writeFileSync(copy, JSON.stringify(checkovReadableJson(json)));

    // Act
    const asShipped = runCheckov(PROJECT_ROOT, shipped, "terraform_json");
    const readable = runCheckov(PROJECT_ROOT, copy, "terraform_json");

    // Assess
    expect(json.terraform.required_version).toBe(">= 1.10");
    expect(asShipped).toMatchObject({ parsingErrors: 1, passed: 0, failed: 0 });
    expect(readable).toMatchObject({ parsingErrors: 0, failed: 0 });
    expect(readable.passed).toBeGreaterThan(250);
  }, 120_000);
});

import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pythonExecutable } from "../../toolchain/python/python-env";
import { checkovReadableJson } from "../../toolchain/checkov/checkov";
import { threeEnvironmentConfig } from "../support/config-fixtures";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { fixtureFunctionBundle, tempDirectory } from "../support/test-context";
import { synthStackDirectory } from "./terraform-support";

interface CheckovReport {
  readonly summary: { readonly passed: number; readonly parsing_errors: number };
  readonly results: { readonly parsing_errors: readonly string[]; readonly passed_checks: readonly { file_path: string }[] };
}

describe("Checkov 3.3.30 (the toolchain's checkov environment) on the synthesized JSON", () => {
  it("cannot parse the file with a string required_version (#7454), and checks the copy without it", () => {
    // Prepare
    const stackDir = synthStackDirectory(threeEnvironmentConfig(), fixtureFunctionBundle());
    const scanned = tempDirectory("metriccare-checkov-");
    mkdirSync(join(scanned, "shipped"));
    copyFileSync(join(stackDir, "cdk.tf.json"), join(scanned, "shipped", "cdk.tf.json"));
    mkdirSync(join(scanned, "copy"));
    const copy = join(scanned, "copy", "cdk.tf.json");
    writeFileSync(copy, JSON.stringify(checkovReadableJson(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as object)));
    const checkov = join(dirname(pythonExecutable(PROJECT_ROOT, "checkov")), "checkov");

    // Act
    const result = spawnSync(checkov, ["-d", scanned, "--framework", "terraform_json", "--skip-download", "--compact", "-o", "json"], {
      encoding: "utf8",
      env: { ...process.env, BC_SKIP_MAPPING: "TRUE" },
    });
    const report = JSON.parse(result.stdout) as CheckovReport;

    // Assess
    expect(report.results.parsing_errors).toEqual([join(scanned, "shipped", "cdk.tf.json")]);
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(new Set(report.results.passed_checks.map((check) => check.file_path))).toEqual(new Set([copy.slice(scanned.length)]));
  }, 120_000);
});

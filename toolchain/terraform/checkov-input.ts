import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Writes `<dir>/cdk.tf.json`: the synthesized JSON of `stackDir` without `terraform.required_version`,
 * for Checkov. Checkov 3.3.30's terraform_json parser takes every value of the `terraform` block for
 * a block and fails on that string ("this method receives only dicts", bridgecrewio/checkov #7454),
 * reporting the whole file as a parsing error, so nothing in it is checked. The version constraint is
 * no security setting; the rest is scanned unchanged. (The plan JSON, `terraform_plan`, parses as is.)
 */
export function checkovScanCopy(stackDir: string, dir: string): string {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { terraform?: Record<string, unknown> };
  const terraform = { ...json.terraform };
  delete terraform.required_version;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "cdk.tf.json");
  writeFileSync(path, JSON.stringify({ ...json, terraform }, null, 2));
  return path;
}

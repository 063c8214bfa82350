import type { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataLakeKey } from "../../modules/kms/kms-key";
import type { AwsContext } from "../../modules/shared/aws-context";
import { hashContent } from "../../packaging/content-hash";
import { createDeterministicZip } from "../../packaging/deterministic-zip";
import type { FunctionBundle } from "../../packaging/bundle-function";
import type { TerraformJson } from "./terraform-json";

/** A fixed account and region, so tests can assert exact ARNs. */
export const TEST_AWS: AwsContext = { accountId: "123456789012", region: "eu-west-1", partition: "aws", dnsSuffix: "amazonaws.com" };

/**
 * Synthesizes a stack as `app.synth()` does: validations on, and cdktf's `//` metadata kept so
 * tests can find a resource by its construct path.
 */
export function synthStack(stack: TerraformStack): TerraformJson {
  stack.runAllValidations();
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}

/** The environment key, for constructs that need one. */
export function testKey(scope: Construct): DataLakeKey {
  return new DataLakeKey(scope, "key", { aws: TEST_AWS, aliasName: "alias/test", description: "test key" });
}

/** A temporary folder for files a test writes. */
export function tempDirectory(prefix = "metriccare-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `content` to `<dir>/<name>` and returns the path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A small, real ZIP standing in for the bundled Lambda where the bundle itself is not under test. */
export function fixtureFunctionBundle(content = "export const handler = async () => ({});"): FunctionBundle {
  const zip = createDeterministicZip([{ path: "index.mjs", data: Buffer.from(content) }]);
  const zipPath = writeFile(tempDirectory(), "function.zip", zip);
  return { zipPath, zipBytes: zip.length, bundleBytes: content.length, ...hashContent(zip) };
}

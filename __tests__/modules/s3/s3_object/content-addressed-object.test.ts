import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { Construct } from "constructs";
import { createHash } from "node:crypto";
import { ContentAddressedObject, type ContentAddressedObjectProps } from "../../../../modules/s3/s3_object/content-addressed-object";
import { testBucket } from "../../../support/construct-fixtures";
import { synthConstruct } from "../../../support/construct-synth";
import { tempDirectory, testKey, writeFile } from "../../../support/test-context";

const SCRIPT = "print('bronze')\n";
const SCRIPT_SHA256 = createHash("sha256").update(SCRIPT).digest();

/** Uploads `content` written to `fileName`, with `props` on top. */
function upload(
  scope: Construct,
  fileName: string,
  content: string,
  props: Partial<ContentAddressedObjectProps> = {},
): ContentAddressedObject {
  const sourcePath = writeFile(tempDirectory(), fileName, content);
  return new ContentAddressedObject(scope, "script", {
    bucket: testBucket(scope, testKey(scope), "scripts"),
    sourcePath,
    keyPrefix: "glue/scripts/",
    ...props,
  });
}

describe("ContentAddressedObject", () => {
  it("uploads the file to the bucket under <prefix><name>-<sha256 hex><extension>", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => upload(scope, "bronze_job.py", SCRIPT));
    // Assess
    expect(synth).toHaveResourceWithProperties(S3Object, {
      bucket: ref("aws_s3_bucket", "scripts/bucket", "bucket"),
      key: `glue/scripts/bronze_job-${SCRIPT_SHA256.toString("hex")}.py`,
    });
  });

  it("uploads only after the bucket's policy and default encryption exist", () => {
    // Act
    const { resource, address } = synthConstruct((scope) => upload(scope, "bronze_job.py", SCRIPT));
    // Assess
    expect(resource("aws_s3_object", "script/object").depends_on).toEqual([
      address("aws_s3_bucket_policy", "scripts/policy"),
      address("aws_s3_bucket_server_side_encryption_configuration", "scripts/encryption"),
    ]);
  });

  it("gives changed content a new key", () => {
    // Act
    const { resource } = synthConstruct((scope) => upload(scope, "bronze_job.py", `${SCRIPT}# changed\n`));
    // Assess
    const changed = createHash("sha256").update(`${SCRIPT}# changed\n`).digest("hex");
    expect(resource("aws_s3_object", "script/object").key).toBe(`glue/scripts/bronze_job-${changed}.py`);
  });

  it("uses the name given instead of the file name", () => {
    // Act
    const { resource } = synthConstruct((scope) =>
      upload(scope, "function.zip", "zip", { keyPrefix: "lambda/glue_trigger/", name: "glue_trigger" }),
    );
    // Assess
    expect(resource("aws_s3_object", "script/object").key).toBe(
      `lambda/glue_trigger/glue_trigger-${createHash("sha256").update("zip").digest("hex")}.zip`,
    );
  });

  it("uploads the file as an asset stored under its content hash", () => {
    // Act
    const { resource } = synthConstruct((scope) => upload(scope, "bronze_job.py", SCRIPT));
    // Assess
    expect(resource("aws_s3_object", "script/object").source).toMatch(
      new RegExp(`^assets/script_asset_[0-9A-F]{8}/${SCRIPT_SHA256.toString("hex")}/bronze_job\\.py$`),
    );
  });

  it.each([
    ["bronze_job.py", "text/x-python"],
    ["lakehouse.json", "application/json"],
    ["package.zip", "application/zip"],
    ["codes.csv", "text/csv"],
    ["notes.txt", "application/octet-stream"],
    ["Makefile", "application/octet-stream"],
  ])("sets the content type of %s from its extension: %s", (fileName, contentType) => {
    // Act
    const { resource } = synthConstruct((scope) => upload(scope, fileName, "x"));
    // Assess
    expect(resource("aws_s3_object", "script/object").content_type).toBe(contentType);
  });

  it("uses the content type given", () => {
    // Act
    const { synth } = synthConstruct((scope) => upload(scope, "patients.ndjson", "{}\n", { contentType: "application/x-ndjson" }));
    // Assess
    expect(synth).toHaveResourceWithProperties(S3Object, { content_type: "application/x-ndjson" });
  });

  it("exposes the key, the s3:// URI, the object ARN, the content hash and the bucket", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => upload(scope, "bronze_job.py", SCRIPT));
    // Assess
    const key = ref("aws_s3_object", "script/object", "key");
    expect(resolve(built.key)).toBe(key);
    expect(resolve(built.s3Uri)).toBe(`s3://${ref("aws_s3_object", "script/object", "bucket")}/${key}`);
    expect(resolve(built.objectArn)).toBe(`${ref("aws_s3_bucket", "scripts/bucket", "arn")}/${key}`);
    expect(built.contentHash).toEqual({ sha256Hex: SCRIPT_SHA256.toString("hex"), sha256Base64: SCRIPT_SHA256.toString("base64") });
    expect(resolve(built.bucket.bucketArn)).toBe(ref("aws_s3_bucket", "scripts/bucket", "arn"));
    expect(built.object).toBeInstanceOf(S3Object);
  });

  it("rejects a relative source path", () => {
    // Act
    const act = () => synthConstruct((scope) => upload(scope, "a.py", "x", { sourcePath: "etl/jobs/bronze_job.py" }));
    // Assess
    expect(act).toThrow('ContentAddressedObject "script": `sourcePath` must be absolute, got "etl/jobs/bronze_job.py".');
  });

  it.each(["glue/scripts", "/glue/scripts/", ""])("rejects the key prefix %p", (keyPrefix) => {
    // Act
    const act = () => synthConstruct((scope) => upload(scope, "a.py", "x", { keyPrefix }));
    // Assess
    expect(act).toThrow(`ContentAddressedObject "script": \`keyPrefix\` must end with "/" and not start with "/", got "${keyPrefix}".`);
  });
});

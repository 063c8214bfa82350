import { WorkspacePolicies } from "../iam/workspace-policies";
import { buildMetricCareStack } from "../metriccare-stack";
import { DEPLOYER, journeyConfig } from "./journey-config";
import { recordedJourney } from "./journey";
import { onBehalfOf } from "./on-behalf";
import { iamRequests, type RecordedCall, type Recording } from "./recorded-calls";

// The IAM requests of recorded calls and the calls AWS makes for them, against the expectations the
// AWS pages state (S3's required permissions per operation, SSE-KMS and multipart uploads, Lambda's
// package and environment).

const SCOPE = { accountId: "123456789012", region: "eu-central-1" };
const call = (service: string, operation: string, params: Record<string, string>, headers: Record<string, string> = {}): RecordedCall => ({
  actor: "x",
  accessKeyId: "x",
  service,
  operation,
  method: "POST",
  params,
  headers,
  status: 200,
});
const TRANSPORT = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.2" };

describe("iamRequests", () => {
  it.each([
    ["HeadObject", { Bucket: "b", Key: "k" }, "s3:GetObject", "arn:aws:s3:::b/k"],
    ["GetObject", { Bucket: "b", Key: "k", VersionId: "v1" }, "s3:GetObjectVersion", "arn:aws:s3:::b/k"],
    ["UploadPart", { Bucket: "b", Key: "k", PartNumber: "1", UploadId: "u" }, "s3:PutObject", "arn:aws:s3:::b/k"],
    ["CompleteMultipartUpload", { Bucket: "b", Key: "k", UploadId: "u" }, "s3:PutObject", "arn:aws:s3:::b/k"],
    ["ListObjectVersions", { Bucket: "b" }, "s3:ListBucketVersions", "arn:aws:s3:::b"],
    ["HeadBucket", { Bucket: "b" }, "s3:ListBucket", "arn:aws:s3:::b"],
    ["GetBucketEncryption", { Bucket: "b" }, "s3:GetEncryptionConfiguration", "arn:aws:s3:::b"],
    ["DeleteObject", { Bucket: "b", Key: "k", VersionId: "v1" }, "s3:DeleteObjectVersion", "arn:aws:s3:::b/k"],
  ])("S3 %s %j is %s on %s", (operation, params, action, resource) => {
    // Act
    const [request] = iamRequests(call("s3", operation, params), SCOPE);
    // Assess
    expect(request).toEqual({ action, resource, context: TRANSPORT });
  });

  it("turns a multi-object delete into one s3:DeleteObject per key, and a listing's prefix into s3:prefix", () => {
    // Act
    const deletes = iamRequests(call("s3", "DeleteObjects", { Bucket: "b", Keys: "a/1\na/2" }), SCOPE);
    const [list] = iamRequests(call("s3", "ListObjectsV2", { Bucket: "b", Prefix: "a/" }), SCOPE);
    // Assess
    expect(deletes.map((r) => [r.action, r.resource])).toEqual([
      ["s3:DeleteObject", "arn:aws:s3:::b/a/1"],
      ["s3:DeleteObject", "arn:aws:s3:::b/a/2"],
    ]);
    expect(list?.context).toEqual({ ...TRANSPORT, "s3:prefix": "a/" });
  });

  it("makes a copy read its source and carries the request's encryption headers as S3 condition keys", () => {
    // Act
    const requests = iamRequests(
      call(
        "s3",
        "CopyObject",
        { Bucket: "b", Key: "to" },
        { "x-amz-copy-source": "src/from%20here", "x-amz-server-side-encryption": "aws:kms" },
      ),
      SCOPE,
    );
    // Assess
    expect(requests).toEqual([
      { action: "s3:PutObject", resource: "arn:aws:s3:::b/to", context: { ...TRANSPORT, "s3:x-amz-server-side-encryption": "aws:kms" } },
      { action: "s3:GetObject", resource: "arn:aws:s3:::src/from here", context: TRANSPORT },
    ]);
  });

  it.each([
    ["kms", "Decrypt", { KeyId: "1234" }, "kms:Decrypt", "arn:aws:kms:eu-central-1:123456789012:key/1234"],
    [
      "dynamodb",
      "Query",
      { TableName: "t", IndexName: "i" },
      "dynamodb:Query",
      "arn:aws:dynamodb:eu-central-1:123456789012:table/t/index/i",
    ],
    ["lambda", "Invoke", { FunctionName: "f" }, "lambda:InvokeFunction", "arn:aws:lambda:eu-central-1:123456789012:function:f"],
    ["sqs", "SendMessage", { QueueUrl: "https://sqs/123456789012/q" }, "sqs:SendMessage", "arn:aws:sqs:eu-central-1:123456789012:q"],
    ["iam", "GetRole", { RoleName: "r" }, "iam:GetRole", "arn:aws:iam::123456789012:role/r"],
  ])("%s %s %j is %s on %s", (service, operation, params, action, resource) => {
    // Act
    const [request] = iamRequests(call(service, operation, params), SCOPE);
    // Assess
    expect([request?.action, request?.resource]).toEqual([action, resource]);
  });

  it("authorizes a Glue table call on the catalog, the database and the table", () => {
    // Act
    const requests = iamRequests(call("glue", "GetTable", { DatabaseName: "d", Name: "t" }), SCOPE);
    // Assess
    expect(requests.map((r) => r.resource)).toEqual([
      "arn:aws:glue:eu-central-1:123456789012:catalog",
      "arn:aws:glue:eu-central-1:123456789012:database/d",
      "arn:aws:glue:eu-central-1:123456789012:table/d/t",
    ]);
  });
});

describe("onBehalfOf", () => {
  const { json } = buildMetricCareStack({ config: journeyConfig() });
  const dev = new WorkspacePolicies(json, { workspace: "dev", accountId: SCOPE.accountId, deployerRoleArn: DEPLOYER });
  const raw = String(dev.resourceAt("aws_s3_bucket", "/raw_bucket/bucket")?.bucket);
  const trail = String(dev.resourceAt("aws_s3_bucket", "/cloudtrail/bucket/bucket")?.bucket);
  const key = String(dev.resourceAt("aws_kms_key", "/kms/key")?.arn);
  const auditKey = String(dev.resourceAt("aws_kms_key", "/audit_kms/key")?.arn);
  const fn = dev.resourceAt("aws_lambda_function", "/trigger_glue/function");
  const viaS3 = { "kms:ViaService": "s3.eu-central-1.amazonaws.com", "kms:CallerAccount": SCOPE.accountId };

  it("has S3 ask KMS for a data key as the caller, with the bucket as context where S3 Bucket Keys are on", () => {
    // Act
    const calls = onBehalfOf(call("s3", "PutObject", { Bucket: raw, Key: "fhir/a.json" }), dev, SCOPE);
    // Assess
    expect(calls.map(({ why: _, ...c }) => c)).toEqual([
      {
        action: "kms:GenerateDataKey",
        resource: key,
        context: { ...viaS3, "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${raw}` },
        as: "caller",
      },
    ]);
  });

  it("has S3 decrypt as the caller for every part of a multipart upload, and uses the object as context without Bucket Keys", () => {
    // Act
    const part = onBehalfOf(call("s3", "UploadPart", { Bucket: raw, Key: "fhir/b.ndjson", PartNumber: "1", UploadId: "u" }), dev, SCOPE);
    const read = onBehalfOf(call("s3", "GetObject", { Bucket: trail, Key: "AWSLogs/x.json.gz" }), dev, SCOPE);
    // Assess
    expect(part.map((c) => c.action)).toEqual(["kms:GenerateDataKey", "kms:Decrypt"]);
    expect(read).toEqual([
      expect.objectContaining({
        action: "kms:Decrypt",
        resource: auditKey,
        context: { ...viaS3, "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${trail}/AWSLogs/x.json.gz` },
      }),
    ]);
  });

  it("has Lambda read the package with the caller's rights, and the caller decrypt the environment to read the function", () => {
    // Act
    const create = onBehalfOf(
      call("lambda", "CreateFunction", { "Code.S3Bucket": raw, "Code.S3Key": "lambda/f.zip", KMSKeyArn: "arn:k" }),
      dev,
      SCOPE,
    );
    const read = onBehalfOf(call("lambda", "GetFunction", { FunctionName: String(fn?.function_name) }), dev, SCOPE);
    // Assess
    expect(create.map((c) => [c.action, c.resource])).toEqual([
      ["s3:GetObject", `arn:aws:s3:::${raw}/lambda/f.zip`],
      ["kms:Decrypt", key],
      ["kms:CreateGrant", "arn:k"],
      ["kms:Encrypt", "arn:k"],
    ]);
    expect(read.map((c) => [c.action, c.resource, c.context["kms:ViaService"]])).toEqual([
      ["kms:Decrypt", String(fn?.kms_key_arn), "lambda.eu-central-1.amazonaws.com"],
    ]);
  });
});

describe("recordedJourney", () => {
  const { json } = buildMetricCareStack({ config: journeyConfig() });
  const dev = new WorkspacePolicies(json, { workspace: "dev", accountId: SCOPE.accountId, deployerRoleArn: DEPLOYER });
  const lakehouse = String(dev.resourceAt("aws_s3_bucket", "/lakehouse_bucket/bucket")?.bucket);

  it("adds the recording's context to the caller's requests and to what services ask as the caller", () => {
    // Prepare: one recorded read of an SSE-KMS object by an engine standing in for Athena
    const recording: Recording = {
      journey: "j",
      description: "d",
      workspace: "dev",
      accountId: SCOPE.accountId,
      region: SCOPE.region,
      keys: {},
      context: { "aws:CalledVia": ["athena.amazonaws.com"] },
      stack: json,
      calls: [call("s3", "GetObject", { Bucket: lakehouse, Key: "gold/t/f.parquet" })],
    };
    // Act
    const calls = recordedJourney(recording, dev, dev, () => "analyst");
    // Assess
    expect(calls.map((c) => [c.action, c.context["aws:CalledVia"]])).toEqual([
      ["s3:GetObject", ["athena.amazonaws.com"]],
      ["kms:Decrypt", ["athena.amazonaws.com"]],
    ]);
  });
});

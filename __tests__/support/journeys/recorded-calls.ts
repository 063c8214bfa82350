import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RequestContext } from "../iam/policy-evaluator";
import type { TerraformJson } from "../terraform-json";

// A journey's calls as the real tools made them, recorded by the moto server
// (toolchain/moto/request_log.py), and the IAM request each call is authorized as.

/** Where the suites that run the real tools leave their recordings (`npm test` runs the journeys after them). */
export const JOURNEYS_DIRECTORY = join(__dirname, "..", "..", "..", ".build", "journeys");

/** One API call the moto server answered. */
export interface RecordedCall {
  /** The label of the actor the recording suite said was running, or null. */
  readonly actor: string | null;
  readonly accessKeyId: string | null;
  readonly service: string | null;
  readonly operation: string | null;
  readonly method: string;
  /** Parameters that name resources: URI labels, query members, top-level (and one level nested) scalars. */
  readonly params: Readonly<Record<string, string>>;
  /** Request headers S3's condition keys read. */
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number | null;
}

/** A recording: the calls of one or more actors against one synthesized stack in one workspace. */
export interface Recording {
  readonly journey: string;
  readonly description: string;
  readonly workspace: string;
  readonly accountId: string;
  readonly region: string;
  /** Recorded identifiers of KMS keys (id or ARN) → address of their `aws_kms_key` in `stack`. */
  readonly keys: Readonly<Record<string, string>>;
  /**
   * Names the recording suite used for resources of the stack (its own test doubles' names) → the
   * stack's names in the recorded workspace.
   * @default - none
   */
  readonly renames?: Readonly<Record<string, string>>;
  /**
   * IAM context keys AWS adds to every call of the recording: an engine that stands in for an AWS service
   * calling with the caller's credentials (Trino for Athena: `aws:CalledVia`).
   * @default - none
   */
  readonly context?: RequestContext;
  readonly stack: TerraformJson;
  readonly calls: readonly RecordedCall[];
}

/** The recording `name` (`.build/journeys/<name>.json`), or an error naming the suite that writes it. */
export function loadRecording(name: string, writtenBy: string): Recording {
  const file = join(JOURNEYS_DIRECTORY, `${name}.json`);
  if (!existsSync(file))
    throw new Error(
      `No recording ${file}: ${writtenBy} writes it when it runs. Run \`npm test\` (it runs the journeys after the suites), or that suite first.`,
    );
  return JSON.parse(readFileSync(file, "utf8")) as Recording;
}

/** One request IAM authorizes. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/** Where the account and region of ARNs come from. */
export interface ArnScope {
  readonly accountId: string;
  readonly region: string;
}

// IAM actions of S3 operations whose action is not `s3:<Operation>` (Amazon S3 User Guide, "Required
// permissions for Amazon S3 API operations", https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
const S3_ACTIONS: Readonly<Record<string, string>> = {
  HeadObject: "s3:GetObject",
  HeadBucket: "s3:ListBucket",
  ListObjects: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  ListObjectVersions: "s3:ListBucketVersions",
  ListMultipartUploads: "s3:ListBucketMultipartUploads",
  ListParts: "s3:ListMultipartUploadParts",
  CreateMultipartUpload: "s3:PutObject",
  UploadPart: "s3:PutObject",
  UploadPartCopy: "s3:PutObject",
  CompleteMultipartUpload: "s3:PutObject",
  CopyObject: "s3:PutObject",
  DeleteObjects: "s3:DeleteObject",
  ListBuckets: "s3:ListAllMyBuckets",
  GetBucketEncryption: "s3:GetEncryptionConfiguration",
  PutBucketEncryption: "s3:PutEncryptionConfiguration",
  DeleteBucketEncryption: "s3:PutEncryptionConfiguration",
  GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
  PutBucketLifecycleConfiguration: "s3:PutLifecycleConfiguration",
  DeleteBucketLifecycle: "s3:PutLifecycleConfiguration",
  GetObjectLockConfiguration: "s3:GetBucketObjectLockConfiguration",
  PutObjectLockConfiguration: "s3:PutBucketObjectLockConfiguration",
  GetPublicAccessBlock: "s3:GetBucketPublicAccessBlock",
  PutPublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  DeletePublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  DeleteBucketOwnershipControls: "s3:PutBucketOwnershipControls",
  GetBucketNotificationConfiguration: "s3:GetBucketNotification",
  PutBucketNotificationConfiguration: "s3:PutBucketNotification",
  GetBucketReplication: "s3:GetReplicationConfiguration",
  GetBucketCors: "s3:GetBucketCORS",
  PutBucketCors: "s3:PutBucketCORS",
  DeleteBucketCors: "s3:PutBucketCORS",
  GetBucketAccelerateConfiguration: "s3:GetAccelerateConfiguration",
  DeleteBucketTagging: "s3:PutBucketTagging",
  DeleteBucketWebsite: "s3:DeleteBucketWebsite",
  GetBucketIntelligentTieringConfiguration: "s3:GetIntelligentTieringConfiguration",
};
// Operations on a version use the version's action when the request names one.
const S3_VERSION_ACTIONS: Readonly<Record<string, string>> = {
  "s3:GetObject": "s3:GetObjectVersion",
  "s3:DeleteObject": "s3:DeleteObjectVersion",
  "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
  "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
};
// IAM service prefixes that differ from the SDK's service name.
const IAM_PREFIX: Readonly<Record<string, string>> = { logs: "logs", cloudwatch: "cloudwatch", events: "events", xray: "xray" };
// Operations whose IAM action has another name (Service Authorization Reference of each service).
const OTHER_ACTIONS: Readonly<Record<string, string>> = {
  "lambda:Invoke": "lambda:InvokeFunction",
  "lambda:InvokeAsync": "lambda:InvokeAsync",
};

/** TLS of the real tools: the Terraform provider, boto3, S3A and the AWS SDK for JavaScript negotiate TLS 1.2 or newer. */
const TRANSPORT: Readonly<Record<string, string>> = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.2" };

/** The IAM requests of one recorded call (several for a multi-object delete or a copy). */
export function iamRequests(call: RecordedCall, scope: ArnScope): IamRequest[] {
  const service = call.service ?? "";
  const operation = call.operation ?? "";
  if (service === "s3") return s3Requests(call);
  const action = OTHER_ACTIONS[`${service}:${operation}`] ?? `${IAM_PREFIX[service] ?? service}:${operation}`;
  const context: Record<string, string> = { ...TRANSPORT };
  if (service === "cloudwatch" && call.params.Namespace) context["cloudwatch:namespace"] = call.params.Namespace;
  return resourcesOf(call, scope).map((resource) => ({ action, resource, context }));
}

function s3Requests(call: RecordedCall): IamRequest[] {
  const { Bucket: bucket = "", Key: key } = call.params;
  const operation = call.operation ?? "";
  const base = S3_ACTIONS[operation] ?? `s3:${operation}`;
  const action = call.params.VersionId ? (S3_VERSION_ACTIONS[base] ?? base) : base;
  const context: Record<string, string> = { ...TRANSPORT };
  for (const [header, value] of Object.entries(call.headers)) if (header !== "x-amz-copy-source") context[`s3:${header}`] = value;
  if (call.params.Prefix !== undefined) context["s3:prefix"] = call.params.Prefix;
  if (call.params.Delimiter !== undefined) context["s3:delimiter"] = call.params.Delimiter;
  if (operation === "ListBuckets") return [{ action, resource: "*", context }];
  if (operation === "DeleteObjects") {
    return (call.params.Keys ?? "").split("\n").map((k) => ({ action, resource: `arn:aws:s3:::${bucket}/${k}`, context }));
  }
  const requests: IamRequest[] = [
    { action, resource: key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`, context },
  ];
  const source = call.headers["x-amz-copy-source"];
  // A copy reads its source: s3:GetObject on it (the User Guide's CopyObject permissions).
  if (source !== undefined) {
    const [path = "", version] = decodeURIComponent(source).replace(/^\//, "").split("?versionId=");
    requests.push({
      action: version ? "s3:GetObjectVersion" : "s3:GetObject",
      resource: `arn:aws:s3:::${path}`,
      context: { ...TRANSPORT },
    });
  }
  return requests;
}

/** The ARNs a call acts on, from its parameters; `*` where the action has no resource-level permission. */
function resourcesOf(call: RecordedCall, scope: ArnScope): string[] {
  const p = call.params;
  const service = call.service ?? "";
  const a = (svc: string, resource: string, region = scope.region): string => `arn:aws:${svc}:${region}:${scope.accountId}:${resource}`;
  const arnOr = (value: string | undefined, build: (name: string) => string): string[] =>
    value === undefined ? ["*"] : [value.startsWith("arn:") ? value : build(value)];
  switch (service) {
    case "kms":
      if (p.KeyId === undefined) return ["*"];
      if (p.KeyId.startsWith("arn:")) return [p.KeyId];
      return [a("kms", p.KeyId.startsWith("alias/") ? p.KeyId : `key/${p.KeyId}`)];
    case "dynamodb": {
      const table = p.TableName ?? p.TableArn;
      if (table === undefined) return ["*"];
      const tableArn = table.startsWith("arn:") ? table : a("dynamodb", `table/${table}`);
      return [p.IndexName ? `${tableArn}/index/${p.IndexName}` : tableArn];
    }
    case "sns":
      return arnOr(p.TopicArn ?? p.ResourceArn ?? p.Name, (name) => a("sns", name));
    case "sqs":
      if (p.QueueUrl) return [a("sqs", p.QueueUrl.split("/").pop() ?? "")];
      return arnOr(p.QueueName, (name) => a("sqs", name));
    case "lambda":
      return arnOr(p.FunctionName, (name) => a("lambda", `function:${name}`));
    case "iam":
      if (p.RoleName) return [`arn:aws:iam::${scope.accountId}:role/${p.RoleName}`];
      return arnOr(p.PolicyArn, (name) => name);
    case "logs":
      return arnOr(p.logGroupName ?? p.logGroupIdentifier, (name) => a("logs", `log-group:${name}`));
    case "events":
      return arnOr(p.Rule ?? p.Name, (name) => a("events", `rule/${name}`));
    case "cloudtrail":
      return arnOr(p.Name ?? p.TrailName ?? p.ResourceId, (name) => a("cloudtrail", `trail/${name}`));
    case "athena":
      return arnOr(p.WorkGroup ?? p.Name, (name) => a("athena", `workgroup/${name}`));
    case "cloudwatch":
      if (p.AlarmName) return [a("cloudwatch", `alarm:${p.AlarmName}`)];
      return arnOr(p.DashboardName, (name) => a("cloudwatch", `dashboard/${name}`, ""));
    case "glue":
      return glueResources(call, a);
    default:
      return ["*"];
  }
}

/** Glue authorizes table operations on the catalog, the database and the table (Glue Developer Guide, "Specifying AWS Glue resource ARNs"). */
function glueResources(call: RecordedCall, a: (svc: string, resource: string) => string): string[] {
  const p = call.params;
  const operation = call.operation ?? "";
  const catalog = a("glue", "catalog");
  const database = p.DatabaseName;
  const table = p.TableName ?? (database !== undefined && /Table/.test(operation) ? p.Name : undefined);
  if (database !== undefined && table !== undefined)
    return [catalog, a("glue", `database/${database}`), a("glue", `table/${database}/${table}`)];
  if (database !== undefined) return [catalog, a("glue", `database/${database}`)];
  if (/Database/.test(operation)) return p.Name === undefined ? [catalog] : [catalog, a("glue", `database/${p.Name}`)];
  const kinds: [RegExp, string][] = [
    [/Job/, "job"],
    [/Workflow/, "workflow"],
    [/Trigger/, "trigger"],
  ];
  for (const [pattern, kind] of kinds) {
    const name = p.JobName ?? p.Name;
    if (pattern.test(operation) && name !== undefined) return [a("glue", `${kind}/${name}`)];
  }
  return [catalog];
}

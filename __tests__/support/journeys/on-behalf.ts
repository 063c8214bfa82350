import type { WorkspacePolicies } from "../iam/workspace-policies";
import { iamRequests, type ArnScope, type IamRequest, type RecordedCall } from "./recorded-calls";

// The calls AWS services make on a caller's behalf, which no local emulator makes: derived from each
// recorded call and the synthesized configuration of the resource it touches, one rule per behaviour,
// each following the AWS page it names. Where a page does not say which credentials a service uses,
// the rule says so and takes the caller's (the stricter reading).

/** A call a service makes for a recorded one. */
export interface ServiceCall extends IamRequest {
  /** Whose permissions are checked: the caller's (forward access session, or the caller's credentials), or a service principal's. */
  readonly as: "caller" | { readonly service: string };
  /** The behaviour and the AWS page it follows. */
  readonly why: string;
}

const S3_KMS =
  "S3 calls KMS as the caller for SSE-KMS objects (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html; forward access sessions: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html)";
const S3_MULTIPART =
  "a multipart upload with SSE-KMS needs kms:Decrypt and kms:GenerateDataKey (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions)";
const LAMBDA_CODE =
  "Lambda reads the package from S3 with the caller's request credentials (no AWS page says whose; Lambda's own error text asks that 'your request credentials have permission to GetObject', https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html)";
const LAMBDA_ENVIRONMENT =
  "configuring a customer managed key for environment variables needs kms:CreateGrant and kms:Encrypt, viewing them kms:Decrypt, as the caller (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html)";
const DYNAMODB_KMS =
  "DynamoDB decrypts the table key as the principal accessing the table; creating an encrypted table needs kms:CreateGrant and kms:DescribeKey (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html)";
const SNS_KMS =
  "a publisher to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)";
const SQS_KMS =
  "a producer to an encrypted queue needs kms:GenerateDataKey and kms:Decrypt, a consumer kms:Decrypt (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html)";
const CLOUDTRAIL_BUCKET_KEY =
  "with an S3 Bucket Key on the trail's bucket, creating or updating a KMS-encrypted trail needs kms:Decrypt (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html)";
const KEY_LOCKOUT =
  "KMS refuses a key policy that would not let the caller change it again (policy lockout safety check, https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)";

const S3_OBJECT_WRITES = new Set(["PutObject", "CreateMultipartUpload", "CopyObject"]);
const S3_PART_WRITES = new Set(["UploadPart", "UploadPartCopy", "CompleteMultipartUpload"]);
const DYNAMODB_ITEM_OPERATIONS = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
]);

/** The calls AWS services make for `call` (already renamed for the workspace `stack` resolves). */
export function onBehalfOf(call: RecordedCall, stack: WorkspacePolicies, scope: ArnScope): ServiceCall[] {
  const p = call.params;
  const service = call.service ?? "";
  const operation = call.operation ?? "";
  const via = (svc: string): Record<string, string> => ({
    "kms:ViaService": `${svc}.${scope.region}.amazonaws.com`,
    "kms:CallerAccount": scope.accountId,
  });
  const kms = (actions: string[], keyArn: string, context: Record<string, string>, why: string): ServiceCall[] =>
    actions.map((action) => ({ action, resource: keyArn, context, as: "caller", why }));

  if (service === "s3") {
    const s3Kms = (bucket: string, key: string | undefined, actions: string[], why: string): ServiceCall[] => {
      const encryption = stack.bucketEncryption(bucket);
      const named = call.headers["x-amz-server-side-encryption-aws-kms-key-id"];
      const keyArn = named ?? encryption?.keyArn;
      if (keyArn === undefined) return [];
      // With S3 Bucket Keys the encryption context is the bucket ARN, without them the object's (UsingKMSEncryption.html, "Encryption context").
      const context = encryption?.bucketKey || key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
      return kms(actions, keyArn, { ...via("s3"), "kms:EncryptionContext:aws:s3:arn": context }, why);
    };
    const found: ServiceCall[] = [];
    if (S3_OBJECT_WRITES.has(operation)) found.push(...s3Kms(p.Bucket ?? "", p.Key, ["kms:GenerateDataKey"], S3_KMS));
    if (S3_PART_WRITES.has(operation)) found.push(...s3Kms(p.Bucket ?? "", p.Key, ["kms:GenerateDataKey", "kms:Decrypt"], S3_MULTIPART));
    if (operation === "GetObject") found.push(...s3Kms(p.Bucket ?? "", p.Key, ["kms:Decrypt"], S3_KMS));
    const source = call.headers["x-amz-copy-source"];
    if (source !== undefined) {
      const [path = ""] = decodeURIComponent(source).replace(/^\//, "").split("?versionId=");
      const [bucket = "", ...key] = path.split("/");
      found.push(...s3Kms(bucket, key.join("/"), ["kms:Decrypt"], S3_KMS));
    }
    return found;
  }

  if (service === "lambda") {
    const found: ServiceCall[] = [];
    const bucket = p["Code.S3Bucket"] ?? p.S3Bucket;
    const key = p["Code.S3Key"] ?? p.S3Key;
    if ((operation === "CreateFunction" || operation === "UpdateFunctionCode") && bucket !== undefined && key !== undefined) {
      const read: RecordedCall = {
        ...call,
        service: "s3",
        operation: "GetObject",
        params: { Bucket: bucket, Key: key, ...(p["Code.S3ObjectVersion"] ? { VersionId: p["Code.S3ObjectVersion"] } : {}) },
        headers: {},
      };
      for (const request of iamRequests(read, scope)) found.push({ ...request, as: "caller", why: LAMBDA_CODE });
      found.push(...onBehalfOf(read, stack, scope).map((c) => ({ ...c, why: `${LAMBDA_CODE}; ${c.why}` })));
    }
    if ((operation === "CreateFunction" || operation === "UpdateFunctionConfiguration") && p.KMSKeyArn) {
      found.push(...kms(["kms:CreateGrant"], p.KMSKeyArn, { ...via("lambda"), "kms:GrantIsForAWSResource": "true" }, LAMBDA_ENVIRONMENT));
      found.push(...kms(["kms:Encrypt"], p.KMSKeyArn, via("lambda"), LAMBDA_ENVIRONMENT));
    }
    if (operation === "GetFunction" || operation === "GetFunctionConfiguration") {
      const name = (p.FunctionName ?? "").split(":").pop();
      const fn = stack.find("aws_lambda_function", (f) => f.function_name === name);
      if (fn?.kms_key_arn) found.push(...kms(["kms:Decrypt"], String(fn.kms_key_arn), via("lambda"), LAMBDA_ENVIRONMENT));
    }
    return found;
  }

  if (service === "dynamodb") {
    const tableName = (p.TableName ?? "").split("/").pop();
    const table = stack.find("aws_dynamodb_table", (t) => t.name === tableName);
    const keyArn = (table?.server_side_encryption as Record<string, unknown> | undefined)?.kms_key_arn;
    if (DYNAMODB_ITEM_OPERATIONS.has(operation) && typeof keyArn === "string") {
      return kms(
        ["kms:Decrypt"],
        keyArn,
        {
          ...via("dynamodb"),
          "kms:EncryptionContext:aws:dynamodb:tableName": tableName ?? "",
          "kms:EncryptionContext:aws:dynamodb:subscriberId": scope.accountId,
        },
        DYNAMODB_KMS,
      );
    }
    const created = p["SSESpecification.KMSMasterKeyId"];
    if ((operation === "CreateTable" || operation === "UpdateTable") && created !== undefined) {
      const keyArn = created.startsWith("arn:") ? created : `arn:aws:kms:${scope.region}:${scope.accountId}:key/${created}`;
      return [
        ...kms(["kms:CreateGrant"], keyArn, { ...via("dynamodb"), "kms:GrantIsForAWSResource": "true" }, DYNAMODB_KMS),
        ...kms(["kms:DescribeKey"], keyArn, via("dynamodb"), DYNAMODB_KMS),
      ];
    }
    return [];
  }

  if (service === "sns" && operation === "Publish" && p.TopicArn) {
    const topic = stack.find("aws_sns_topic", (t) => t.arn === p.TopicArn);
    if (typeof topic?.kms_master_key_id !== "string") return [];
    return kms(
      ["kms:GenerateDataKey", "kms:Decrypt"],
      topic.kms_master_key_id,
      { ...via("sns"), "kms:EncryptionContext:aws:sns:topicArn": p.TopicArn },
      SNS_KMS,
    );
  }

  if (service === "sqs" && p.QueueUrl) {
    const name = p.QueueUrl.split("/").pop();
    const queue = stack.find("aws_sqs_queue", (q) => q.name === name);
    if (typeof queue?.kms_master_key_id !== "string") return [];
    if (operation === "SendMessage" || operation === "SendMessageBatch")
      return kms(["kms:GenerateDataKey", "kms:Decrypt"], queue.kms_master_key_id, via("sqs"), SQS_KMS);
    if (operation === "ReceiveMessage") return kms(["kms:Decrypt"], queue.kms_master_key_id, via("sqs"), SQS_KMS);
    return [];
  }

  if (service === "cloudtrail" && (operation === "CreateTrail" || operation === "UpdateTrail") && p.KmsKeyId && p.S3BucketName) {
    if (!stack.bucketEncryption(p.S3BucketName)?.bucketKey) return [];
    return kms(["kms:Decrypt"], p.KmsKeyId, {}, CLOUDTRAIL_BUCKET_KEY);
  }

  if (service === "kms" && (operation === "CreateKey" || operation === "PutKeyPolicy")) {
    const key =
      operation === "CreateKey"
        ? stack.find("aws_kms_key", (k) => k.description === p.Description)
        : stack.find("aws_kms_key", (k) => k.key_id === p.KeyId || k.arn === p.KeyId);
    return key === undefined
      ? []
      : [{ action: "kms:PutKeyPolicy", resource: String(key.arn), context: {}, as: "caller", why: KEY_LOCKOUT }];
  }
  return [];
}

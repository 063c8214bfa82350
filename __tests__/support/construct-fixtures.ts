import type { Construct } from "constructs";
import { AlertsTopic } from "../../modules/aws_sns/alerts-topic";
import type { DataLakeKey } from "../../modules/kms/kms-key";
import { LambdaFunction, type LambdaFunctionProps } from "../../modules/lambda_function/lambda-function";
import { SecureBucket } from "../../modules/s3/s3_bucket/secure-bucket";
import { ContentAddressedObject } from "../../modules/s3/s3_object/content-addressed-object";
import { TEST_AWS, tempDirectory, writeFile } from "./test-context";

// Collaborators of the construct under test, built with the fewest props they accept.

/** An SSE-KMS bucket named `name`. */
export function testBucket(scope: Construct, key: DataLakeKey, id = "bucket", name = "test-bucket"): SecureBucket {
  return new SecureBucket(scope, id, { aws: TEST_AWS, bucketName: name, encryption: key });
}

/** `content` written to a temporary `fileName` and uploaded to `bucket` under `keyPrefix`. */
export function testObject(
  scope: Construct,
  bucket: SecureBucket,
  id: string,
  fileName: string,
  content: string,
  keyPrefix = "code/",
): ContentAddressedObject {
  return new ContentAddressedObject(scope, id, { bucket, sourcePath: writeFile(tempDirectory(), fileName, content), keyPrefix });
}

/** A Lambda function `test_function` with code in a bucket of its own, and no extra permissions. */
export function testFunction(scope: Construct, key: DataLakeKey, props: Partial<LambdaFunctionProps> = {}, id = "fn"): LambdaFunction {
  const bucket = testBucket(scope, key, `${id}_code_bucket`, "test-code-bucket");
  return new LambdaFunction(scope, id, {
    aws: TEST_AWS,
    functionName: "test_function",
    description: "Test function",
    code: testObject(scope, bucket, `${id}_code`, "function.zip", "zip bytes"),
    kmsKey: key,
    logRetentionDays: 14,
    policyStatements: [],
    ...props,
  });
}

/** An alerts topic `test_alerts` without subscriptions. */
export function testTopic(scope: Construct, key: DataLakeKey, id = "alerts"): AlertsTopic {
  return new AlertsTopic(scope, id, { aws: TEST_AWS, topicName: "test_alerts", kmsKey: key });
}

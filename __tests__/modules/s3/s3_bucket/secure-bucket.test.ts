import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ref, Token } from "cdktf";
import type { Construct } from "constructs";
import { SecureBucket, type SecureBucketProps } from "../../../../modules/s3/s3_bucket/secure-bucket";
import { MetricCareValidationError } from "../../../../modules/shared/errors";
import { synthConstruct } from "../../../support/construct-synth";
import { policyStatements } from "../../../support/terraform-json";
import { TEST_AWS, testKey } from "../../../support/test-context";

/** A KMS bucket "raw" with `props` on top of the required ones. */
function rawBucket(scope: Construct, props: Partial<SecureBucketProps> = {}): SecureBucket {
  return new SecureBucket(scope, "raw", { aws: TEST_AWS, bucketName: "metriccare-raw-dev", encryption: testKey(scope), ...props });
}

/** An SSE-S3 log bucket "logs". */
function logBucket(scope: Construct): SecureBucket {
  return new SecureBucket(scope, "logs", { aws: TEST_AWS, bucketName: "metriccare-access-logs-dev", encryption: "S3_MANAGED" });
}

const everyone = [{ type: "*", identifiers: ["*"] }];

describe("SecureBucket", () => {
  it("creates the named bucket, which terraform destroy may not empty", () => {
    // Act
    const { synth } = synthConstruct((scope) => rawBucket(scope));
    // Assess
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: "metriccare-raw-dev", force_destroy: false });
  });

  it("enables versioning, blocks all public access and disables ACLs (BucketOwnerEnforced)", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => rawBucket(scope));
    // Assess
    const bucket = ref("aws_s3_bucket", "raw/bucket", "id");
    expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, { bucket, versioning_configuration: { status: "Enabled" } });
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, { bucket, rule: { object_ownership: "BucketOwnerEnforced" } });
  });

  it("encrypts with the KMS key and S3 Bucket Keys, and blocks SSE-C", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => rawBucket(scope));
    // Assess
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: ref("aws_s3_bucket", "raw/bucket", "id"),
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref("aws_kms_key", "key/key", "arn") },
          bucket_key_enabled: true,
          blocked_encryption_types: ["SSE-C"],
        },
      ],
    });
  });

  it("leaves S3 Bucket Keys off when asked (a CloudTrail bucket)", () => {
    // Act
    const { resource } = synthConstruct((scope) => rawBucket(scope, { bucketKeyEnabled: false }));
    // Assess
    expect(resource("aws_s3_bucket_server_side_encryption_configuration", "raw/encryption").rule).toEqual([
      expect.objectContaining({ bucket_key_enabled: false }),
    ]);
  });

  it("encrypts with SSE-S3 (and still blocks SSE-C) when S3_MANAGED", () => {
    // Act
    const { synth, built } = synthConstruct((scope) => logBucket(scope));
    // Assess
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, blocked_encryption_types: ["SSE-C"] }],
    });
    expect(built.encryptionKey).toBeUndefined();
  });

  describe("lifecycle", () => {
    it("aborts incomplete uploads after 7 days, expires noncurrent versions after 90 and removes expired delete markers by default", () => {
      // Act
      const { synth, ref } = synthConstruct((scope) => rawBucket(scope));
      // Assess
      expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        bucket: ref("aws_s3_bucket", "raw/bucket", "id"),
        rule: [
          {
            id: "all-objects",
            status: "Enabled",
            filter: [{ prefix: "" }],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
            noncurrent_version_expiration: [{ noncurrent_days: 90 }],
            expiration: [{ expired_object_delete_marker: true }],
          },
        ],
      });
    });

    it("uses the abort and noncurrent-version days given", () => {
      // Act
      const { synth } = synthConstruct((scope) =>
        rawBucket(scope, { abortIncompleteMultipartUploadDays: 1, noncurrentVersionExpirationDays: 3650 }),
      );
      // Assess
      expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: [
          expect.objectContaining({
            abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
            noncurrent_version_expiration: [{ noncurrent_days: 3650 }],
          }),
        ],
      });
    });

    it("adds each further rule for its prefix, with its transitions and expiration", () => {
      // Act
      const { synth } = synthConstruct((scope) =>
        rawBucket(scope, {
          lifecycleRules: [
            {
              id: "tier-raw-fhir",
              prefix: "fhir/",
              transitions: [
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 90, storageClass: "GLACIER_IR" },
              ],
            },
            { id: "expire-glue-temp", prefix: "glue-temp/", expirationDays: 7 },
          ],
        }),
      );
      // Assess
      expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: [
          expect.objectContaining({ id: "all-objects" }),
          {
            id: "tier-raw-fhir",
            status: "Enabled",
            filter: [{ prefix: "fhir/" }],
            transition: [
              { days: 30, storage_class: "STANDARD_IA" },
              { days: 90, storage_class: "GLACIER_IR" },
            ],
          },
          { id: "expire-glue-temp", status: "Enabled", filter: [{ prefix: "glue-temp/" }], expiration: [{ days: 7 }] },
        ],
      });
    });

    it("expires noncurrent versions under a prefix after the rule's own days", () => {
      // Act
      const { synth } = synthConstruct((scope) =>
        rawBucket(scope, { lifecycleRules: [{ id: "expire-replaced-silver", prefix: "silver/", noncurrentVersionExpirationDays: 1 }] }),
      );
      // Assess
      expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: [
          expect.objectContaining({ id: "all-objects", noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
          {
            id: "expire-replaced-silver",
            status: "Enabled",
            filter: [{ prefix: "silver/" }],
            noncurrent_version_expiration: [{ noncurrent_days: 1 }],
          },
        ],
      });
    });

    it("rejects a rule's noncurrent days outside 1 to 3650", () => {
      expect(() =>
        synthConstruct((scope) =>
          rawBucket(scope, { lifecycleRules: [{ id: "replaced", prefix: "silver/", noncurrentVersionExpirationDays: 0 }] }),
        ),
      ).toThrow(
        'SecureBucket "raw": `lifecycle rule "replaced" noncurrentVersionExpirationDays` must be an integer between 1 and 3650 days, got 0.',
      );
    });

    it("passes per-workspace days through as expressions", () => {
      // Act
      const { synth } = synthConstruct((scope) =>
        rawBucket(scope, {
          abortIncompleteMultipartUploadDays: Token.asNumber(ref("local.abort_days")),
          lifecycleRules: [
            { id: "tier", prefix: "fhir/", transitions: [{ days: Token.asNumber(ref("local.ia_days")), storageClass: "STANDARD_IA" }] },
          ],
        }),
      );
      // Assess
      expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: [
          expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: "${local.abort_days}" }] }),
          expect.objectContaining({ transition: [{ days: "${local.ia_days}", storage_class: "STANDARD_IA" }] }),
        ],
      });
    });
  });

  describe("bucket policy", () => {
    it("denies plain HTTP, TLS below 1.2 and uploads not encrypted with KMS, once the public access block exists", () => {
      // Act
      const { json, resource, ref, address } = synthConstruct((scope) => rawBucket(scope));
      // Assess
      const arn = ref("aws_s3_bucket", "raw/bucket", "arn");
      const policy = resource("aws_s3_bucket_policy", "raw/policy");
      expect(policy).toMatchObject({
        bucket: ref("aws_s3_bucket", "raw/bucket", "id"),
        depends_on: [address("aws_s3_bucket_public_access_block", "raw/public_access_block")],
      });
      expect(policyStatements(json, policy.policy)).toEqual([
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: everyone,
          actions: ["s3:*"],
          resources: [arn, `${arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "DenyTlsBelow12",
          effect: "Deny",
          principals: everyone,
          actions: ["s3:*"],
          resources: [arn, `${arn}/*`],
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
        },
        // What these three mean for uploads is evaluated in __tests__/stacks/intended-denials.test.ts and the journeys.
        ...["DenyUploadsNamingAnotherEncryption", "DenyKmsUploadsWithoutThisKey", "DenyUploadsWithAnotherKey"].map((sid) =>
          expect.objectContaining({ sid, effect: "Deny", actions: ["s3:PutObject"], resources: [`${arn}/*`] }),
        ),
      ]);
    });

    it("has no KMS upload rule on an SSE-S3 bucket", () => {
      // Act
      const { json, resource } = synthConstruct((scope) => logBucket(scope));
      // Assess
      expect(policyStatements(json, resource("aws_s3_bucket_policy", "logs/policy").policy).map((s) => s.sid)).toEqual([
        "DenyInsecureTransport",
        "DenyTlsBelow12",
      ]);
    });

    it("addToResourcePolicy appends a statement", () => {
      // Prepare
      const statement = {
        sid: "ServiceWrites",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
        actions: ["s3:PutObject"],
        resources: ["arn:aws:s3:::metriccare-raw-dev/x/*"],
      };
      const { json, resource } = synthConstruct((scope) => {
        const bucket = rawBucket(scope);
        // Act
        bucket.addToResourcePolicy(statement);
      });
      // Assess
      const statements = policyStatements(json, resource("aws_s3_bucket_policy", "raw/policy").policy);
      expect(statements).toHaveLength(6);
      expect(statements[5]).toEqual(statement);
    });
  });

  describe("access logs", () => {
    it("logs nothing when accessLogs is absent", () => {
      // Act
      const { json } = synthConstruct((scope) => rawBucket(scope));
      // Assess
      expect(json.resource?.aws_s3_bucket_logging).toBeUndefined();
    });

    it("logs server access to the log bucket under the prefix, partitioned by event time", () => {
      // Act
      const { synth, ref } = synthConstruct((scope) => rawBucket(scope, { accessLogs: { bucket: logBucket(scope), prefix: "raw/" } }));
      // Assess
      expect(synth).toHaveResourceWithProperties(S3BucketLoggingA, {
        bucket: ref("aws_s3_bucket", "raw/bucket", "id"),
        target_bucket: ref("aws_s3_bucket", "logs/bucket", "bucket"),
        target_prefix: "raw/",
        target_object_key_format: { partitioned_prefix: { partition_date_source: "EventTime" } },
      });
    });

    it("configures logging only after the log bucket's policy lets S3 log delivery write (PutBucketLogging checks it)", () => {
      // Act
      const { resource, address } = synthConstruct((scope) =>
        rawBucket(scope, { accessLogs: { bucket: logBucket(scope), prefix: "raw/" } }),
      );
      // Assess
      expect(resource("aws_s3_bucket_logging", "raw/access_logs").depends_on).toEqual([address("aws_s3_bucket_policy", "logs/policy")]);
    });

    it("lets S3 log delivery of this account write the source bucket's logs into the log bucket", () => {
      // Act
      const { json, resource, ref } = synthConstruct((scope) =>
        rawBucket(scope, { accessLogs: { bucket: logBucket(scope), prefix: "raw/" } }),
      );
      // Assess
      const statements = policyStatements(json, resource("aws_s3_bucket_policy", "logs/policy").policy);
      expect(statements.find((s) => s.sid === "S3ServerAccessLogDelivery")).toEqual({
        sid: "S3ServerAccessLogDelivery",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
        actions: ["s3:PutObject"],
        resources: [`${ref("aws_s3_bucket", "logs/bucket", "arn")}/*`],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [ref("aws_s3_bucket", "raw/bucket", "arn")] },
        ],
      });
    });

    it("acceptAccessLogsFrom keeps one delivery statement listing every source bucket", () => {
      // Prepare
      const { json, resource } = synthConstruct((scope) => {
        const logs = logBucket(scope);
        // Act
        logs.acceptAccessLogsFrom("arn:aws:s3:::metriccare-raw-dev");
        logs.acceptAccessLogsFrom("arn:aws:s3:::metriccare-lakehouse-dev");
      });
      // Assess
      const delivery = policyStatements(json, resource("aws_s3_bucket_policy", "logs/policy").policy).filter(
        (s) => s.sid === "S3ServerAccessLogDelivery",
      );
      expect(delivery).toHaveLength(1);
      expect(delivery[0]?.condition).toContainEqual({
        test: "ArnLike",
        variable: "aws:SourceArn",
        values: ["arn:aws:s3:::metriccare-raw-dev", "arn:aws:s3:::metriccare-lakehouse-dev"],
      });
    });

    it("rejects an SSE-KMS bucket as the access-log target", () => {
      // Act
      const act = () =>
        synthConstruct((scope) => {
          const key = testKey(scope);
          const kmsLogs = new SecureBucket(scope, "kms_logs", { aws: TEST_AWS, bucketName: "metriccare-kms-logs-dev", encryption: key });
          return new SecureBucket(scope, "raw", {
            aws: TEST_AWS,
            bucketName: "metriccare-raw-dev",
            encryption: key,
            accessLogs: { bucket: kmsLogs, prefix: "raw/" },
          });
        });
      // Assess
      expect(act).toThrow(
        'SecureBucket "raw": `accessLogs.bucket` must be encrypted with "S3_MANAGED": S3 server access logging cannot deliver to an SSE-KMS bucket.',
      );
    });
  });

  it("exposes the bucket, its name and ARN, the bucket policy and the key", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => rawBucket(scope));
    // Assess
    expect(built.bucket).toBeInstanceOf(S3Bucket);
    expect(built.bucketPolicy).toBeInstanceOf(S3BucketPolicy);
    expect(resolve(built.bucketName)).toBe(ref("aws_s3_bucket", "raw/bucket", "bucket"));
    expect(resolve(built.bucketArn)).toBe(ref("aws_s3_bucket", "raw/bucket", "arn"));
    expect(resolve(built.encryptionKey?.keyArn)).toBe(ref("aws_kms_key", "key/key", "arn"));
  });

  describe("validation", () => {
    it.each([0, 366])("rejects %p days before aborting incomplete uploads", (days) => {
      // Act
      const act = () => synthConstruct((scope) => rawBucket(scope, { abortIncompleteMultipartUploadDays: days }));
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(
        `SecureBucket "raw": \`abortIncompleteMultipartUploadDays\` must be an integer between 1 and 365 days, got ${days}.`,
      );
    });

    it.each([0, 3651])("rejects %p days before noncurrent versions expire", (days) => {
      // Act
      const act = () => synthConstruct((scope) => rawBucket(scope, { noncurrentVersionExpirationDays: days }));
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(
        `SecureBucket "raw": \`noncurrentVersionExpirationDays\` must be an integer between 1 and 3650 days, got ${days}.`,
      );
    });

    it.each(["all-objects", "tier"])("rejects the lifecycle rule id %p used twice (all-objects is the built-in rule)", (id) => {
      // Act
      const act = () =>
        synthConstruct((scope) =>
          rawBucket(scope, {
            lifecycleRules: [
              { id: "tier", prefix: "a/", expirationDays: 30 },
              { id, prefix: "b/", expirationDays: 30 },
            ],
          }),
        );
      // Assess
      expect(act).toThrow(`SecureBucket "raw": lifecycle rule id "${id}" is used twice.`);
    });

    it("checks each rule's transitions and names the rule", () => {
      // Act
      const act = () =>
        synthConstruct((scope) =>
          rawBucket(scope, { lifecycleRules: [{ id: "tier", prefix: "fhir/", transitions: [{ days: 7, storageClass: "STANDARD_IA" }] }] }),
        );
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(
        'SecureBucket "raw" lifecycle rule "tier": `transitions[0].days` must be at least 30 for STANDARD_IA (S3 keeps objects 30 days in Standard first), got 7.',
      );
    });

    it("rejects a lifecycle rule with neither transitions nor an expiration", () => {
      // Act
      const act = () => synthConstruct((scope) => rawBucket(scope, { lifecycleRules: [{ id: "noop", prefix: "fhir/" }] }));
      // Assess
      expect(act).toThrow(
        'SecureBucket "raw": lifecycle rule "noop" must have `transitions`, `expirationDays` or `noncurrentVersionExpirationDays`.',
      );
    });

    it("skips unresolved day tokens", () => {
      // Act
      const act = () =>
        synthConstruct((scope) =>
          rawBucket(scope, {
            abortIncompleteMultipartUploadDays: Token.asNumber(ref("local.a")),
            noncurrentVersionExpirationDays: Token.asNumber(ref("local.n")),
          }),
        );
      // Assess
      expect(act).not.toThrow();
    });
  });

  describe("teardown protection, Object Lock and writers", () => {
    it("keeps force_destroy off and prevent_destroy out by default", () => {
      // Act
      const { resource } = synthConstruct((scope) => rawBucket(scope));
      // Assess
      const bucket = resource("aws_s3_bucket", "raw/bucket");
      expect(bucket.force_destroy).toBe(false);
      expect(bucket.lifecycle).toBeUndefined();
    });

    it("passes force_destroy and prevent_destroy through", () => {
      // Act
      const { resource } = synthConstruct((scope) => rawBucket(scope, { forceDestroy: true, preventDestroy: true }));
      // Assess
      expect(resource("aws_s3_bucket", "raw/bucket")).toMatchObject({ force_destroy: true, lifecycle: { prevent_destroy: true } });
    });

    it("locks every object version in governance mode for the days given, after versioning", () => {
      // Act
      const { resource, ref, address } = synthConstruct((scope) => rawBucket(scope, { objectLockDays: 30 }));
      // Assess
      expect(resource("aws_s3_bucket_object_lock_configuration", "raw/object_lock")).toMatchObject({
        bucket: ref("aws_s3_bucket", "raw/bucket", "id"),
        rule: { default_retention: { mode: "GOVERNANCE", days: 30 } },
        depends_on: [address("aws_s3_bucket_versioning", "raw/versioning")],
      });
    });

    it("denies object writes and deletes to every principal but the named writers", () => {
      // Act
      const { json, resource } = synthConstruct((scope) =>
        rawBucket(scope, { objectWriters: ["arn:aws:iam::123456789012:role/deployer"] }),
      );
      // Assess
      const statements = policyStatements(json, resource("aws_s3_bucket_policy", "raw/policy").policy);
      expect(statements.find((s) => s.sid === "OnlyDeployersWriteObjects")).toMatchObject({
        effect: "Deny",
        actions: [
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:PutObjectRetention",
          "s3:PutObjectLegalHold",
          "s3:RestoreObject",
        ],
        condition: [{ test: "ArnNotLike", variable: "aws:PrincipalArn", values: ["arn:aws:iam::123456789012:role/deployer"] }],
      });
    });
  });
  describe("acceptUploads", () => {
    const FEED = "arn:aws:iam::123456789012:role/fhir-feed";
    const MANAGER = "arn:aws:iam::123456789012:role/terraform";
    const uploads = () =>
      synthConstruct((scope) => rawBucket(scope).acceptUploads({ principalArns: [FEED], prefix: "fhir/", managerArn: MANAGER }));

    it("lets the uploaders put objects under the prefix, single and multipart", () => {
      // Act
      const { json, resource, ref } = uploads();
      // Assess
      const statements = policyStatements(json, resource("aws_s3_bucket_policy", "raw/policy").policy);
      expect(statements.find((s) => s.sid === "UploadersPutObjects")).toEqual({
        sid: "UploadersPutObjects",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [FEED] }],
        actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        resources: [`${ref("aws_s3_bucket", "raw/bucket", "arn")}/fhir/*`],
      });
    });

    it("denies the uploaders everything else (read, delete, list, other prefixes), but never the manager", () => {
      // Act
      const { json, resource, ref } = uploads();
      // Assess
      const bucketArn = ref("aws_s3_bucket", "raw/bucket", "arn");
      const statements = policyStatements(json, resource("aws_s3_bucket_policy", "raw/policy").policy);
      const uploader = { test: "ArnLike", variable: "aws:PrincipalArn", values: [FEED] };
      const notManager = { test: "ArnNotLike", variable: "aws:PrincipalArn", values: [MANAGER] };
      expect(statements.find((s) => s.sid === "UploadersDoNothingElse")).toEqual({
        sid: "UploadersDoNothingElse",
        effect: "Deny",
        principals: everyone,
        not_actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        resources: [bucketArn, `${bucketArn}/*`],
        condition: [uploader, notManager],
      });
      expect(statements.find((s) => s.sid === "UploadersOnlyUnderTheirPrefix")).toMatchObject({
        not_resources: [`${bucketArn}/fhir/*`],
        condition: [uploader, notManager],
      });
      // The manager falls back to uploading when no feed is configured, and reads nothing either.
      expect(statements.find((s) => s.sid === "UploadersNeverRead")).toMatchObject({
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        condition: [uploader],
      });
    });
  });
});

import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { DataEventTrail, type DataEventTrailProps } from "../../../modules/cloudtrail/data-event-trail";
import { SecureBucket } from "../../../modules/s3/s3_bucket/secure-bucket";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { testBucket } from "../../support/construct-fixtures";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { AuditLogKey } from "../../../modules/kms/audit-log-key";
import { TEST_AWS, testKey } from "../../support/test-context";

const AUDITOR = "arn:aws:iam::123456789012:role/auditor";

/** A trail over the raw and lakehouse buckets, its bucket logging to an SSE-S3 log bucket. */
function trail(props: Partial<DataEventTrailProps> = {}) {
  return synthConstruct((scope) => {
    const key = testKey(scope);
    const auditKey = new AuditLogKey(scope, "audit_key", {
      aws: TEST_AWS,
      aliasName: "alias/audit",
      description: "audit",
      readerArns: [AUDITOR],
    });
    const logs = new SecureBucket(scope, "logs", { aws: TEST_AWS, bucketName: "metriccare-access-logs-dev", encryption: "S3_MANAGED" });
    return new DataEventTrail(scope, "cloudtrail", {
      aws: TEST_AWS,
      trailName: "metriccare_data_events_dev",
      bucketName: "metriccare-cloudtrail-dev",
      accessLogs: { bucket: logs, prefix: "cloudtrail/" },
      kmsKey: auditKey,
      readerArns: [AUDITOR],
      dataBuckets: [testBucket(scope, key, "raw", "metriccare-raw-dev"), testBucket(scope, key, "lakehouse", "metriccare-lakehouse-dev")],
      ...props,
    });
  });
}

const TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/metriccare_data_events_dev";
const CLOUDTRAIL = [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }];
const FROM_THIS_TRAIL = { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] };

describe("DataEventTrail", () => {
  it("records object-level events of the data buckets in this region, with log file validation and the KMS key", () => {
    // Act
    const { synth, ref, resource, address } = trail();
    // Assess
    expect(synth).toHaveResourceWithProperties(Cloudtrail, {
      name: "metriccare_data_events_dev",
      s3_bucket_name: ref("aws_s3_bucket", "cloudtrail/bucket/bucket", "bucket"),
      kms_key_id: ref("aws_kms_key", "audit_key/key", "arn"),
      enable_log_file_validation: true,
      include_global_service_events: false,
      is_multi_region_trail: false,
      advanced_event_selector: [
        {
          name: "Object-level events on patient-data buckets",
          field_selector: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            {
              field: "resources.ARN",
              starts_with: [`${ref("aws_s3_bucket", "raw/bucket", "arn")}/`, `${ref("aws_s3_bucket", "lakehouse/bucket", "arn")}/`],
            },
          ],
        },
      ],
    });
    expect(resource("aws_cloudtrail", "cloudtrail/trail").depends_on).toEqual([
      address("aws_s3_bucket_policy", "cloudtrail/bucket/policy"),
    ]);
  });

  it("delivers to its own bucket, encrypted with the audit key without S3 Bucket Keys, which logs access to the log bucket", () => {
    // Act
    const { synth, ref, resource } = trail();
    // Assess
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: "metriccare-cloudtrail-dev" });
    expect(synth).toHaveResourceWithProperties(S3BucketLoggingA, {
      bucket: ref("aws_s3_bucket", "cloudtrail/bucket/bucket", "id"),
      target_bucket: ref("aws_s3_bucket", "logs/bucket", "bucket"),
      target_prefix: "cloudtrail/",
    });
    // With Bucket Keys, creating or updating the trail would need kms:Decrypt (CloudTrail User Guide).
    expect(resource("aws_s3_bucket_server_side_encryption_configuration", "cloudtrail/bucket/encryption").rule).toEqual([
      expect.objectContaining({
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: ref("aws_kms_key", "audit_key/key", "arn"),
        },
        bucket_key_enabled: false,
      }),
    ]);
  });

  it("keeps log files 2557 days (7 years) by default", () => {
    // Act
    const { resource } = trail();
    // Assess
    const rules = resource("aws_s3_bucket_lifecycle_configuration", "cloudtrail/bucket/lifecycle").rule as unknown[];
    expect(rules[1]).toEqual({ id: "expire-trail-logs", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 2557 }] });
  });

  it("uses the retention and bucket lifecycle days given", () => {
    // Act
    const { synth } = trail({ retentionDays: 365, abortIncompleteMultipartUploadDays: 3, noncurrentVersionExpirationDays: 30 });
    // Assess
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          id: "all-objects",
          abort_incomplete_multipart_upload: [{ days_after_initiation: 3 }],
          noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        }),
        expect.objectContaining({ id: "expire-trail-logs", expiration: [{ days: 365 }] }),
      ],
    });
  });

  it("lets only this trail check the bucket ACL and write log files under AWSLogs/<account>/", () => {
    // Act
    const { json, resource, ref } = trail();
    // Assess
    const bucketArn = ref("aws_s3_bucket", "cloudtrail/bucket/bucket", "arn");
    const statements = policyStatements(json, resource("aws_s3_bucket_policy", "cloudtrail/bucket/policy").policy);
    expect(statements.slice(-3)).toEqual([
      {
        sid: "CloudTrailChecksBucketAcl",
        effect: "Allow",
        principals: CLOUDTRAIL,
        actions: ["s3:GetBucketAcl"],
        resources: [bucketArn],
        condition: [FROM_THIS_TRAIL],
      },
      {
        sid: "CloudTrailWritesLogs",
        effect: "Allow",
        principals: CLOUDTRAIL,
        actions: ["s3:PutObject"],
        resources: [`${bucketArn}/AWSLogs/123456789012/*`],
        condition: [FROM_THIS_TRAIL, { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }],
      },
      {
        sid: "AuditorsReadLogFiles",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [AUDITOR] }],
        actions: ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
        resources: [bucketArn, `${bucketArn}/*`],
      },
    ]);
  });

  it("lets only this trail encrypt log files with the audit key, and only the auditors decrypt them", () => {
    // Act
    const { json, resource } = trail();
    // Assess
    const statements = policyStatements(json, resource("aws_kms_key", "audit_key/key").policy);
    const bySid = (sid: string) => statements.find((s) => s.sid === sid);
    expect(bySid("CloudTrailEncryptsLogs")).toEqual({
      sid: "CloudTrailEncryptsLogs",
      effect: "Allow",
      principals: CLOUDTRAIL,
      actions: ["kms:GenerateDataKey*"],
      resources: ["*"],
      condition: [FROM_THIS_TRAIL, { test: "StringLike", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: [TRAIL_ARN] }],
    });
    expect(bySid("CloudTrailDescribesKey")).toEqual({
      sid: "CloudTrailDescribesKey",
      effect: "Allow",
      principals: CLOUDTRAIL,
      actions: ["kms:DescribeKey"],
      resources: ["*"],
      condition: [FROM_THIS_TRAIL],
    });
    expect(bySid("DecryptOnlyForAuditors")?.condition).toEqual([
      { test: "ArnNotLike", variable: "aws:PrincipalArn", values: [AUDITOR] },
      { test: "Bool", variable: "aws:PrincipalIsAWSService", values: ["false"] },
    ]);
    // The PHI key gets no CloudTrail statement.
    expect(policyStatements(json, resource("aws_kms_key", "key/key").policy).map((s) => s.sid)).not.toContain("CloudTrailEncryptsLogs");
  });

  it("exposes the trail and its bucket", () => {
    // Act
    const { built, resolve, ref } = trail();
    // Assess
    expect(built.trail).toBeInstanceOf(Cloudtrail);
    expect(built.bucket).toBeInstanceOf(SecureBucket);
    expect(resolve(built.bucket.bucketArn)).toBe(ref("aws_s3_bucket", "cloudtrail/bucket/bucket", "arn"));
  });

  // Doubtful: the error names the inner bucket and its rule, not DataEventTrail and `retentionDays`.
  it("rejects a retention of 0 days through the bucket's lifecycle rule", () => {
    // Act
    const act = () => trail({ retentionDays: 0 });
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      'SecureBucket "bucket" lifecycle rule "expire-trail-logs": `expirationDays` must be a whole number of days (1 or more), got 0.',
    );
  });
});

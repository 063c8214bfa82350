import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import type { AuditLogKey } from "../kms/audit-log-key";
import { SecureBucket, type BucketAccessLogs, type SecureBucketProps } from "../s3/s3_bucket/secure-bucket";
import { arn, servicePrincipal, type AwsContext } from "../shared/aws-context";

/** Props for {@link DataEventTrail}; the lifecycle days apply to the trail bucket. */
export interface DataEventTrailProps extends Pick<
  SecureBucketProps,
  "abortIncompleteMultipartUploadDays" | "noncurrentVersionExpirationDays"
> {
  /** Where the trail lives. */
  readonly aws: AwsContext;
  /** Trail name, e.g. `metriccare_data_events_dev`. */
  readonly trailName: string;
  /** Name of the bucket the trail delivers to (created here). */
  readonly bucketName: string;
  /** Server access logging of the trail bucket. */
  readonly accessLogs: BucketAccessLogs;
  /** Key for the log files and the trail bucket: its own, readable by the auditors only. */
  readonly kmsKey: AuditLogKey;
  /** Who may read the log files (a list token; never empty): the same readers as the key's. */
  readonly readerArns: string[];
  /** Buckets whose object-level reads and writes are recorded. */
  readonly dataBuckets: readonly SecureBucket[];
  /**
   * Days the trail bucket keeps log files, protected by Object Lock (governance mode) for as long.
   * @default 2557 (7 years, a common retention for records of access to health data)
   */
  readonly retentionDays?: number;
  /**
   * Whether the trail records (`enable_logging`); a per-workspace flag token or a literal.
   * @default true
   */
  readonly enableLogging?: boolean | IResolvable;
  /**
   * `lifecycle.prevent_destroy` on the trail bucket.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * `force_destroy` of the trail bucket.
   * @default false
   */
  readonly forceDestroy?: boolean | IResolvable;
}

/**
 * The seed's planned `cloudtrail` module: an S3 data-event trail (who read or wrote which object)
 * for the patient-data buckets, with log file validation, KMS encryption and its own bucket.
 * Each environment's `dataEventLogging` turns the recording on (prod by default; data events are
 * billed per event); the log files are Object-Locked for their retention.
 */
export class DataEventTrail extends Construct {
  /** The trail. */
  public readonly trail: Cloudtrail;
  /** The bucket the trail delivers to. */
  public readonly bucket: SecureBucket;

  public constructor(scope: Construct, id: string, props: DataEventTrailProps) {
    super(scope, id);
    const aws = props.aws;
    const trailArn = arn(aws, "cloudtrail", `trail/${props.trailName}`);
    const sourceArn = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };
    const cloudtrail = [{ type: "Service", identifiers: [servicePrincipal(aws, "cloudtrail")] }];

    this.bucket = new SecureBucket(this, "bucket", {
      aws,
      bucketName: props.bucketName,
      encryption: props.kmsKey,
      bucketKeyEnabled: false,
      accessLogs: props.accessLogs,
      abortIncompleteMultipartUploadDays: props.abortIncompleteMultipartUploadDays,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      lifecycleRules: [{ id: "expire-trail-logs", prefix: "", expirationDays: props.retentionDays ?? 2557 }],
      objectLockDays: props.retentionDays ?? 2557,
      preventDestroy: props.preventDestroy,
      forceDestroy: props.forceDestroy,
    });
    this.bucket.addToResourcePolicy({
      sid: "CloudTrailChecksBucketAcl",
      effect: "Allow",
      principals: cloudtrail,
      actions: ["s3:GetBucketAcl"],
      resources: [this.bucket.bucketArn],
      condition: [sourceArn],
    });
    this.bucket.addToResourcePolicy({
      sid: "CloudTrailWritesLogs",
      effect: "Allow",
      principals: cloudtrail,
      actions: ["s3:PutObject"],
      resources: [`${this.bucket.bucketArn}/AWSLogs/${aws.accountId}/*`],
      condition: [sourceArn, { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }],
    });
    this.bucket.addToResourcePolicy({
      sid: "AuditorsReadLogFiles",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: props.readerArns }],
      actions: ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
      resources: [this.bucket.bucketArn, `${this.bucket.bucketArn}/*`],
    });
    props.kmsKey.allowTrail(trailArn);

    this.trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: props.kmsKey.keyArn,
      enableLogFileValidation: true,
      enableLogging: props.enableLogging ?? true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelector: [
        {
          name: "Object-level events on patient-data buckets",
          fieldSelector: [
            { field: "eventCategory", equalTo: ["Data"] },
            { field: "resources.type", equalTo: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWith: props.dataBuckets.map((b) => `${b.bucketArn}/`) },
          ],
        },
      ],
      dependsOn: [this.bucket.bucketPolicy],
    });
  }
}

import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import type { CustomerManagedKey } from "../../kms/customer-managed-key";
import { sourceAccountCondition, servicePrincipal, type AwsContext } from "../../shared/aws-context";
import { denyInsecureTransport, ResourcePolicyDocument, type PolicyStatement } from "../../shared/policy-document";
import { MetricCareValidationError } from "../../shared/errors";
import { validateIntegerRange } from "../../shared/validation";
import { validateLifecycleTransitions, type StorageTransition } from "./lifecycle";

/**
 * Uploads that name an encryption must name SSE-KMS with `keyArn`; uploads that name none get the
 * bucket default (SSE-KMS with the key), so they pass. S3 uses the AWS managed key aws/s3 when a
 * request names aws:kms without a key id (S3 User Guide, "Specifying server-side encryption with
 * AWS KMS"), hence the second statement.
 */
export function denyUploadsNotEncryptedWith(bucketArn: string, keyArn: string): PolicyStatement[] {
  const header = "s3:x-amz-server-side-encryption";
  const keyHeader = "s3:x-amz-server-side-encryption-aws-kms-key-id";
  const everyone = [{ type: "*", identifiers: ["*"] }];
  return [
    {
      sid: "DenyUploadsNamingAnotherEncryption",
      effect: "Deny",
      principals: everyone,
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/*`],
      condition: [
        { test: "Null", variable: header, values: ["false"] },
        { test: "StringNotEquals", variable: header, values: ["aws:kms"] },
      ],
    },
    {
      sid: "DenyKmsUploadsWithoutThisKey",
      effect: "Deny",
      principals: everyone,
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/*`],
      condition: [
        { test: "StringEquals", variable: header, values: ["aws:kms"] },
        { test: "Null", variable: keyHeader, values: ["true"] },
      ],
    },
    {
      sid: "DenyUploadsWithAnotherKey",
      effect: "Deny",
      principals: everyone,
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/*`],
      // The key id header must name the key by its ARN.
      condition: [
        { test: "Null", variable: keyHeader, values: ["false"] },
        { test: "StringNotEquals", variable: keyHeader, values: [keyArn] },
      ],
    },
  ];
}

/** A lifecycle rule for part of a bucket, on top of the rules every bucket gets. */
export interface BucketLifecycleRule {
  /** Rule id, unique within the bucket. */
  readonly id: string;
  /** Key prefix the rule applies to; `""` for the whole bucket. */
  readonly prefix: string;
  /**
   * Storage-class transitions of current versions, in increasing days.
   * @default - none
   */
  readonly transitions?: readonly StorageTransition[];
  /**
   * Days after creation when current versions expire.
   * @default - never
   */
  readonly expirationDays?: number;
  /**
   * Days after which noncurrent versions under the prefix expire; where it is shorter than the
   * bucket's `noncurrentVersionExpirationDays`, S3 honours the shorter of two overlapping expirations.
   * @default - the bucket's `noncurrentVersionExpirationDays`
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/** The S3 actions of single and multipart uploads (S3 User Guide, "Multipart upload API and permissions"). */
export const UPLOAD_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Who may upload into a bucket, see {@link SecureBucket.acceptUploads}. */
export interface BucketUploaders {
  /** Principal ARNs (a list token; never empty). */
  readonly principalArns: string[];
  /** Key prefix they upload under, ending in `/`. */
  readonly prefix: string;
  /** The role that manages the bucket (runs Terraform): never restricted to uploading. */
  readonly managerArn: string;
}

/** Where the bucket's server access logs go. */
export interface BucketAccessLogs {
  /** The log bucket (SSE-S3: S3 log delivery cannot write to SSE-KMS buckets). */
  readonly bucket: SecureBucket;
  /** Key prefix inside the log bucket, ending in `/`. */
  readonly prefix: string;
}

/** Props for {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Where the bucket lives. */
  readonly aws: AwsContext;
  /** Globally unique bucket name (see `bucketName()`). */
  readonly bucketName: string;
  /**
   * Default encryption: SSE-KMS with this key and S3 Bucket Keys, or `"S3_MANAGED"` (SSE-S3) for
   * the server-access-log bucket only.
   */
  readonly encryption: CustomerManagedKey | "S3_MANAGED";
  /**
   * S3 Bucket Keys for SSE-KMS: one data key per requester and period instead of one KMS request per
   * object. Off for a CloudTrail bucket: with Bucket Keys whoever creates or updates the trail needs
   * kms:Decrypt (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Server access logging.
   * @default - no access logs (only for the log bucket itself)
   */
  readonly accessLogs?: BucketAccessLogs;
  /**
   * Days after which incomplete multipart uploads are aborted.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Days after which noncurrent object versions expire.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Further lifecycle rules (transitions, expirations) for parts of the bucket.
   * @default - none
   */
  readonly lifecycleRules?: readonly BucketLifecycleRule[];
  /**
   * Whether `terraform destroy` may delete the bucket with its objects (a per-workspace flag token or a literal).
   * @default false
   */
  readonly forceDestroy?: boolean | IResolvable;
  /**
   * `lifecycle.prevent_destroy` on the bucket: Terraform refuses to plan its deletion.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * S3 Object Lock in governance mode: every object version is protected from deletion and
   * overwrite for this many days (a number or a per-workspace token).
   * @default - no Object Lock
   */
  readonly objectLockDays?: number;
  /**
   * Only these principals (IAM ARNs, or a list token) may put and delete objects; everyone else is denied.
   * @default - any principal whose IAM policy allows it
   */
  readonly objectWriters?: string[];
}

/**
 * An S3 bucket with the defaults a bucket of patient data needs: versioning, default encryption
 * (SSE-KMS with bucket keys), SSE-C blocked, full public access block, BucketOwnerEnforced (no
 * ACLs), a bucket policy that denies plain HTTP and TLS below 1.2 (and non-KMS uploads on KMS
 * buckets), lifecycle rules and server access logging; optionally Object Lock, writes only by
 * named principals, `prevent_destroy` and `force_destroy`.
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** ARN of the bucket. */
  public readonly bucketArn: string;
  /** The bucket policy: services that write into the bucket depend on it. */
  public readonly bucketPolicy: S3BucketPolicy;
  /** The default encryption: uploads depend on it, so none is stored before the bucket's key applies. */
  public readonly encryptionConfiguration: S3BucketServerSideEncryptionConfigurationA;
  /** The key objects are encrypted with, if SSE-KMS. */
  public readonly encryptionKey?: CustomerManagedKey;
  private readonly aws: AwsContext;
  private readonly policy: ResourcePolicyDocument;

  public constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const owner = `SecureBucket "${id}"`;
    const abortIncompleteMultipartUploadDays = props.abortIncompleteMultipartUploadDays ?? 7;
    const noncurrentVersionExpirationDays = props.noncurrentVersionExpirationDays ?? 90;
    validateIntegerRange(owner, "abortIncompleteMultipartUploadDays", abortIncompleteMultipartUploadDays, 1, 365, "days");
    validateIntegerRange(owner, "noncurrentVersionExpirationDays", noncurrentVersionExpirationDays, 1, 3650, "days");
    if (props.accessLogs?.bucket.encryptionKey) {
      throw new MetricCareValidationError(
        owner,
        '`accessLogs.bucket` must be encrypted with "S3_MANAGED": S3 server access logging cannot deliver to an SSE-KMS bucket.',
      );
    }
    const ruleIds = new Set<string>(["all-objects"]);
    for (const rule of props.lifecycleRules ?? []) {
      if (ruleIds.has(rule.id)) throw new MetricCareValidationError(owner, `lifecycle rule id "${rule.id}" is used twice.`);
      ruleIds.add(rule.id);
      if (
        (rule.transitions ?? []).length === 0 &&
        rule.expirationDays === undefined &&
        rule.noncurrentVersionExpirationDays === undefined
      ) {
        // S3 rejects a rule without an action at apply time.
        throw new MetricCareValidationError(
          owner,
          `lifecycle rule "${rule.id}" must have \`transitions\`, \`expirationDays\` or \`noncurrentVersionExpirationDays\`.`,
        );
      }
      if (rule.noncurrentVersionExpirationDays !== undefined) {
        validateIntegerRange(
          owner,
          `lifecycle rule "${rule.id}" noncurrentVersionExpirationDays`,
          rule.noncurrentVersionExpirationDays,
          1,
          3650,
          "days",
        );
      }
      validateLifecycleTransitions(`${owner} lifecycle rule "${rule.id}"`, rule.transitions ?? [], rule.expirationDays);
    }

    this.aws = props.aws;
    this.encryptionKey = props.encryption === "S3_MANAGED" ? undefined : props.encryption;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucket.id;

    const versioning = new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    if (props.objectLockDays !== undefined) {
      // Governance mode: only a principal allowed s3:BypassGovernanceRetention (an administrator,
      // deliberately) can shorten it; compliance mode would make even a dev teardown wait.
      new S3BucketObjectLockConfigurationA(this, "object_lock", {
        bucket,
        rule: { defaultRetention: { mode: "GOVERNANCE", days: props.objectLockDays } },
        dependsOn: [versioning],
      });
    }
    this.encryptionConfiguration = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        this.encryptionKey
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.encryptionKey.keyArn },
              bucketKeyEnabled: props.bucketKeyEnabled ?? true,
              blockedEncryptionTypes: ["SSE-C"],
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public_access_block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "all-objects",
        status: "Enabled",
        filter: [{ prefix: "" }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortIncompleteMultipartUploadDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: noncurrentVersionExpirationDays }],
        expiration: [{ expiredObjectDeleteMarker: true }],
      },
      ...(props.lifecycleRules ?? []).map((rule): S3BucketLifecycleConfigurationRule => ({
        id: rule.id,
        status: "Enabled",
        filter: [{ prefix: rule.prefix }],
        transition: rule.transitions?.map((t) => ({ days: t.days, storageClass: t.storageClass })),
        expiration: rule.expirationDays === undefined ? undefined : [{ days: rule.expirationDays }],
        noncurrentVersionExpiration:
          rule.noncurrentVersionExpirationDays === undefined ? undefined : [{ noncurrentDays: rule.noncurrentVersionExpirationDays }],
      })),
    ];
    new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket, rule: rules });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, "access_logs", {
        bucket,
        targetBucket: props.accessLogs.bucket.bucketName,
        targetPrefix: props.accessLogs.prefix,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        // PutBucketLogging checks that the target's policy lets logging.s3 write: on a first deploy
        // the call fails with InvalidTargetBucketForLogging unless that policy exists.
        dependsOn: [props.accessLogs.bucket.bucketPolicy],
      });
      props.accessLogs.bucket.acceptAccessLogsFrom(this.bucketArn);
    }

    const statements: PolicyStatement[] = [
      denyInsecureTransport(["s3:*"], [this.bucketArn, `${this.bucketArn}/*`]),
      {
        sid: "DenyTlsBelow12",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [this.bucketArn, `${this.bucketArn}/*`],
        condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
      },
    ];
    if (this.encryptionKey) statements.push(...denyUploadsNotEncryptedWith(this.bucketArn, this.encryptionKey.keyArn));
    if (props.objectWriters !== undefined) {
      statements.push({
        sid: "OnlyDeployersWriteObjects",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: [
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:PutObjectRetention",
          "s3:PutObjectLegalHold",
          "s3:RestoreObject",
        ],
        resources: [`${this.bucketArn}/*`],
        condition: [{ test: "ArnNotLike", variable: "aws:PrincipalArn", values: props.objectWriters }],
      });
    }
    this.policy = new ResourcePolicyDocument(this, "policy_document", statements);
    this.bucketPolicy = new S3BucketPolicy(this, "policy", { bucket, policy: this.policy.json, dependsOn: [publicAccessBlock] });
  }

  /** Adds a statement to the bucket policy (e.g. a service that writes into the bucket). */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.upsert(statement);
  }

  /**
   * Lets `uploaders` put objects under `prefix`, single and multipart, and nothing else: no read, no
   * delete, no write elsewhere. `uploaders.principalArns` may fall back to `managerArn` (the role
   * that runs Terraform) when none is configured; the manager keeps managing the bucket but may not
   * read its objects either.
   */
  public acceptUploads(uploaders: BucketUploaders): void {
    const who = { test: "ArnLike", variable: "aws:PrincipalArn", values: uploaders.principalArns };
    const notManager = { test: "ArnNotLike", variable: "aws:PrincipalArn", values: [uploaders.managerArn] };
    const objects = `${this.bucketArn}/${uploaders.prefix}*`;
    const everyone = [{ type: "*", identifiers: ["*"] }];
    this.policy.upsert({
      sid: "UploadersPutObjects",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: uploaders.principalArns }],
      actions: UPLOAD_ACTIONS,
      resources: [objects],
    });
    this.policy.upsert({
      sid: "UploadersDoNothingElse",
      effect: "Deny",
      principals: everyone,
      notActions: UPLOAD_ACTIONS,
      resources: [this.bucketArn, `${this.bucketArn}/*`],
      condition: [who, notManager],
    });
    this.policy.upsert({
      sid: "UploadersOnlyUnderTheirPrefix",
      effect: "Deny",
      principals: everyone,
      actions: UPLOAD_ACTIONS,
      notResources: [objects],
      condition: [who, notManager],
    });
    this.policy.upsert({
      sid: "UploadersNeverRead",
      effect: "Deny",
      principals: everyone,
      actions: ["s3:GetObject", "s3:GetObjectVersion"],
      resources: [`${this.bucketArn}/*`],
      condition: [who],
    });
  }

  /** Lets S3 server access logging deliver logs of `sourceBucketArn` into this bucket. */
  public acceptAccessLogsFrom(sourceBucketArn: string): void {
    this.policy.allowServiceFrom({
      sid: "S3ServerAccessLogDelivery",
      servicePrincipal: servicePrincipal(this.aws, "logging.s3"),
      actions: ["s3:PutObject"],
      resources: [`${this.bucketArn}/*`],
      // Bucket ARNs name no account: the account condition stops a same-named bucket elsewhere.
      sourceArn: sourceBucketArn,
      sourceArnPattern: true,
      conditions: [sourceAccountCondition(this.aws)],
    });
  }
}

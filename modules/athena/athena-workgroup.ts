import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Construct } from "constructs";
import type { DataLakeKey } from "../kms/kms-key";
import type { SecureBucket } from "../s3/s3_bucket/secure-bucket";
import { arn, type AwsContext } from "../shared/aws-context";
import { validatePattern } from "../shared/validation";

/** Athena's rule for workgroup names. */
export const WORKGROUP_NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** Props for {@link AthenaWorkgroup}. */
export interface AthenaWorkgroupProps {
  /** Account, region and partition of the environment. */
  readonly aws: AwsContext;
  /** Name of the workgroup. */
  readonly workgroupName: string;
  /** What the workgroup is for. */
  readonly description: string;
  /** Bucket of the query results. */
  readonly resultsBucket: SecureBucket;
  /**
   * Key prefix of the query results in `resultsBucket`, ending in "/".
   * @default "athena-results/"
   */
  readonly resultsPrefix?: string;
  /** Key that encrypts the results (SSE-KMS). */
  readonly kmsKey: DataLakeKey;
  /** Most bytes one query may scan; Athena cancels a query that scans more (at least 10,000,000). */
  readonly bytesScannedCutoffPerQuery: number;
}

/**
 * An Athena workgroup whose settings users cannot override: results under one prefix of the
 * lakehouse bucket, encrypted with the environment's key, a per-query scan cutoff, CloudWatch metrics.
 */
export class AthenaWorkgroup extends Construct {
  /** The workgroup. */
  public readonly workgroup: AthenaWorkgroupResource;
  /** Name of the workgroup. */
  public readonly workgroupName: string;
  /** ARN of the workgroup, for IAM policies. */
  public readonly workgroupArn: string;
  /** Where query results go: `{ bucket, prefix }`. */
  public readonly results: { readonly bucket: SecureBucket; readonly prefix: string };

  public constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    const resultsPrefix = props.resultsPrefix ?? "athena-results/";
    validatePattern(
      `AthenaWorkgroup "${id}"`,
      "workgroupName",
      props.workgroupName,
      WORKGROUP_NAME_PATTERN,
      "1 to 128 letters, digits, '.', '_' or '-'",
    );
    validatePattern(
      `AthenaWorkgroup "${id}"`,
      "resultsPrefix",
      resultsPrefix,
      /^[^/].*\/$/,
      'a key prefix ending in "/" (not starting with "/")',
    );

    this.workgroup = new AthenaWorkgroupResource(this, "workgroup", {
      name: props.workgroupName,
      description: props.description,
      state: "ENABLED",
      configuration: {
        // Enforced: a client's own output location or encryption setting is ignored, so results cannot leave the bucket.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${resultsPrefix}`,
          expectedBucketOwner: props.aws.accountId,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.kmsKey.keyArn },
        },
      },
    });
    this.workgroupName = this.workgroup.name;
    this.workgroupArn = arn(props.aws, "athena", `workgroup/${this.workgroup.name}`);
    this.results = { bucket: props.resultsBucket, prefix: resultsPrefix };
  }
}

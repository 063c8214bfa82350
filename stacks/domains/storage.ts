import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import { ProcessedFilesTable } from "../../modules/dynamoDB/processed-files-table";
import { ArtifactsKey } from "../../modules/kms/artifacts-key";
import { DataLakeKey } from "../../modules/kms/kms-key";
import { bucketName } from "../../modules/s3/s3_bucket/bucket-name";
import { SecureBucket, type BucketAccessLogs } from "../../modules/s3/s3_bucket/secure-bucket";
import { UploadFiles } from "../../modules/s3/upload_files/upload-files";
import { UploadScripts } from "../../modules/s3/upload_scripts/upload-scripts";
import { BUCKET_PURPOSES } from "../../modules/shared/names";
import type { S3Prefix } from "../../modules/shared/prefix-statements";
import type { FunctionBundle } from "../../packaging/bundle-function";
import { Domain, type EnvironmentContext } from "./domain";

/** Key prefixes of the lakehouse bucket's Hudi tables (`layers.*.prefix`, `layers.silver.quarantine_prefix` in etl/config/lakehouse.json). */
export const HUDI_TABLE_PREFIXES = ["bronze/", "silver/", "gold/", "quarantine/silver/"] as const;
/** Where Athena writes query results in the lakehouse bucket. */
export const ATHENA_RESULTS_PREFIX = "athena-results/";

/** The code and configuration the environment ships, by folder. */
export interface ShippedCode {
  /** Folder of Glue job scripts (`etl/jobs`). */
  readonly glueJobsDirectory: string;
  /** The jobs' Python package (`etl/metriccare_etl`). */
  readonly gluePythonPackageDirectory: string;
  /** Configuration files the jobs read (`etl/config`). */
  readonly etlConfigDirectory: string;
  /** Build output folder for generated archives (`.build/artifacts`). */
  readonly stagingDirectory: string;
  /** Lambda packages, by function name. */
  readonly functionBundles: Readonly<Record<string, FunctionBundle>>;
}

/** Props for {@link Storage}. */
export interface StorageProps {
  readonly context: EnvironmentContext;
  /** What the scripts bucket holds. */
  readonly code: ShippedCode;
}

/**
 * Where everything lives: the keys of patient data and of deployment artifacts, the raw,
 * lakehouse, scripts and access-log buckets, the processed-files table, and the uploaded code and
 * configuration. Raw FHIR files come from the configured feeds only (`fhirUploaderArns`).
 */
export class Storage extends Domain {
  /** The key of protected health information. */
  public readonly key: DataLakeKey;
  /** The key of deployment artifacts (scripts bucket, Lambda environment). */
  public readonly artifactsKey: ArtifactsKey;
  /** The server-access-log bucket (SSE-S3). */
  public readonly accessLogs: SecureBucket;
  /** Raw FHIR files, Object-Locked. */
  public readonly raw: SecureBucket;
  /** The Hudi tables, quarantine, Glue's temporary files and Athena's results. */
  public readonly lakehouse: SecureBucket;
  /** Code and configuration, written by deployers only. */
  public readonly scripts: SecureBucket;
  /** Raw files and their state (docs/processed-files-table.md). */
  public readonly processedFiles: ProcessedFilesTable;
  /** Glue scripts, the jobs' package and the Lambda packages. */
  public readonly code: UploadScripts;
  /** Configuration files the jobs read. */
  public readonly files: UploadFiles;
  private readonly context: EnvironmentContext;

  public constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { context } = props;
    const { aws, config, environment: env, preventDestroy } = context;
    this.context = context;
    const forceDestroy = env.forceDestroy;
    const lifecycle = {
      abortIncompleteMultipartUploadDays: env.lifecycle.abortIncompleteMultipartUploadDays,
      noncurrentVersionExpirationDays: env.lifecycle.noncurrentVersionExpirationDays,
    };

    // Keys by purpose: patient data (and whatever may carry it), deployment artifacts; the audit trail's is Observability's.
    this.key = new DataLakeKey(this, "kms", {
      aws,
      aliasName: `alias/${context.name("data")}`,
      description: `MetricCare ${context.environmentName}: protected health information (raw and lakehouse data, tracking table, logs, queues, alerts)`,
      preventDestroy,
    });
    this.key.allowDataAccessList(env.keyDataAccessRoleArns);
    this.artifactsKey = new ArtifactsKey(this, "artifacts_kms", {
      aws,
      aliasName: `alias/${context.name("artifacts")}`,
      description: `MetricCare ${context.environmentName}: deployment artifacts (Glue scripts, Lambda package and environment), no patient data`,
    });

    // Buckets: a log bucket (SSE-S3, S3 log delivery cannot use SSE-KMS), then the data buckets logging into it.
    this.accessLogs = new SecureBucket(this, "access_logs_bucket", {
      aws,
      bucketName: this.bucketName(BUCKET_PURPOSES.accessLogs),
      encryption: "S3_MANAGED",
      forceDestroy,
      preventDestroy,
      ...lifecycle,
      lifecycleRules: [{ id: "expire-access-logs", prefix: "", expirationDays: env.lifecycle.accessLogExpirationDays }],
    });
    this.raw = new SecureBucket(this, "raw_bucket", {
      aws,
      bucketName: this.bucketName(BUCKET_PURPOSES.raw),
      encryption: this.key,
      forceDestroy,
      preventDestroy,
      objectLockDays: env.rawObjectLockDays,
      accessLogs: this.logsTo(BUCKET_PURPOSES.raw),
      ...lifecycle,
      lifecycleRules: [
        {
          id: "tier-raw-fhir",
          prefix: config.fhir.prefix,
          transitions: [
            { days: env.lifecycle.rawToInfrequentAccessDays, storageClass: "STANDARD_IA" },
            { days: env.lifecycle.rawToGlacierDays, storageClass: "GLACIER_IR" },
          ],
        },
      ],
    });
    const feeds = context.orDeployer(env.fhirUploaderArns);
    this.raw.acceptUploads({ principalArns: feeds, prefix: config.fhir.prefix, managerArn: context.deployerArn });
    this.key.allowUploadsThroughS3({ principalArns: feeds, bucketArn: this.raw.bucketArn, prefix: config.fhir.prefix });
    this.lakehouse = new SecureBucket(this, "lakehouse_bucket", {
      aws,
      bucketName: this.bucketName(BUCKET_PURPOSES.lakehouse),
      encryption: this.key,
      forceDestroy,
      preventDestroy,
      accessLogs: this.logsTo(BUCKET_PURPOSES.lakehouse),
      ...lifecycle,
      lifecycleRules: [
        { id: "expire-glue-temp", prefix: "glue-temp/", expirationDays: env.lifecycle.glueTempExpirationDays },
        { id: "expire-athena-results", prefix: ATHENA_RESULTS_PREFIX, expirationDays: env.athena.resultsExpirationDays },
        // Copy-on-write rewrites a table's files every commit; Hudi's cleaner keeps the history queries need.
        ...HUDI_TABLE_PREFIXES.map((prefix) => ({
          id: `expire-replaced-${prefix.replace(/\/$/, "").replace(/\//g, "-")}`,
          prefix,
          noncurrentVersionExpirationDays: env.lifecycle.hudiNoncurrentVersionExpirationDays,
        })),
      ],
    });
    this.scripts = new SecureBucket(this, "scripts_bucket", {
      aws,
      bucketName: this.bucketName(BUCKET_PURPOSES.scripts),
      encryption: this.artifactsKey,
      forceDestroy,
      // Glue runs these scripts as roles that read patient data: only deployers replace them.
      objectWriters: this.deployers,
      accessLogs: this.logsTo(BUCKET_PURPOSES.scripts),
      ...lifecycle,
    });

    this.processedFiles = new ProcessedFilesTable(this, "processed_files", {
      tableName: context.name("processed_files"),
      kmsKey: this.key,
      deletionProtection: env.deletionProtection,
      preventDestroy,
    });
    this.code = new UploadScripts(this, "upload_scripts", { bucket: this.scripts, ...props.code });
    this.files = new UploadFiles(this, "upload_files", { bucket: this.scripts, directory: props.code.etlConfigDirectory });
  }

  /** Who may write the scripts bucket: the role running Terraform and `deployerRoleArns`. */
  public get deployers(): string[] {
    return Token.asList(Fn.concat([[this.context.deployerArn], this.context.environment.deployerRoleArns]));
  }

  /** A prefix of the lakehouse bucket, the unit roles are granted. */
  public lakehouseAt(prefix: string): S3Prefix {
    return { bucket: this.lakehouse, prefix };
  }

  /** Server access logging into the log bucket, under the bucket's purpose. */
  public logsTo(purpose: string): BucketAccessLogs {
    return { bucket: this.accessLogs, prefix: `${purpose}/` };
  }

  /** The environment's name for a bucket of `purpose` (`<prefix>-<purpose>-<env>-<account>-<region>`). */
  public bucketName(purpose: string): string {
    const { config, aws, environmentName } = this.context;
    return bucketName({
      prefix: config.bucketNamePrefix,
      purpose,
      environment: environmentName,
      accountId: aws.accountId,
      region: aws.region,
    });
  }
}

import type { LambdaLogLevel } from "../modules/lambda_function/validate";
import type { GlueVersion, GlueWorkerType } from "../modules/glue/glue_job/validate";

/** Trigger Lambda settings of one environment. */
export interface LambdaEnvironmentConfig {
  /** Memory in MB, 128 to 10240. */
  readonly memorySizeMb: number;
  /** Timeout in seconds, 1 to 300. */
  readonly timeoutSeconds: number;
  /** Concurrent executions reserved for (and capped at) the function. */
  readonly reservedConcurrency: number;
  /** Application log level (`LOG_LEVEL`, Lambda advanced logging controls). */
  readonly logLevel: LambdaLogLevel;
}

/** Glue job settings of one environment (all three jobs). */
export interface GlueEnvironmentConfig {
  /** Worker type, e.g. `G.1X`. */
  readonly workerType: GlueWorkerType;
  /** Workers per job, 2 or more. */
  readonly numberOfWorkers: number;
  /** Minutes before Glue stops a job run. */
  readonly timeoutMinutes: number;
  /** Retries of a failed job run, 0 to 10. */
  readonly maxRetries: number;
}

/** S3 lifecycle days of one environment. */
export interface LifecycleEnvironmentConfig {
  /** Days after upload when raw FHIR files move to Standard-IA (30 or more). */
  readonly rawToInfrequentAccessDays: number;
  /** Days after upload when raw FHIR files move to Glacier Instant Retrieval (30 or more after Standard-IA). */
  readonly rawToGlacierDays: number;
  /** Days after an object version is replaced or deleted until it expires (every bucket). */
  readonly noncurrentVersionExpirationDays: number;
  /** Days after which incomplete multipart uploads are aborted (every bucket). */
  readonly abortIncompleteMultipartUploadDays: number;
  /** Days S3 server access logs are kept. */
  readonly accessLogExpirationDays: number;
  /** Days Glue's temporary files are kept. */
  readonly glueTempExpirationDays: number;
}

/** Everything that differs between dev, staging and prod. Synthesized as `local.environments[<name>]`. */
export interface EnvironmentConfig {
  /** Environment and Terraform workspace name: lowercase letters and digits, starting with a letter. */
  readonly name: string;
  /**
   * AWS account ids this environment may be deployed to (the provider refuses others).
   * @default - any account
   */
  readonly allowedAccountIds?: readonly string[];
  /** `cron(...)` or `rate(...)` expression (UTC) of scheduled ETL runs. */
  readonly scheduleExpression: string;
  /** Days CloudWatch keeps Lambda and Glue logs (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Addresses subscribed to the alerts topic. */
  readonly alertEmails: readonly string[];
  /** Whether the processed-files table refuses deletion. */
  readonly deletionProtection: boolean;
  /**
   * Whether this workspace manages the account-and-region-wide Glue Data Catalog encryption
   * setting. Turn it on for exactly one workspace per account.
   */
  readonly manageDataCatalogEncryption: boolean;
  /** Days a processed file's record stays in the processed-files table. */
  readonly processedFilesTtlDays: number;
  readonly lambda: LambdaEnvironmentConfig;
  readonly glue: GlueEnvironmentConfig;
  readonly lifecycle: LifecycleEnvironmentConfig;
}

/** The whole application's configuration: shared settings and one entry per environment. */
export interface MetricCareConfig {
  /** Prefix of resource and catalog names (`<project>_<service>_<env>`): lowercase letters, digits, underscores. */
  readonly projectName: string;
  /** Prefix of bucket names (`<prefix>-<purpose>-<env>-<account>-<region>`). */
  readonly bucketNamePrefix: string;
  /** Region every environment deploys to. */
  readonly awsRegion: string;
  /** Glue version of the three jobs. */
  readonly glueVersion: GlueVersion;
  /** Where FHIR files land in the raw bucket. */
  readonly fhir: {
    /** Key prefix, ending in `/`. */
    readonly prefix: string;
    /** File suffixes that start the pipeline. */
    readonly suffixes: readonly string[];
  };
  /** Create the CloudTrail S3 data-event trail (billed per event; see the README). */
  readonly createDataEventTrail: boolean;
  /**
   * Permissions boundary attached to every IAM role, for accounts that require one.
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
  /** The environments; each is a Terraform workspace. */
  readonly environments: readonly EnvironmentConfig[];
}

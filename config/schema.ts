import * as v from "valibot";
import { DEFAULT_GLUE_VERSION, GLUE_VERSIONS, GLUE_WORKER_TYPES } from "../modules/glue/glue_job/validate";
import { LAMBDA_LOG_LEVELS } from "../modules/lambda_function/validate";

/**
 * The shape of `config/metriccare.config.ts`, checked as data at synth (the synth does not type-check),
 * and the one source of the configuration's TypeScript types (`config/types.ts`). Objects are strict:
 * an unknown key is a typo, never silently ignored. Ranges, patterns and rules across fields are
 * checked afterwards by `validateConfig`, on the typed value.
 * valibot, not zod: a fraction of zod's load time on every synth, the same issue paths
 * (docs/decisions/synth-build.md).
 */

const text = (description: string) => v.pipe(v.string(), v.description(description));
const count = (description: string) => v.pipe(v.number(), v.description(description));
const flag = (description: string) => v.pipe(v.boolean(), v.description(description));
const list = (description: string) => v.pipe(v.array(v.string()), v.readonly(), v.description(description));
/** A list that may be left out: absent is empty, the one place that says so. */
const optionalList = (description: string) => v.optional(list(description), () => []);
const oneOf = <const T extends readonly string[]>(options: T, description: string) =>
  v.pipe(v.picklist(options), v.description(description));
const section = <const T extends v.ObjectEntries>(entries: T, description: string) =>
  v.pipe(v.strictObject(entries), v.readonly(), v.description(description));

export const LAMBDA_ENVIRONMENT_SCHEMA = section(
  {
    memorySizeMb: count("memory in MB, 128 to 10240"),
    timeoutSeconds: count("timeout in seconds, 1 to 300"),
    reservedConcurrency: v.optional(
      count(
        "concurrent executions reserved for (and capped at) the function; absent or 0: unreserved. Lambda keeps 100 of the account's concurrency unreserved, so a new account (quota 10) rejects any reservation: set it once the quota is raised",
      ),
      0,
    ),
    maxConsecutiveFailedRuns: v.optional(
      count("runs in a row that may fail without processing any file before the trigger starts no follow-up and alerts once (default 3)"),
      3,
    ),
    logLevel: oneOf(LAMBDA_LOG_LEVELS, "application log level (LOG_LEVEL)"),
  },
  "trigger Lambda settings",
);

export const GLUE_ENVIRONMENT_SCHEMA = section(
  {
    workerType: oneOf(GLUE_WORKER_TYPES, "Glue worker type, e.g. G.1X"),
    numberOfWorkers: count("workers per job, 2 or more"),
    timeoutMinutes: count("minutes before Glue stops a job run"),
    maxRetries: count("retries of a failed job run, 0 to 10"),
  },
  "Glue job settings (all three jobs)",
);

export const LIFECYCLE_ENVIRONMENT_SCHEMA = section(
  {
    rawToInfrequentAccessDays: count("days after upload when raw FHIR files move to Standard-IA"),
    rawToGlacierDays: count("days after upload when raw FHIR files move to Glacier Instant Retrieval"),
    noncurrentVersionExpirationDays: count("days until a replaced or deleted object version expires"),
    hudiNoncurrentVersionExpirationDays: count(
      "days until a replaced version of a Hudi table file in the lakehouse bucket expires (Hudi's cleaner keeps the tables' own history), e.g. 1 or 2",
    ),
    abortIncompleteMultipartUploadDays: count("days after which incomplete multipart uploads are aborted"),
    accessLogExpirationDays: count("days S3 server access logs are kept"),
    glueTempExpirationDays: count("days Glue's temporary files are kept"),
  },
  "S3 lifecycle days",
);

export const ATHENA_ENVIRONMENT_SCHEMA = section(
  {
    bytesScannedCutoffPerQueryMb: count(
      "most data one Athena query may scan, in MB of 10^6 bytes (10 or more); Athena cancels a query that scans more",
    ),
    resultsExpirationDays: count("days Athena query results are kept under athena-results/ in the lakehouse bucket"),
    analystPrincipalArns: optionalList(
      "IAM role or user ARNs that may assume the analyst role (e.g. the Power BI gateway's); absent or empty: only the role that runs Terraform",
    ),
  },
  "Athena workgroup and analyst role",
);

export const QUALITY_ENVIRONMENT_SCHEMA = v.optional(
  section(
    {
      maxQuarantinePercent: count(
        "alarm when one job run quarantines more than this percent of one resource type's records (Silver) or of a file's entries (Bronze), above 0 and at most 100",
      ),
      maxFileWaitMinutes: count("alarm when a file has been PENDING or WAITING for longer than this many minutes, 30 to 10080 (7 days)"),
      maxGoldLagMinutes: count(
        "alarm when Bronze has taken in data that Gold has not refreshed for longer than this many minutes, 30 to 10080 (7 days)",
      ),
      maxHoursWithoutNewFiles: v.optional(
        count("alarm when no new FHIR file has arrived for this many hours, 1 to 168 (7 days); 0 or absent: off (a feed that may pause)"),
        0,
      ),
    },
    "data-quality and freshness alarms (README, Operations)",
  ),
  { maxQuarantinePercent: 5, maxFileWaitMinutes: 120, maxGoldLagMinutes: 240, maxHoursWithoutNewFiles: 0 },
);

export const ENVIRONMENT_SCHEMA = section(
  {
    name: text("environment and Terraform workspace name"),
    allowedAccountIds: optionalList("AWS account ids this environment may be deployed to"),
    scheduleExpression: text("cron(...) or rate(...) expression of scheduled ETL runs"),
    logRetentionDays: count("days CloudWatch keeps Lambda and Glue logs"),
    alertEmails: list("addresses subscribed to the alerts topic"),
    requireAlertSubscription: flag(
      "refuse to synthesize (TF_WORKSPACE) and to plan this workspace while alertEmails is empty: alerts nobody receives hide failed runs",
    ),
    deployerRoleArns: optionalList(
      "IAM role ARNs, besides the one running Terraform, that may write and delete the scripts bucket (CI, break-glass)",
    ),
    fhirUploaderArns: optionalList(
      "IAM role or user ARNs that deliver FHIR files into the raw bucket: they may upload under the FHIR prefix (single and multipart) and nothing else, no read, no delete; absent or empty: only the role that runs Terraform",
    ),
    auditorRoleArns: optionalList(
      "IAM role or user ARNs that may read the data-event trail's log files (who read or wrote patient files), with no right to patient data; absent or empty: only the role that runs Terraform",
    ),
    keyDataAccessRoleArns: optionalList(
      "IAM role ARNs, besides the pipeline roles, that may decrypt this environment's patient data with its key (a break-glass role)",
    ),
    forceDestroy: flag("whether Terraform may delete non-empty buckets (a deliberate teardown, e.g. dev); false keeps patient data"),
    rawObjectLockDays: count(
      "days S3 Object Lock (governance mode) protects every version of a raw FHIR file from deletion and overwrite, 1 to 3650",
    ),
    dataEventLogging: flag(
      "whether the CloudTrail trail records object-level reads and writes of the patient-data buckets (billed per event)",
    ),
    auditLogRetentionDays: count("days the data-event trail's log files are kept and Object Lock protects them, 1 to 3650"),
    deletionProtection: flag("whether the processed-files table refuses deletion"),
    manageDataCatalogEncryption: flag("whether this workspace manages the account's Glue Data Catalog encryption"),
    processedFilesTtlDays: count("days a processed file's record stays in the processed-files table"),
    lambda: LAMBDA_ENVIRONMENT_SCHEMA,
    glue: GLUE_ENVIRONMENT_SCHEMA,
    lifecycle: LIFECYCLE_ENVIRONMENT_SCHEMA,
    athena: ATHENA_ENVIRONMENT_SCHEMA,
    quality: QUALITY_ENVIRONMENT_SCHEMA,
  },
  "one environment",
);

export const METRICCARE_CONFIG_SCHEMA = section(
  {
    projectName: text("prefix of resource and catalog names"),
    bucketNamePrefix: text("prefix of bucket names"),
    awsRegion: text("region every environment deploys to"),
    glueVersion: v.pipe(
      v.optional(v.picklist(GLUE_VERSIONS), DEFAULT_GLUE_VERSION),
      v.description(`Glue version of the three jobs, one the project tests end to end (default ${DEFAULT_GLUE_VERSION})`),
    ),
    fhir: section(
      {
        prefix: text("key prefix where FHIR files land, ending in /"),
        suffixes: list("file suffixes that start the pipeline"),
      },
      "where FHIR files land in the raw bucket",
    ),
    createDataEventTrail: flag(
      "whether to create the CloudTrail S3 data-event trail and its bucket (each environment's dataEventLogging turns the recording on)",
    ),
    permissionsBoundaryArn: v.optional(text("permissions boundary attached to every IAM role")),
    environments: v.pipe(v.array(ENVIRONMENT_SCHEMA), v.readonly(), v.description("the environments, one per Terraform workspace")),
  },
  "the MetricCare configuration",
);

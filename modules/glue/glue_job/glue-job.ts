import { GlueJob as GlueJobResource } from "@cdktf/provider-aws/lib/glue-job";
import { Construct } from "constructs";
import { publishMetricsStatement } from "../../cloudwatch/publish-metrics";
import type { ProcessedFilesTable } from "../../dynamoDB/processed-files-table";
import { prefixStatements, type S3Prefix } from "../../shared/prefix-statements";
import type { ContentAddressedObject } from "../../s3/s3_object/content-addressed-object";
import { arn, type AwsContext } from "../../shared/aws-context";
import { MetricCareValidationError } from "../../shared/errors";
import { GLUE_TABLE_READ_ACTIONS } from "../../shared/glue-catalog-actions";
import type { PolicyStatement } from "../../shared/policy-document";
import { ServiceRole } from "../../shared/service-role";
import type { GlueCatalogDatabase } from "../glue_catalog_database/glue-catalog-database";
import type { GlueSecurityConfiguration } from "../glue_security_configuration/glue-security-configuration";
import { EncryptedLogGroup } from "../../cloudwatch/log-group";
import { validateGlueJobSettings, type GlueVersion } from "./validate";

/** What the job may read and write: its role is scoped to exactly this. */
export interface GlueJobAccess {
  /** Prefixes the job reads. */
  readonly reads: readonly S3Prefix[];
  /** Prefixes the job writes (and reads, deletes: Hudi rewrites and cleans files). */
  readonly writes: readonly S3Prefix[];
  /** Catalog databases whose tables the job reads. */
  readonly readsDatabases: readonly GlueCatalogDatabase[];
  /** Catalog databases where the job creates and updates tables and partitions. */
  readonly writesDatabases: readonly GlueCatalogDatabase[];
  /**
   * The processed-files table, for the job that claims and finishes raw files.
   * @default - no DynamoDB access
   */
  readonly processedFiles?: ProcessedFilesTable;
}

/** Props for {@link GlueJob}. */
export interface GlueJobProps {
  /** Where the job runs. */
  readonly aws: AwsContext;
  /** Job name, e.g. `metriccare_bronze_dev`. */
  readonly jobName: string;
  /** What the job does. */
  readonly description: string;
  /** The uploaded job script. */
  readonly script: ContentAddressedObject;
  /**
   * Uploaded Python packages (ZIPs) the script imports (`--extra-py-files`).
   * @default - none
   */
  readonly pythonLibraries?: readonly ContentAddressedObject[];
  /**
   * Other uploaded objects the job reads, e.g. its configuration file.
   * @default - none
   */
  readonly readsObjects?: readonly ContentAddressedObject[];
  /** Glue version; only versions the project tests end to end (see {@link GLUE_VERSIONS}). */
  readonly glueVersion: GlueVersion;
  /** Worker type, e.g. `G.1X`. */
  readonly workerType: string;
  /** Number of workers, 2 or more (account quotas set the maximum; 1000 catches typos). */
  readonly numberOfWorkers: number;
  /**
   * Minutes before Glue stops a run.
   * @default 60
   */
  readonly timeoutMinutes?: number;
  /**
   * Retries of a failed run.
   * @default 0
   */
  readonly maxRetries?: number;
  /** Security configuration (S3, CloudWatch and bookmark encryption). */
  readonly securityConfiguration: GlueSecurityConfiguration;
  /** Where Glue keeps temporary files (`--TempDir`). */
  readonly tempDirectory: S3Prefix;
  /** Data and catalog access. */
  readonly access: GlueJobAccess;
  /** Days the job's driver and executor log groups keep logs. */
  readonly logRetentionDays: number;
  /**
   * Job-specific default arguments (`--name` → value), e.g. bucket and database names.
   * @default {}
   */
  readonly jobArguments?: Readonly<Record<string, string>>;
  /**
   * Permissions boundary of the job's role.
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * CloudWatch namespace the job publishes its own metrics to (besides Glue's, which it always may).
   * @default - Glue's namespace only
   */
  readonly metricsNamespace?: string;
}

/**
 * Arguments every job gets: Hudi, the Data Catalog, bookmarks, insights and metrics. No
 * continuous-logging flags: deprecated since Glue 5.0, whose logs are real time
 * (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html).
 */
const STANDARD_ARGUMENTS: Readonly<Record<string, string>> = {
  "--job-language": "python",
  "--datalake-formats": "hudi",
  "--enable-glue-datacatalog": "true",
  "--job-bookmark-option": "job-bookmark-enable",
  "--enable-job-insights": "true",
  "--enable-metrics": "true",
  "--enable-observability-metrics": "true",
};

/**
 * The Spark confs of `--conf`, in the one value Glue accepts (`k=v --conf k=v ...`). Hudi 1.0 wants
 * Kryo with its registrator and its session extension and catalog
 * (https://hudi.apache.org/docs/quick-start-guide); convertMetastoreParquet=false makes Spark read
 * Hudi tables through Hudi. S3A is Glue 5.1's S3 connector: its region defaults to us-east-2 unless
 * set, and Spark's writes get SSE-KMS with the environment key explicitly, since AWS does not
 * document that the security configuration's S3 encryption reaches S3A.
 */
export function sparkConf(region: string, kmsKeyArn: string): string {
  return [
    "spark.serializer=org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator=org.apache.spark.HoodieSparkKryoRegistrar",
    "spark.sql.extensions=org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
    "spark.sql.catalog.spark_catalog=org.apache.spark.sql.hudi.catalog.HoodieCatalog",
    "spark.sql.hive.convertMetastoreParquet=false",
    `spark.hadoop.fs.s3a.endpoint.region=${region}`,
    "spark.hadoop.fs.s3a.encryption.algorithm=SSE-KMS",
    `spark.hadoop.fs.s3a.encryption.key=${kmsKeyArn}`,
  ].join(" --conf ");
}

// Spark's Glue catalog client reads the "default" database at start-up and creates it if missing.
const DEFAULT_DATABASE = ["glue:GetDatabase", "glue:CreateDatabase"];
const CATALOG_READ = [...GLUE_TABLE_READ_ACTIONS, "glue:GetUserDefinedFunctions"];
// Hudi 1.0 HiveSyncTool in hms mode, through the Glue Data Catalog client for Hive metastore
// (awslabs/aws-glue-data-catalog-client-for-apache-hive-metastore, GlueMetastoreClientDelegate):
// getAllDatabases → GetDatabases, getFunctions → GetUserDefinedFunctions; then per table
// getDatabase → GetDatabase, tableExists/getTable → GetTable, getTables → GetTables,
// createTable → CreateTable, alter_table → UpdateTable, listPartitions → GetPartitions,
// add_partitions → BatchCreatePartition, alter_partitions → UpdatePartition/BatchUpdatePartition,
// dropPartitions → DeletePartition/BatchDeletePartition (CATALOG_READ and CATALOG_WRITE).
const HIVE_SYNC_LIST = ["glue:GetDatabases", "glue:GetUserDefinedFunctions"];
const CATALOG_WRITE = [
  "glue:CreateTable",
  "glue:UpdateTable",
  "glue:CreatePartition",
  "glue:BatchCreatePartition",
  "glue:UpdatePartition",
  "glue:BatchUpdatePartition",
  "glue:DeletePartition",
  "glue:BatchDeletePartition",
];

/**
 * A Glue Spark ETL job (Python) writing Hudi tables to the Data Catalog, with its own IAM role
 * scoped to the exact prefixes, databases and table it uses.
 */
export class GlueJob extends Construct {
  /** The job. */
  public readonly job: GlueJobResource;
  /** Name of the job. */
  public readonly jobName: string;
  /** ARN of the job. */
  public readonly jobArn: string;
  /** The job's role. */
  public readonly role: ServiceRole;
  /** The job's output and error log groups. */
  public readonly logGroups: EncryptedLogGroup[];

  public constructor(scope: Construct, id: string, props: GlueJobProps) {
    super(scope, id);
    const owner = `GlueJob "${id}"`;
    const timeoutMinutes = props.timeoutMinutes ?? 60;
    const maxRetries = props.maxRetries ?? 0;
    validateGlueJobSettings(owner, { ...props, timeoutMinutes, maxRetries });
    const jobArguments = props.jobArguments ?? {};
    for (const name of Object.keys(jobArguments)) {
      if (!/^--[A-Za-z0-9_-]+$/.test(name)) {
        throw new MetricCareValidationError(
          owner,
          `\`jobArguments\` keys must look like "--name" (letters, digits, _ and -), got "${name}".`,
        );
      }
      if (name in STANDARD_ARGUMENTS || ["--conf", "--TempDir", "--extra-py-files"].includes(name)) {
        throw new MetricCareValidationError(owner, `\`jobArguments\` must not set "${name}": the construct sets it.`);
      }
    }
    for (const location of [...props.access.reads, ...props.access.writes, props.tempDirectory]) {
      if (!location.prefix.endsWith("/") || location.prefix.startsWith("/")) {
        throw new MetricCareValidationError(owner, `S3 prefixes must end with "/" and not start with "/", got "${location.prefix}".`);
      }
    }

    const aws = props.aws;
    const key = props.securityConfiguration.kmsKey;
    const libraries = props.pythonLibraries ?? [];
    const code = [props.script, ...libraries, ...(props.readsObjects ?? [])];
    const codeKeys = [...new Set(code.flatMap((o) => (o.bucket.encryptionKey ? [o.bucket.encryptionKey] : [])))];
    const statements: PolicyStatement[] = [
      {
        sid: "ReadCode",
        effect: "Allow",
        actions: ["s3:GetObject"],
        resources: code.map((o) => o.objectArn),
      },
      // Glue reads the script and libraries with the job's role (https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html),
      // so S3 decrypts them with the role's rights.
      ...codeKeys.map((codeKey, index) =>
        codeKey.useThroughServicesStatement(`DecryptCodeThroughS3${index > 0 ? index : ""}`, ["kms:Decrypt"], ["s3"]),
      ),
      ...prefixStatements("Read", props.access.reads, ["s3:GetObject", "s3:GetObjectVersion"]),
      ...prefixStatements(
        "Write",
        [...props.access.writes, props.tempDirectory],
        [
          "s3:GetObject",
          "s3:GetObjectVersion",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
      ),
      key.encryptDecryptStatement(),
      {
        sid: "EncryptJobBookmarksAndLogs",
        effect: "Allow",
        // CSE-KMS job bookmarks are encrypted by the job itself, a direct call without kms:ViaService;
        // Glue's encryption setup lists these for encrypted bookmarks and CloudWatch logs
        // (https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html).
        actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        resources: [key.keyArn],
      },
      {
        sid: "ReadCatalog",
        effect: "Allow",
        actions: CATALOG_READ,
        resources: [
          arn(aws, "glue", "catalog"),
          ...[...props.access.readsDatabases, ...props.access.writesDatabases].flatMap((db) => [db.databaseArn, db.tablesArn]),
        ],
      },
      {
        sid: "HiveSyncListsCatalog",
        effect: "Allow",
        // Hudi's Hive sync (hms mode) through Glue's Hive metastore client lists every database
        // (getAllDatabases → GetDatabases) and every database's functions (getFunctions →
        // GetUserDefinedFunctions with pattern "*") before it syncs one table: read-only, names only.
        actions: HIVE_SYNC_LIST,
        resources: [arn(aws, "glue", "catalog"), arn(aws, "glue", "database/*"), arn(aws, "glue", "userDefinedFunction/*/*")],
      },
      {
        sid: "DefaultDatabase",
        effect: "Allow",
        actions: DEFAULT_DATABASE,
        resources: [arn(aws, "glue", "catalog"), arn(aws, "glue", "database/default")],
      },
      ...(props.access.writesDatabases.length > 0
        ? [
            {
              sid: "WriteCatalog",
              effect: "Allow",
              actions: CATALOG_WRITE,
              resources: [arn(aws, "glue", "catalog"), ...props.access.writesDatabases.flatMap((db) => [db.databaseArn, db.tablesArn])],
            },
          ]
        : []),
      {
        sid: "WriteGlueLogs",
        effect: "Allow",
        // Glue associates the security configuration's key with its log groups at every run start;
        // CreateLogGroup covers groups whose names Glue does not document.
        actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        resources: [arn(aws, "logs", "log-group:/aws-glue/jobs/*")],
      },
      // Glue's own job metrics, and the job's data-quality metrics where it has a namespace.
      publishMetricsStatement("PublishJobMetrics", ["Glue", ...(props.metricsNamespace === undefined ? [] : [props.metricsNamespace])]),
      ...(props.access.processedFiles?.claimFilesStatements() ?? []),
    ];
    this.role = new ServiceRole(this, "role", {
      roleName: props.jobName,
      servicePrincipal: "glue.amazonaws.com",
      description: `Role of the ${props.jobName} Glue job`,
      statements,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    });

    this.job = new GlueJobResource(this, "job", {
      name: props.jobName,
      description: props.description,
      roleArn: this.role.roleArn,
      glueVersion: props.glueVersion,
      workerType: props.workerType,
      numberOfWorkers: props.numberOfWorkers,
      // Glue reports STANDARD for a job created without it; left unset, every plan shows
      // `execution_class "STANDARD" -> null`.
      executionClass: "STANDARD",
      timeout: timeoutMinutes,
      maxRetries,
      securityConfiguration: props.securityConfiguration.name,
      executionProperty: { maxConcurrentRuns: 1 },
      command: { name: "glueetl", pythonVersion: "3", scriptLocation: props.script.s3Uri },
      defaultArguments: {
        ...STANDARD_ARGUMENTS,
        "--conf": sparkConf(aws.region, key.keyArn),
        "--TempDir": `s3://${props.tempDirectory.bucket.bucketName}/${props.tempDirectory.prefix}`,
        ...(libraries.length > 0 ? { "--extra-py-files": libraries.map((l) => l.s3Uri).join(",") } : {}),
        ...jobArguments,
      },
      dependsOn: [this.role.policy],
    });
    this.jobName = this.job.name;
    // With a security configuration that encrypts CloudWatch logs, Glue 5.x writes to
    // "/aws-glue/jobs/<security configuration>-role/<job role>/{error,output}" and to no other group
    // (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html, and
    // https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html): created
    // first so they get the key and a retention (Glue would create them without one). The role is
    // named after the job.
    this.logGroups = ["output", "error"].map(
      (stream) =>
        new EncryptedLogGroup(this, `${stream}_logs`, {
          aws,
          logGroupName: `/aws-glue/jobs/${props.securityConfiguration.configuredName}-role/${props.jobName}/${stream}`,
          kmsKey: key,
          retentionDays: props.logRetentionDays,
        }),
    );
    this.jobArn = this.job.arn;
  }
}

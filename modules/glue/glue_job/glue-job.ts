import { GlueJob as GlueJobResource } from "@cdktf/provider-aws/lib/glue-job";
import { Construct } from "constructs";
import type { ProcessedFilesTable } from "../../dynamoDB/processed-files-table";
import type { SecureBucket } from "../../s3/s3_bucket/secure-bucket";
import type { ContentAddressedObject } from "../../s3/s3_object/content-addressed-object";
import { arn, type AwsContext } from "../../shared/aws-context";
import { MetricCareValidationError } from "../../shared/errors";
import type { PolicyStatement } from "../../shared/policy-document";
import { ServiceRole } from "../../shared/service-role";
import type { GlueCatalogDatabase } from "../glue_catalog_database/glue-catalog-database";
import type { GlueSecurityConfiguration } from "../glue_security_configuration/glue-security-configuration";
import { EncryptedLogGroup } from "../../cloudwatch/log-group";
import { validateGlueJobSettings, type GlueVersion } from "./validate";

/** A key prefix in a bucket, e.g. `bronze/` in the lakehouse bucket. */
export interface S3Prefix {
  /** The bucket. */
  readonly bucket: SecureBucket;
  /** Key prefix ending in `/`. */
  readonly prefix: string;
}

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
  /** Glue version: 4.0 or 5.0. */
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
}

/** Arguments every job gets: Hudi, the Data Catalog, bookmarks, logging, insights and metrics. */
const STANDARD_ARGUMENTS: Readonly<Record<string, string>> = {
  "--job-language": "python",
  "--datalake-formats": "hudi",
  // Hudi requires Kryo; convertMetastoreParquet=false makes Spark read Hudi tables through Hudi.
  "--conf": "spark.serializer=org.apache.spark.serializer.KryoSerializer --conf spark.sql.hive.convertMetastoreParquet=false",
  "--enable-glue-datacatalog": "true",
  "--job-bookmark-option": "job-bookmark-enable",
  "--enable-continuous-cloudwatch-log": "true",
  "--enable-continuous-log-filter": "true",
  "--enable-job-insights": "true",
  "--enable-metrics": "true",
  "--enable-observability-metrics": "true",
};

// Spark's Glue catalog client reads the "default" database at start-up and creates it if missing.
const DEFAULT_DATABASE = ["glue:GetDatabase", "glue:CreateDatabase"];
const CATALOG_READ = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
  "glue:GetUserDefinedFunctions",
];
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
      if (name in STANDARD_ARGUMENTS || name === "--TempDir" || name === "--extra-py-files") {
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
    const statements: PolicyStatement[] = [
      {
        sid: "ReadCode",
        effect: "Allow",
        actions: ["s3:GetObject"],
        resources: [props.script, ...libraries, ...(props.readsObjects ?? [])].map((o) => o.objectArn),
      },
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
        sid: "ReadCatalog",
        effect: "Allow",
        actions: CATALOG_READ,
        resources: [
          arn(aws, "glue", "catalog"),
          ...[...props.access.readsDatabases, ...props.access.writesDatabases].flatMap((db) => [db.databaseArn, db.tablesArn]),
        ],
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
      {
        sid: "PublishJobMetrics",
        effect: "Allow",
        actions: ["cloudwatch:PutMetricData"],
        // PutMetricData has no resource-level permissions: "*" is required; the namespace condition scopes it.
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["Glue"] }],
      },
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
        "--TempDir": `s3://${props.tempDirectory.bucket.bucketName}/${props.tempDirectory.prefix}`,
        ...(libraries.length > 0 ? { "--extra-py-files": libraries.map((l) => l.s3Uri).join(",") } : {}),
        ...jobArguments,
      },
      dependsOn: [this.role.policy],
    });
    this.jobName = this.job.name;
    // With a security configuration that encrypts logs, Glue writes driver and executor output to
    // "/aws-glue/jobs/<security configuration>-role/<role>/{output,error}": create them first so
    // they get a retention (Glue would create them without one).
    this.logGroups = ["output", "error"].map(
      (stream) =>
        new EncryptedLogGroup(this, `${stream}_logs`, {
          aws,
          logGroupName: `/aws-glue/jobs/${props.securityConfiguration.name}-role/${props.jobName}/${stream}`,
          kmsKey: key,
          retentionDays: props.logRetentionDays,
        }),
    );
    this.jobArn = this.job.arn;
  }
}

/**
 * Object access on `<prefix>*` plus listing of that prefix. The prefix without its slash is
 * included too: Hadoop's S3 client looks up each path as an object before listing it.
 */
function prefixStatements(sidPrefix: string, locations: readonly S3Prefix[], objectActions: string[]): PolicyStatement[] {
  return locations.flatMap((location, index): PolicyStatement[] => {
    const bare = location.prefix.slice(0, -1);
    return [
      {
        sid: `${sidPrefix}Objects${index}`,
        effect: "Allow",
        actions: objectActions,
        resources: [`${location.bucket.bucketArn}/${bare}`, `${location.bucket.bucketArn}/${location.prefix}*`],
      },
      {
        sid: `${sidPrefix}List${index}`,
        effect: "Allow",
        actions: ["s3:ListBucket"],
        resources: [location.bucket.bucketArn],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: [bare, `${location.prefix}*`] }],
      },
    ];
  });
}

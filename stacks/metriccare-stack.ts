import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformOutput, TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";
import { join } from "node:path";
import type { MetricCareConfig } from "../config/types";
import { alertSubscriptionMessage } from "../config/validate-config";
import { AnalystRole } from "../modules/athena/analyst-role";
import { AthenaWorkgroup } from "../modules/athena/athena-workgroup";
import { NamedQueries } from "../modules/athena/named-queries";
import { AlertsTopic } from "../modules/aws_sns/alerts-topic";
import { DataEventTrail } from "../modules/cloudtrail/data-event-trail";
import { PipelineAlarms } from "../modules/cloudwatch/pipeline-alarms";
import { ProcessedFilesTable } from "../modules/dynamoDB/processed-files-table";
import { EventBridge } from "../modules/event_bridge/event-bridge";
import { GlueCatalogDatabase } from "../modules/glue/glue_catalog_database/glue-catalog-database";
import { GlueCatalogEncryption } from "../modules/glue/glue_catalog_encryption/glue-catalog-encryption";
import { GlueJob } from "../modules/glue/glue_job/glue-job";
import { GlueSecurityConfiguration } from "../modules/glue/glue_security_configuration/glue-security-configuration";
import { GlueWorkflow } from "../modules/glue/glue_workflow/glue-workflow";
import { ArtifactsKey } from "../modules/kms/artifacts-key";
import { AuditLogKey } from "../modules/kms/audit-log-key";
import { DataLakeKey } from "../modules/kms/kms-key";
import { LambdaFunction } from "../modules/lambda_function/lambda-function";
import type { LambdaLogLevel } from "../modules/lambda_function/validate";
import { bucketName } from "../modules/s3/s3_bucket/bucket-name";
import { ObjectCreatedNotification } from "../modules/s3/s3_bucket/object-created-notification";
import { SecureBucket } from "../modules/s3/s3_bucket/secure-bucket";
import { UploadFiles } from "../modules/s3/upload_files/upload-files";
import { UploadScripts } from "../modules/s3/upload_scripts/upload-scripts";
import type { AwsContext } from "../modules/shared/aws-context";
import type { FunctionBundle } from "../packaging/bundle-function";
import { BUCKET_PURPOSES, catalogDatabaseName, LAKEHOUSE_LAYERS, resourceName, type LakehouseLayer } from "./names";
import { useLocalBackend, useS3Backend, type S3StateSettings } from "./state-backend";
import { WorkspaceSettings } from "./workspace-settings";

/** Terraform versions the synthesized JSON works with (`required_version`). */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10";

/** The trigger Lambda's name in `functionBundles` and in S3 keys. */
export const GLUE_TRIGGER_FUNCTION = "glue_trigger";
/** Key prefixes of the lakehouse bucket's Hudi tables (`layers.*.prefix`, `layers.silver.quarantine_prefix` in etl/config/lakehouse.json). */
export const HUDI_TABLE_PREFIXES = ["bronze/", "silver/", "gold/", "quarantine/silver/"] as const;

/** Where Athena writes query results in the lakehouse bucket. */
export const ATHENA_RESULTS_PREFIX = "athena-results/";

/** Where the stack finds the code it ships. */
export interface ProjectSources {
  /** Folder of Glue job scripts (`etl/jobs`). */
  readonly glueJobsDirectory: string;
  /** The jobs' Python package (`etl/metriccare_etl`). */
  readonly gluePythonPackageDirectory: string;
  /** The Athena named queries over Gold, one `.sql` file each (`etl/athena`). */
  readonly athenaQueriesDirectory: string;
  /** Configuration files the jobs read (`etl/config`). */
  readonly etlConfigDirectory: string;
  /** Build output folder for generated archives (`.build/artifacts`). */
  readonly stagingDirectory: string;
  /** The bundled trigger Lambda. */
  readonly glueTriggerBundle: FunctionBundle;
}

/** Props for {@link MetricCareStack}. */
export interface MetricCareStackProps {
  /** The validated configuration (`validateConfig`). */
  readonly config: MetricCareConfig;
  /** The code the stack uploads. */
  readonly sources: ProjectSources;
  /**
   * S3 state backend.
   * @default - local state in `localStateDirectory`
   */
  readonly state?: S3StateSettings;
  /**
   * Folder of local state, relative to the synthesized stack folder (cdktf.out/stacks/metriccare).
   * @default "../../.." (the project root, when cdktf.out is in it)
   */
  readonly localStateDirectory?: string;
  /**
   * Leave `prevent_destroy` out of the stateful resources (buckets of patient data and audit logs,
   * the key, the processed-files table), for a deliberate teardown: METRICCARE_ALLOW_DESTROY=1 at synth.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * The MetricCare lakehouse: one stack for every environment, the Terraform workspace selects
 * the environment (names, tags and the `local.environment` settings follow it).
 */
export class MetricCareStack extends TerraformStack {
  /** The workspace-selected settings. */
  public readonly settings: WorkspaceSettings;
  /** The trigger Lambda. */
  public readonly triggerFunction: LambdaFunction;
  /** The ETL workflow. */
  public readonly workflow: GlueWorkflow;
  /** The jobs, by layer. */
  public readonly glueJobs: Readonly<Record<LakehouseLayer, GlueJob>>;
  /** Uploaded scripts and packages. */
  public readonly uploads: UploadScripts;
  /** Uploaded configuration files. */
  public readonly files: UploadFiles;
  /** The Athena workgroup over Gold. */
  public readonly workgroup: AthenaWorkgroup;
  /** The read-only role of analysts and dashboards. */
  public readonly analystRole: AnalystRole;

  public constructor(scope: Construct, id: string, props: MetricCareStackProps) {
    super(scope, id);
    // The S3 backend's use_lockfile needs Terraform 1.10; older versions fail with a clear message.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    const { config, sources } = props;
    const project = config.projectName;
    if (props.state) useS3Backend(this, props.state);
    else useLocalBackend(this, props.localStateDirectory ?? "../../..");

    this.settings = new WorkspaceSettings(this, "workspace", config.environments);
    const settings = this.settings;
    const env = settings.environmentName;
    const name = (service: string): string => resourceName(project, service, env);

    const restrictAccounts = config.environments.some((e) => (e.allowedAccountIds ?? []).length > 0);
    new AwsProvider(this, "aws", {
      region: config.awsRegion,
      allowedAccountIds: restrictAccounts ? settings.list("allowed_account_ids") : undefined,
      defaultTags: [{ tags: { Project: "MetricCare", Environment: env, ManagedBy: "cdktf" } }],
    });
    const identity = new DataAwsCallerIdentity(this, "current", { lifecycle: { precondition: [settings.workspacePrecondition] } });
    const partition = new DataAwsPartition(this, "partition");
    // The role (or user) running Terraform: it uploads the scripts, so it is always a deployer.
    const session = new DataAwsIamSessionContext(this, "deployer", { arn: identity.arn });
    const deployers = Token.asList(Fn.concat([[session.issuerArn], settings.list("deployer_role_arns")]));
    const preventDestroy = !(props.allowDestroy ?? false);
    const output = (id: string, value: string, description: string): void => {
      new TerraformOutput(this, id, { value, description });
    };
    const forceDestroy = settings.flag("force_destroy");
    const aws: AwsContext = {
      accountId: identity.accountId,
      region: config.awsRegion,
      partition: partition.partition,
      dnsSuffix: partition.dnsSuffix,
    };

    // Keys by purpose: patient data (and whatever may carry it), deployment artifacts, the audit trail.
    const key = new DataLakeKey(this, "kms", {
      aws,
      aliasName: `alias/${name("data")}`,
      description: `MetricCare ${env}: protected health information (raw and lakehouse data, tracking table, logs, queues, alerts)`,
      preventDestroy,
    });
    key.allowDataAccessList(settings.list("key_data_access_role_arns"));
    const artifactsKey = new ArtifactsKey(this, "artifacts_kms", {
      aws,
      aliasName: `alias/${name("artifacts")}`,
      description: `MetricCare ${env}: deployment artifacts (Glue scripts, Lambda package and environment), no patient data`,
    });
    // Settings that name principals fall back to the role that runs Terraform, never to nobody or the account.
    const orDeployer = (list: string[]): string[] => Token.asList(Fn.coalescelist([list, [session.issuerArn]]));

    // Buckets: a log bucket (SSE-S3, S3 log delivery cannot use SSE-KMS), then the data buckets logging into it.
    const lifecycle = {
      abortIncompleteMultipartUploadDays: settings.number("abort_incomplete_multipart_upload_days"),
      noncurrentVersionExpirationDays: settings.number("noncurrent_version_expiration_days"),
    };
    const bucket = (purpose: string): string =>
      bucketName({ prefix: config.bucketNamePrefix, purpose, environment: env, accountId: aws.accountId, region: aws.region });
    const accessLogs = new SecureBucket(this, "access_logs_bucket", {
      aws,
      bucketName: bucket(BUCKET_PURPOSES.accessLogs),
      encryption: "S3_MANAGED",
      forceDestroy,
      preventDestroy,
      ...lifecycle,
      lifecycleRules: [{ id: "expire-access-logs", prefix: "", expirationDays: settings.number("access_log_expiration_days") }],
    });
    const logsTo = (purpose: string) => ({ bucket: accessLogs, prefix: `${purpose}/` });
    const raw = new SecureBucket(this, "raw_bucket", {
      aws,
      bucketName: bucket(BUCKET_PURPOSES.raw),
      encryption: key,
      forceDestroy,
      preventDestroy,
      objectLockDays: settings.number("raw_object_lock_days"),
      accessLogs: logsTo(BUCKET_PURPOSES.raw),
      ...lifecycle,
      lifecycleRules: [
        {
          id: "tier-raw-fhir",
          prefix: config.fhir.prefix,
          transitions: [
            { days: settings.number("raw_to_infrequent_access_days"), storageClass: "STANDARD_IA" },
            { days: settings.number("raw_to_glacier_days"), storageClass: "GLACIER_IR" },
          ],
        },
      ],
    });
    const lakehouse = new SecureBucket(this, "lakehouse_bucket", {
      aws,
      bucketName: bucket(BUCKET_PURPOSES.lakehouse),
      encryption: key,
      forceDestroy,
      preventDestroy,
      accessLogs: logsTo(BUCKET_PURPOSES.lakehouse),
      ...lifecycle,
      lifecycleRules: [
        { id: "expire-glue-temp", prefix: "glue-temp/", expirationDays: settings.number("glue_temp_expiration_days") },
        { id: "expire-athena-results", prefix: ATHENA_RESULTS_PREFIX, expirationDays: settings.number("athena_results_expiration_days") },
        // Copy-on-write rewrites a table's files every commit; Hudi's cleaner keeps the history queries need.
        ...HUDI_TABLE_PREFIXES.map((prefix) => ({
          id: `expire-replaced-${prefix.replace(/\/$/, "").replace(/\//g, "-")}`,
          prefix,
          noncurrentVersionExpirationDays: settings.number("hudi_noncurrent_version_expiration_days"),
        })),
      ],
    });
    const fhirUploaders = orDeployer(settings.list("fhir_uploader_arns"));
    raw.acceptUploads({ principalArns: fhirUploaders, prefix: config.fhir.prefix, managerArn: session.issuerArn });
    key.allowUploadsThroughS3({ principalArns: fhirUploaders, bucketArn: raw.bucketArn, prefix: config.fhir.prefix });
    const scripts = new SecureBucket(this, "scripts_bucket", {
      aws,
      bucketName: bucket(BUCKET_PURPOSES.scripts),
      encryption: artifactsKey,
      forceDestroy,
      // Glue runs these scripts as roles that read patient data: only deployers replace them.
      objectWriters: deployers,
      accessLogs: logsTo(BUCKET_PURPOSES.scripts),
      ...lifecycle,
    });

    const processedFiles = new ProcessedFilesTable(this, "processed_files", {
      tableName: name("processed_files"),
      kmsKey: key,
      deletionProtection: settings.flag("deletion_protection"),
      preventDestroy,
    });
    const alerts = new AlertsTopic(this, "alerts", {
      aws,
      topicName: name("alerts"),
      kmsKey: key,
      emailAddresses: settings.list("alert_emails"),
    });
    alerts.topic.lifecycle = {
      precondition: [
        {
          condition: `\${!local.environment.require_alert_subscription || length(local.environment.alert_emails) != 0}`,
          errorMessage: alertSubscriptionMessage("${terraform.workspace}"),
        },
      ],
    };

    this.uploads = new UploadScripts(this, "upload_scripts", {
      bucket: scripts,
      glueJobsDirectory: sources.glueJobsDirectory,
      gluePythonPackageDirectory: sources.gluePythonPackageDirectory,
      stagingDirectory: sources.stagingDirectory,
      functionBundles: { [GLUE_TRIGGER_FUNCTION]: sources.glueTriggerBundle },
    });
    this.files = new UploadFiles(this, "upload_files", { bucket: scripts, directory: sources.etlConfigDirectory });
    const lakehouseConfig = this.files.file("lakehouse.json");

    const databases = Object.fromEntries(
      LAKEHOUSE_LAYERS.map((layer) => [
        layer,
        new GlueCatalogDatabase(this, `${layer}_database`, {
          aws,
          databaseName: catalogDatabaseName(project, layer, env),
          description: `MetricCare ${layer} layer (Hudi tables)`,
          locationUri: `s3://${lakehouse.bucketName}/${layer}/`,
        }),
      ]),
    ) as Record<LakehouseLayer, GlueCatalogDatabase>;
    const securityConfiguration = new GlueSecurityConfiguration(this, "glue_security", {
      aws,
      name: name("glue_security"),
      kmsKey: key,
    });
    new GlueCatalogEncryption(this, "glue_catalog_encryption", { kmsKey: key, enabled: settings.flag("manage_data_catalog_encryption") });

    // Each job gets the arguments it reads (etl/README.md): its own database, the lakehouse and its
    // configuration; Bronze also the raw files and the processed-files table.
    const commonArguments = (layer: LakehouseLayer): Record<string, string> => ({
      "--env": env,
      "--lakehouse_bucket": lakehouse.bucketName,
      "--lakehouse_config_uri": lakehouseConfig.s3Uri,
      [`--${layer}_database`]: databases[layer].databaseName,
    });
    const jobArguments: Record<LakehouseLayer, Record<string, string>> = {
      bronze: {
        ...commonArguments("bronze"),
        "--raw_bucket": raw.bucketName,
        "--raw_prefix": config.fhir.prefix,
        "--processed_files_table": processedFiles.tableName,
        "--processed_files_status_index": processedFiles.statusIndexName,
        "--processed_files_ttl_days": settings.string("processed_files_ttl_days"),
      },
      silver: commonArguments("silver"),
      gold: commonArguments("gold"),
    };
    const at = (prefix: string) => ({ bucket: lakehouse, prefix });
    const access = {
      bronze: {
        reads: [{ bucket: raw, prefix: config.fhir.prefix }],
        writes: [at("bronze/"), at("quarantine/bronze/")],
        readsDatabases: [],
        writesDatabases: [databases.bronze],
        processedFiles,
      },
      // Silver and Gold read the previous layer by S3 path, not through the catalog.
      silver: {
        reads: [at("bronze/")],
        writes: [at("silver/"), at("quarantine/silver/")],
        readsDatabases: [],
        writesDatabases: [databases.silver],
      },
      gold: { reads: [at("silver/")], writes: [at("gold/")], readsDatabases: [], writesDatabases: [databases.gold] },
    };
    const descriptions: Record<LakehouseLayer, string> = {
      bronze: "Raw FHIR files (waiting in the processed-files table) to Hudi tables per resource type",
      silver: "Bronze FHIR resources flattened, validated and deduplicated",
      gold: "CMS-style measures for dashboards",
    };
    this.glueJobs = Object.fromEntries(
      LAKEHOUSE_LAYERS.map((layer) => [
        layer,
        new GlueJob(this, `${layer}_job`, {
          aws,
          jobName: name(`${layer}_job`),
          description: descriptions[layer],
          script: this.uploads.glueScript(`${layer}_job`),
          pythonLibraries: [this.uploads.gluePythonPackage],
          readsObjects: [lakehouseConfig],
          glueVersion: config.glueVersion,
          workerType: settings.string("glue_worker_type"),
          numberOfWorkers: settings.number("glue_number_of_workers"),
          timeoutMinutes: settings.number("glue_timeout_minutes"),
          maxRetries: settings.number("glue_max_retries"),
          securityConfiguration,
          tempDirectory: at(`glue-temp/${layer}/`),
          access: access[layer],
          jobArguments: jobArguments[layer],
          logRetentionDays: settings.number("log_retention_days"),
          permissionsBoundaryArn: config.permissionsBoundaryArn,
        }),
      ]),
    ) as Record<LakehouseLayer, GlueJob>;
    key.allowDataAccess(...LAKEHOUSE_LAYERS.map((layer) => this.glueJobs[layer].role.roleArn));
    this.workflow = new GlueWorkflow(this, "etl_workflow", {
      workflowName: name("etl_workflow"),
      stages: LAKEHOUSE_LAYERS.map((layer) => ({ name: layer, job: this.glueJobs[layer] })),
    });

    const functionName = name("trigger_glue");
    this.triggerFunction = new LambdaFunction(this, "trigger_glue", {
      aws,
      functionName,
      description: "Starts the MetricCare Glue workflow for new FHIR files, on schedule and after a run ends",
      code: this.uploads.functionPackage(GLUE_TRIGGER_FUNCTION),
      environment: {
        GLUE_WORKFLOW_NAME: this.workflow.workflowName,
        GLUE_FINAL_JOB_NAME: this.workflow.finalJobName,
        ALERTS_TOPIC_ARN: alerts.topicArn,
        PROCESSED_FILES_TABLE: processedFiles.tableName,
        PROCESSED_FILES_STATUS_INDEX: processedFiles.statusIndexName,
        ENVIRONMENT: env,
        MAX_CONSECUTIVE_FAILED_RUNS: settings.string("lambda_max_consecutive_failed_runs"),
        GLUE_MAX_RETRIES: settings.string("glue_max_retries"),
        RUN_END_WAIT_SECONDS: settings.string("lambda_run_end_wait_seconds"),
        LOG_LEVEL: settings.string("log_level"),
        POWERTOOLS_SERVICE_NAME: "metriccare-glue-trigger",
      },
      timeoutSeconds: settings.number("lambda_timeout_seconds"),
      memorySizeMb: settings.number("lambda_memory_size_mb"),
      reservedConcurrency: settings.number("lambda_reserved_concurrency"),
      logLevel: settings.string("log_level") as LambdaLogLevel,
      logRetentionDays: settings.number("log_retention_days"),
      kmsKey: key,
      environmentKmsKey: artifactsKey,
      policyStatements: [
        this.workflow.startRunStatement(),
        // A failed attempt ends the run only when Glue has no retry left: the Lambda reads its attempt number.
        {
          sid: "ReadJobRunAttempts",
          effect: "Allow",
          actions: ["glue:GetJobRun"],
          resources: Object.values(this.glueJobs).map((job) => job.jobArn),
        },
        alerts.publishStatement(),
        ...processedFiles.trackFilesStatements(),
      ],
      permissionsBoundaryArn: config.permissionsBoundaryArn,
    });
    key.allowDataAccess(this.triggerFunction.lambdaRoleArn);
    new ObjectCreatedNotification(this, "raw_object_created", {
      aws,
      bucket: raw,
      function: this.triggerFunction,
      prefix: config.fhir.prefix,
      suffixes: config.fhir.suffixes,
    });

    const events = new EventBridge(this, "event_bridge", {
      aws,
      environment: env,
      scheduleRuleName: name("schedule"),
      scheduleExpression: settings.string("schedule_expression"),
      jobStateRuleName: name("glue_job_state"),
      glueJobs: Object.values(this.glueJobs),
      triggerFunction: this.triggerFunction,
      alertsTopic: alerts,
      kmsKey: key,
      deadLetterQueueName: name("event_dlq"),
    });
    new PipelineAlarms(this, "cloudwatch", {
      region: aws.region,
      namePrefix: project,
      nameSuffix: env,
      alertsTopic: alerts,
      triggerFunction: this.triggerFunction,
      deadLetterQueues: {
        ...(this.triggerFunction.onFailureQueue ? { trigger_failed_events: this.triggerFunction.onFailureQueue } : {}),
        event_delivery: events.deadLetterQueue,
      },
      glueJobs: this.glueJobs,
    });
    if (config.createDataEventTrail) {
      const auditors = orDeployer(settings.list("auditor_role_arns"));
      const auditKey = new AuditLogKey(this, "audit_kms", {
        aws,
        aliasName: `alias/${name("audit")}`,
        description: `MetricCare ${env}: data-event trail log files (who read or wrote patient files)`,
        readerArns: auditors,
        preventDestroy,
      });
      output("audit_kms_key_arn", auditKey.keyArn, "Key of the data-event trail's log files (auditors decrypt with it).");
      new DataEventTrail(this, "cloudtrail", {
        aws,
        trailName: name("data_events"),
        bucketName: bucket(BUCKET_PURPOSES.cloudtrail),
        accessLogs: logsTo(BUCKET_PURPOSES.cloudtrail),
        ...lifecycle,
        kmsKey: auditKey,
        readerArns: auditors,
        dataBuckets: [raw, lakehouse],
        enableLogging: settings.flag("data_event_logging"),
        retentionDays: settings.number("audit_log_retention_days"),
        preventDestroy,
        forceDestroy,
      });
    }

    // Gold in Athena, for dashboards: one enforced workgroup, the measures as named queries, a read-only role.
    this.workgroup = new AthenaWorkgroup(this, "athena", {
      aws,
      workgroupName: name("analytics"),
      description: `MetricCare ${env}: queries over the Gold tables`,
      resultsBucket: lakehouse,
      resultsPrefix: ATHENA_RESULTS_PREFIX,
      kmsKey: key,
      bytesScannedCutoffPerQuery: settings.number("athena_bytes_scanned_cutoff_per_query"),
    });
    new NamedQueries(this, "gold_queries", {
      directory: sources.athenaQueriesDirectory,
      database: databases.gold,
      workgroup: this.workgroup,
    });
    this.analystRole = new AnalystRole(this, "analyst", {
      aws,
      roleName: name("analyst"),
      trustedPrincipalArns: settings.list("analyst_principal_arns"),
      fallbackPrincipalArn: session.issuerArn,
      workgroup: this.workgroup,
      database: databases.gold,
      data: at("gold/"),
      kmsKey: key,
      permissionsBoundaryArn: config.permissionsBoundaryArn,
    });
    key.allowDataAccess(this.analystRole.roleArn);

    output("lambda_arn", this.triggerFunction.lambdaArn, "ARN of the Glue trigger Lambda function.");
    output("lambda_name", this.triggerFunction.lambdaName, "Name of the Glue trigger Lambda function.");
    output("lambda_role_arn", this.triggerFunction.lambdaRoleArn, "ARN of the Glue trigger Lambda's execution role.");
    output("raw_bucket_name", raw.bucketName, "Bucket where FHIR files land (upload under the FHIR prefix).");
    output("lakehouse_bucket_name", lakehouse.bucketName, "Bucket of the bronze, silver and gold Hudi tables.");
    output("scripts_bucket_name", scripts.bucketName, "Bucket of Glue scripts, the Lambda package and ETL configuration.");
    output("glue_workflow_name", this.workflow.workflowName, "Glue workflow Bronze → Silver → Gold.");
    output("processed_files_table_name", processedFiles.tableName, "DynamoDB table tracking raw files.");
    output("alerts_topic_arn", alerts.topicArn, "SNS topic of pipeline alerts.");
    output("athena_workgroup_name", this.workgroup.workgroupName, "Athena workgroup for queries over the Gold tables.");
    output("analyst_role_arn", this.analystRole.roleArn, "Read-only role for Athena queries over the Gold tables (Power BI, analysts).");
    output("kms_key_arn", key.keyArn, "Key of this environment's protected health information.");
    output("artifacts_kms_key_arn", artifactsKey.keyArn, "Key of the deployment artifacts and the Lambda environment.");
    for (const layer of LAKEHOUSE_LAYERS)
      output(`${layer}_database_name`, databases[layer].databaseName, `Glue catalog database of the ${layer} layer.`);
  }

  /**
   * cdktf's preparation resolves every element once before the real synthesis, only to find
   * references to other stacks (it adds outputs and remote-state data sources for them). When
   * this is the app's only stack there are none, so only the backend check is kept: same JSON,
   * ~16 ms less per synth (a test compares both).
   */
  public override prepareStack(): void {
    const stacks = this.node.root.node.findAll().filter((construct) => TerraformStack.isStack(construct));
    if (stacks.length > 1) super.prepareStack();
    else this.ensureBackendExists();
  }
}

/** Paths of the project's sources, relative to the project root. */
export function projectSources(projectRoot: string, glueTriggerBundle: FunctionBundle): ProjectSources {
  return {
    glueJobsDirectory: join(projectRoot, "etl", "jobs"),
    gluePythonPackageDirectory: join(projectRoot, "etl", "metriccare_etl"),
    etlConfigDirectory: join(projectRoot, "etl", "config"),
    athenaQueriesDirectory: join(projectRoot, "etl", "athena"),
    stagingDirectory: join(projectRoot, ".build", "artifacts"),
    glueTriggerBundle,
  };
}

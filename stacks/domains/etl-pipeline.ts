import { Token } from "cdktf";
import type { Construct } from "constructs";
import { GlueCatalogDatabase } from "../../modules/glue/glue_catalog_database/glue-catalog-database";
import { GlueCatalogEncryption } from "../../modules/glue/glue_catalog_encryption/glue-catalog-encryption";
import { GlueJob, type GlueJobAccess } from "../../modules/glue/glue_job/glue-job";
import { GlueSecurityConfiguration } from "../../modules/glue/glue_security_configuration/glue-security-configuration";
import { GlueWorkflow } from "../../modules/glue/glue_workflow/glue-workflow";
import { MetricCareValidationError } from "../../modules/shared/errors";
import { catalogDatabaseName, LAKEHOUSE_LAYERS, type LakehouseLayer } from "../../modules/shared/names";
import { readFileSync } from "node:fs";
import { Domain, type EnvironmentContext } from "./domain";
import type { Storage } from "./storage";

/** Props for {@link EtlPipeline}. */
export interface EtlPipelineProps {
  readonly context: EnvironmentContext;
  readonly storage: Storage;
}

/** One layer's job: what it does, what it reads and writes, and its own arguments (etl/README.md). */
interface LayerJob {
  readonly description: string;
  readonly access: GlueJobAccess;
  readonly arguments: Readonly<Record<string, string>>;
}

/**
 * Bronze → Silver → Gold: a Glue catalog database per layer, the security configuration every job
 * runs with, the account's catalog encryption (where an environment manages it), one job per layer
 * with a role scoped to exactly its prefixes and database, and the workflow that chains them.
 */
export class EtlPipeline extends Domain {
  /** The catalog database of each layer. */
  public readonly databases: Readonly<Record<LakehouseLayer, GlueCatalogDatabase>>;
  /** The job of each layer. */
  public readonly jobs: Readonly<Record<LakehouseLayer, GlueJob>>;
  /** The workflow the trigger starts. */
  public readonly workflow: GlueWorkflow;
  /** The Silver tables (`layers.silver.tables` of etl/config/lakehouse.json), whose quarantine share Silver reports per table. */
  public readonly validatedTables: readonly string[];

  public constructor(scope: Construct, id: string, props: EtlPipelineProps) {
    super(scope, id);
    const { context, storage } = props;
    const { aws, config, environment: env } = context;

    this.databases = Object.fromEntries(
      LAKEHOUSE_LAYERS.map((layer) => [
        layer,
        new GlueCatalogDatabase(this, `${layer}_database`, {
          aws,
          databaseName: catalogDatabaseName(config.projectName, layer, context.environmentName),
          description: `MetricCare ${layer} layer (Hudi tables)`,
          locationUri: `s3://${storage.lakehouse.bucketName}/${layer}/`,
        }),
      ]),
    ) as Record<LakehouseLayer, GlueCatalogDatabase>;
    const securityConfiguration = new GlueSecurityConfiguration(this, "glue_security", {
      aws,
      name: context.name("glue_security"),
      kmsKey: storage.key,
    });
    new GlueCatalogEncryption(this, "glue_catalog_encryption", { kmsKey: storage.key, enabled: env.manageDataCatalogEncryption });

    // Silver and Gold read the previous layer by S3 path, not through the catalog.
    const at = (prefix: string) => storage.lakehouseAt(prefix);
    const layers: Record<LakehouseLayer, LayerJob> = {
      bronze: {
        description: "Raw FHIR files (waiting in the processed-files table) to Hudi tables per resource type",
        access: {
          reads: [{ bucket: storage.raw, prefix: config.fhir.prefix }],
          writes: [at("bronze/"), at("quarantine/bronze/")],
          readsDatabases: [],
          writesDatabases: [this.databases.bronze],
          processedFiles: storage.processedFiles,
        },
        arguments: {
          "--raw_bucket": storage.raw.bucketName,
          "--raw_prefix": config.fhir.prefix,
          "--processed_files_table": storage.processedFiles.tableName,
          "--processed_files_status_index": storage.processedFiles.statusIndexName,
          "--processed_files_ttl_days": Token.asString(env.processedFilesTtlDays),
        },
      },
      silver: {
        description: "Bronze FHIR resources flattened, validated and deduplicated",
        access: {
          reads: [at("bronze/")],
          writes: [at("silver/"), at("quarantine/silver/")],
          readsDatabases: [],
          writesDatabases: [this.databases.silver],
        },
        arguments: {},
      },
      gold: {
        description: "CMS-style measures for dashboards",
        access: { reads: [at("silver/")], writes: [at("gold/")], readsDatabases: [], writesDatabases: [this.databases.gold] },
        arguments: {},
      },
    };
    const lakehouseConfig = storage.files.file("lakehouse.json");
    this.validatedTables = silverTables(lakehouseConfig.sourcePath);
    this.jobs = Object.fromEntries(
      LAKEHOUSE_LAYERS.map((layer) => [
        layer,
        new GlueJob(this, `${layer}_job`, {
          aws,
          jobName: context.name(`${layer}_job`),
          description: layers[layer].description,
          script: storage.code.glueScript(`${layer}_job`),
          pythonLibraries: [storage.code.gluePythonPackage],
          readsObjects: [lakehouseConfig],
          glueVersion: config.glueVersion,
          workerType: env.glue.workerType,
          numberOfWorkers: env.glue.numberOfWorkers,
          timeoutMinutes: env.glue.timeoutMinutes,
          maxRetries: env.glue.maxRetries,
          securityConfiguration,
          tempDirectory: at(`glue-temp/${layer}/`),
          access: layers[layer].access,
          // Each job gets the arguments it reads (etl/README.md): its own database, the lakehouse and its configuration.
          jobArguments: {
            "--env": context.environmentName,
            "--lakehouse_bucket": storage.lakehouse.bucketName,
            "--lakehouse_config_uri": lakehouseConfig.s3Uri,
            "--metrics_namespace": context.metricsNamespace,
            [`--${layer}_database`]: this.databases[layer].databaseName,
            ...layers[layer].arguments,
          },
          logRetentionDays: env.logRetentionDays,
          permissionsBoundaryArn: config.permissionsBoundaryArn,
          metricsNamespace: context.metricsNamespace,
        }),
      ]),
    ) as Record<LakehouseLayer, GlueJob>;
    storage.key.allowDataAccess(...LAKEHOUSE_LAYERS.map((layer) => this.jobs[layer].role.roleArn));
    this.workflow = new GlueWorkflow(this, "etl_workflow", {
      workflowName: context.name("etl_workflow"),
      stages: LAKEHOUSE_LAYERS.map((layer) => ({ name: layer, job: this.jobs[layer] })),
    });
  }
}

/** The Silver table names of the lakehouse configuration at `path`. */
function silverTables(path: string): string[] {
  const layout = JSON.parse(readFileSync(path, "utf8")) as { layers?: { silver?: { tables?: Record<string, unknown> } } };
  const tables = Object.keys(layout.layers?.silver?.tables ?? {});
  if (tables.length === 0)
    throw new MetricCareValidationError("EtlPipeline", `${path} has no \`layers.silver.tables\`: the jobs need at least one.`);
  return tables;
}

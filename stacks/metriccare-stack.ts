import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformElement, TerraformOutput, TerraformStack, Token } from "cdktf";
import type { Construct, Node } from "constructs";
import { join } from "node:path";
import type { MetricCareConfig } from "../config/types";
import { LAKEHOUSE_LAYERS, resourceName } from "../modules/shared/names";
import type { FunctionBundle } from "../packaging/bundle-function";
import { Analytics } from "./domains/analytics";
import { Domain, type EnvironmentContext } from "./domains/domain";
import { EtlPipeline } from "./domains/etl-pipeline";
import { Observability } from "./domains/observability";
import { Storage } from "./domains/storage";
import { GLUE_TRIGGER_FUNCTION, Trigger } from "./domains/trigger";
import { useLocalBackend, useS3Backend, type S3StateSettings } from "./state-backend";
import { WorkspaceSettings } from "./workspace-settings";

/** Terraform versions the synthesized JSON works with (`required_version`). */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10";

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
   * the keys, the processed-files table), for a deliberate teardown: METRICCARE_ALLOW_DESTROY=1 at synth.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * The MetricCare lakehouse: one stack for every environment, the Terraform workspace selects
 * the environment (names, tags and the `local.environment` settings follow it). It reads like the
 * architecture: storage, who hears about the pipeline, the ETL pipeline, what triggers it, and
 * Gold for analysts.
 */
export class MetricCareStack extends TerraformStack {
  /** The workspace-selected settings. */
  public readonly settings: WorkspaceSettings;
  public readonly storage: Storage;
  public readonly observability: Observability;
  public readonly pipeline: EtlPipeline;
  public readonly trigger: Trigger;
  public readonly analytics: Analytics;

  public constructor(scope: Construct, id: string, props: MetricCareStackProps) {
    super(scope, id);
    // The S3 backend's use_lockfile needs Terraform 1.10; older versions fail with a clear message.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    const { config, sources } = props;
    if (props.state) useS3Backend(this, props.state);
    else useLocalBackend(this, props.localStateDirectory ?? "../../..");

    this.settings = new WorkspaceSettings(this, "workspace", config.environments);
    const context = this.environmentContext(config, props.allowDestroy ?? false);

    this.storage = new Storage(this, "storage", {
      context,
      code: { ...sources, functionBundles: { [GLUE_TRIGGER_FUNCTION]: sources.glueTriggerBundle } },
    });
    this.observability = new Observability(this, "observability", { context, storage: this.storage });
    this.pipeline = new EtlPipeline(this, "pipeline", { context, storage: this.storage });
    this.trigger = new Trigger(this, "trigger", {
      context,
      storage: this.storage,
      pipeline: this.pipeline,
      observability: this.observability,
    });
    this.observability.watch({
      triggerFunction: this.trigger.function,
      deadLetterQueues: {
        ...(this.trigger.function.onFailureQueue ? { trigger_failed_events: this.trigger.function.onFailureQueue } : {}),
        event_delivery: this.trigger.events.deadLetterQueue,
      },
      glueJobs: this.pipeline.jobs,
      validatedTables: this.pipeline.validatedTables,
    });
    this.analytics = new Analytics(this, "analytics", {
      context,
      storage: this.storage,
      pipeline: this.pipeline,
      queriesDirectory: sources.athenaQueriesDirectory,
    });
    this.outputs();
  }

  /** The provider, who runs Terraform and where: what every domain needs. */
  private environmentContext(config: MetricCareConfig, allowDestroy: boolean): EnvironmentContext {
    const settings = this.settings;
    const environmentName = settings.environmentName;
    const restrictAccounts = config.environments.some((e) => e.allowedAccountIds.length > 0);
    new AwsProvider(this, "aws", {
      region: config.awsRegion,
      allowedAccountIds: restrictAccounts ? settings.environment.allowedAccountIds : undefined,
      defaultTags: [{ tags: { Project: "MetricCare", Environment: environmentName, ManagedBy: "cdktf" } }],
    });
    const identity = new DataAwsCallerIdentity(this, "current", { lifecycle: { precondition: [settings.workspacePrecondition] } });
    const partition = new DataAwsPartition(this, "partition");
    // The role (or user) running Terraform: it uploads the scripts, so it is always a deployer.
    const session = new DataAwsIamSessionContext(this, "deployer", { arn: identity.arn });
    return {
      aws: { accountId: identity.accountId, region: config.awsRegion, partition: partition.partition, dnsSuffix: partition.dnsSuffix },
      config,
      environment: settings.environment,
      environmentName,
      deployerArn: session.issuerArn,
      preventDestroy: !allowDestroy,
      metricsNamespace: `${config.projectName}/${environmentName}`,
      name: (service) => resourceName(config.projectName, service, environmentName),
      orDeployer: (principalArns) => Token.asList(Fn.coalescelist([principalArns, [session.issuerArn]])),
    };
  }

  /** The seed module's outputs, and what a deployer and an analyst need next. */
  private outputs(): void {
    const output = (id: string, value: string, description: string): void => {
      new TerraformOutput(this, id, { value, description });
    };
    const { storage, observability, pipeline, trigger, analytics } = this;
    output("lambda_arn", trigger.function.lambdaArn, "ARN of the Glue trigger Lambda function.");
    output("lambda_name", trigger.function.lambdaName, "Name of the Glue trigger Lambda function.");
    output("lambda_role_arn", trigger.function.lambdaRoleArn, "ARN of the Glue trigger Lambda's execution role.");
    output("raw_bucket_name", storage.raw.bucketName, "Bucket where FHIR files land (upload under the FHIR prefix).");
    output("lakehouse_bucket_name", storage.lakehouse.bucketName, "Bucket of the bronze, silver and gold Hudi tables.");
    output("scripts_bucket_name", storage.scripts.bucketName, "Bucket of Glue scripts, the Lambda package and ETL configuration.");
    output("glue_workflow_name", pipeline.workflow.workflowName, "Glue workflow Bronze → Silver → Gold.");
    output("processed_files_table_name", storage.processedFiles.tableName, "DynamoDB table tracking raw files.");
    output("alerts_topic_arn", observability.alerts.topicArn, "SNS topic of pipeline alerts.");
    output("athena_workgroup_name", analytics.workgroup.workgroupName, "Athena workgroup for queries over the Gold tables.");
    output(
      "analyst_role_arn",
      analytics.analystRole.roleArn,
      "Read-only role for Athena queries over the Gold tables (Power BI, analysts).",
    );
    output("kms_key_arn", storage.key.keyArn, "Key of this environment's protected health information.");
    output("artifacts_kms_key_arn", storage.artifactsKey.keyArn, "Key of the deployment artifacts and the Lambda environment.");
    if (observability.auditKey)
      output("audit_kms_key_arn", observability.auditKey.keyArn, "Key of the data-event trail's log files (auditors decrypt with it).");
    for (const layer of LAKEHOUSE_LAYERS)
      output(`${layer}_database_name`, pipeline.databases[layer].databaseName, `Glue catalog database of the ${layer} layer.`);
  }

  /**
   * Logical ids as cdktf allocates them, with the domains left out of the path: the domains group
   * the architecture without renaming a resource, so no address changed when they came.
   */
  public override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    return super.allocateLogicalId({ scopes: node.scopes.filter((scope) => !Domain.isDomain(scope)) } as unknown as Node);
  }

  /**
   * cdktf's preparation resolves every element once before the real synthesis, only to find
   * references to other stacks (it adds outputs and remote-state data sources for them). When
   * this is the app's only stack there are none, so only the backend check is kept: same JSON,
   * a measurable part of every synth (docs/decisions/synth-build.md; a test compares both).
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

import type { Construct } from "constructs";
import { alertSubscriptionMessage } from "../../config/validate-config";
import { AlertsTopic } from "../../modules/aws_sns/alerts-topic";
import { DataEventTrail } from "../../modules/cloudtrail/data-event-trail";
import { DataQualityAlarms } from "../../modules/cloudwatch/data-quality-alarms";
import { PipelineAlarms } from "../../modules/cloudwatch/pipeline-alarms";
import type { LambdaFunction } from "../../modules/lambda_function/lambda-function";
import { AuditLogKey } from "../../modules/kms/audit-log-key";
import { BUCKET_PURPOSES, type LakehouseLayer } from "../../modules/shared/names";
import type { DeadLetterQueue } from "../../modules/sqs/dead-letter-queue";
import { Domain, type EnvironmentContext } from "./domain";
import type { Storage } from "./storage";

/** Props for {@link Observability}. */
export interface ObservabilityProps {
  readonly context: EnvironmentContext;
  readonly storage: Storage;
}

/** What {@link Observability.watch} alarms on. */
export interface WatchedPipeline {
  readonly triggerFunction: LambdaFunction;
  readonly deadLetterQueues: Readonly<Record<string, DeadLetterQueue>>;
  readonly glueJobs: Readonly<Record<string, { readonly jobName: string }>>;
  /** Tables whose quarantine share Silver reports. */
  readonly validatedTables: readonly string[];
}

/**
 * Who hears about the pipeline: the alerts topic (and its subscriptions), the alarms on the trigger,
 * the dead-letter queues and the jobs, and the data-event trail (who read or wrote which patient
 * file) with its own key, readable by the auditors only.
 */
export class Observability extends Domain {
  /** Every alert goes here. */
  public readonly alerts: AlertsTopic;
  /** The data-event trail, when the configuration creates it. */
  public readonly trail?: DataEventTrail;
  /** The trail's key, when there is a trail. */
  public readonly auditKey?: AuditLogKey;
  private readonly context: EnvironmentContext;

  public constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { context, storage } = props;
    const { aws, environment: env } = context;
    this.context = context;

    this.alerts = new AlertsTopic(this, "alerts", {
      aws,
      topicName: context.name("alerts"),
      kmsKey: storage.key,
      emailAddresses: env.alertEmails,
    });
    this.alerts.topic.lifecycle = {
      precondition: [
        {
          condition: `\${!local.environment.requireAlertSubscription || length(local.environment.alertEmails) != 0}`,
          errorMessage: alertSubscriptionMessage("${terraform.workspace}"),
        },
      ],
    };

    if (context.config.createDataEventTrail) {
      const auditors = context.orDeployer(env.auditorRoleArns);
      this.auditKey = new AuditLogKey(this, "audit_kms", {
        aws,
        aliasName: `alias/${context.name("audit")}`,
        description: `MetricCare ${context.environmentName}: data-event trail log files (who read or wrote patient files)`,
        readerArns: auditors,
        preventDestroy: context.preventDestroy,
      });
      this.trail = new DataEventTrail(this, "cloudtrail", {
        aws,
        trailName: context.name("data_events"),
        bucketName: storage.bucketName(BUCKET_PURPOSES.cloudtrail),
        accessLogs: storage.logsTo(BUCKET_PURPOSES.cloudtrail),
        abortIncompleteMultipartUploadDays: env.lifecycle.abortIncompleteMultipartUploadDays,
        noncurrentVersionExpirationDays: env.lifecycle.noncurrentVersionExpirationDays,
        kmsKey: this.auditKey,
        readerArns: auditors,
        dataBuckets: [storage.raw, storage.lakehouse],
        enableLogging: env.dataEventLogging,
        retentionDays: env.auditLogRetentionDays,
        preventDestroy: context.preventDestroy,
        forceDestroy: env.forceDestroy,
      });
    }
  }

  /**
   * Alarms (to the alerts topic) and the dashboard for the running pipeline: its parts (trigger, queues,
   * jobs) and its data (quality per run, freshness).
   */
  public watch(pipeline: WatchedPipeline): PipelineAlarms {
    const { config, aws, environmentName, environment: env, metricsNamespace } = this.context;
    const { validatedTables, ...parts } = pipeline;
    const names = { region: aws.region, namePrefix: config.projectName, nameSuffix: environmentName, alertsTopic: this.alerts };
    const dataQuality = new DataQualityAlarms(this, "data_quality", {
      ...names,
      namespace: metricsNamespace,
      intakeJob: "bronze" satisfies LakehouseLayer,
      validatingJob: "silver" satisfies LakehouseLayer,
      tables: validatedTables,
      thresholds: env.quality,
    });
    return new PipelineAlarms(this, "cloudwatch", { ...names, ...parts, moreWidgets: dataQuality.widgets });
  }
}

import { Token } from "cdktf";
import type { Construct } from "constructs";
import { FRESHNESS_CHECK_EVENT, FRESHNESS_CHECK_MINUTES } from "../../functions/glue_trigger/freshness-metrics";
import { publishMetricsStatement } from "../../modules/cloudwatch/publish-metrics";
import { EventBridge } from "../../modules/event_bridge/event-bridge";
import { LambdaFunction } from "../../modules/lambda_function/lambda-function";
import { ObjectCreatedNotification } from "../../modules/s3/s3_bucket/object-created-notification";
import { Domain, type EnvironmentContext } from "./domain";
import type { EtlPipeline } from "./etl-pipeline";
import type { Observability } from "./observability";
import type { Storage } from "./storage";

/** The trigger Lambda's name in the uploaded packages and their S3 keys. */
export const GLUE_TRIGGER_FUNCTION = "glue_trigger";

/** Props for {@link Trigger}. */
export interface TriggerProps {
  readonly context: EnvironmentContext;
  readonly storage: Storage;
  readonly pipeline: EtlPipeline;
  readonly observability: Observability;
}

/**
 * What starts the pipeline: the trigger Lambda (functions/glue_trigger/), invoked for every new
 * FHIR file in the raw bucket, on the schedule and when a job's run ends, with EventBridge's rules
 * (which also alert on every job end); a rule of its own has it check the pipeline's freshness. The function's environment is its whole configuration.
 */
export class Trigger extends Domain {
  /** The trigger Lambda. */
  public readonly function: LambdaFunction;
  /** The schedule and job-state rules and their dead-letter queue. */
  public readonly events: EventBridge;

  public constructor(scope: Construct, id: string, props: TriggerProps) {
    super(scope, id);
    const { context, storage, pipeline, observability } = props;
    const { aws, config, environment: env } = context;
    const alerts = observability.alerts;

    this.function = new LambdaFunction(this, "trigger_glue", {
      aws,
      functionName: context.name("trigger_glue"),
      description: "Starts the MetricCare Glue workflow for new FHIR files, on schedule and after a run ends",
      code: storage.code.functionPackage(GLUE_TRIGGER_FUNCTION),
      // Every variable the function reads (functions/glue_trigger/config.ts): it has no defaults of its own.
      environment: {
        GLUE_WORKFLOW_NAME: pipeline.workflow.workflowName,
        GLUE_FIRST_JOB_NAME: pipeline.jobs.bronze.jobName,
        GLUE_FINAL_JOB_NAME: pipeline.workflow.finalJobName,
        ALERTS_TOPIC_ARN: alerts.topicArn,
        PROCESSED_FILES_TABLE: storage.processedFiles.tableName,
        PROCESSED_FILES_STATUS_INDEX: storage.processedFiles.statusIndexName,
        ENVIRONMENT: context.environmentName,
        METRICS_NAMESPACE: context.metricsNamespace,
        MAX_CONSECUTIVE_FAILED_RUNS: Token.asString(env.lambda.maxConsecutiveFailedRuns),
        GLUE_MAX_RETRIES: Token.asString(env.glue.maxRetries),
        RUN_END_WAIT_SECONDS: Token.asString(env.derived.lambdaRunEndWaitSeconds),
        LOG_LEVEL: env.lambda.logLevel,
        POWERTOOLS_SERVICE_NAME: "metriccare-glue-trigger",
      },
      timeoutSeconds: env.lambda.timeoutSeconds,
      memorySizeMb: env.lambda.memorySizeMb,
      reservedConcurrency: env.derived.lambdaReservedConcurrency,
      logLevel: env.lambda.logLevel,
      logRetentionDays: env.logRetentionDays,
      kmsKey: storage.key,
      environmentKmsKey: storage.artifactsKey,
      policyStatements: [
        pipeline.workflow.startRunStatement(),
        // A failed attempt ends the run only when Glue has no retry left: the Lambda reads its attempt number.
        {
          sid: "ReadJobRunAttempts",
          effect: "Allow",
          actions: ["glue:GetJobRun"],
          resources: Object.values(pipeline.jobs).map((job) => job.jobArn),
        },
        alerts.publishStatement(),
        ...storage.processedFiles.trackFilesStatements(),
        publishMetricsStatement("PublishFreshnessMetrics", [context.metricsNamespace]),
      ],
      permissionsBoundaryArn: config.permissionsBoundaryArn,
    });
    storage.key.allowDataAccess(this.function.lambdaRoleArn);
    new ObjectCreatedNotification(this, "raw_object_created", {
      aws,
      bucket: storage.raw,
      function: this.function,
      prefix: config.fhir.prefix,
      suffixes: config.fhir.suffixes,
    });
    this.events = new EventBridge(this, "event_bridge", {
      aws,
      environment: context.environmentName,
      scheduleRuleName: context.name("schedule"),
      scheduleExpression: env.scheduleExpression,
      jobStateRuleName: context.name("glue_job_state"),
      glueJobs: Object.values(pipeline.jobs),
      triggerFunction: this.function,
      alertsTopic: alerts,
      kmsKey: storage.key,
      deadLetterQueueName: context.name("event_dlq"),
      freshnessCheck: {
        ruleName: context.name("freshness_check"),
        scheduleExpression: `rate(${FRESHNESS_CHECK_MINUTES} minutes)`,
        input: FRESHNESS_CHECK_EVENT,
      },
    });
  }
}

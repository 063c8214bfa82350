import type { Context } from "aws-lambda";
import { publishAlert } from "./alerts";
import { cloudWatchClient, dynamoDbClient, glueClient, snsClient } from "./clients";
import { readAlertingConfig, readConfig, type AlertingConfig } from "./config";
import { classifyError } from "./error-classification";
import { InvalidEventError } from "./errors";
import { onFreshnessCheck } from "./freshness-check";
import { logger } from "./logger";
import type { GlueTriggerResult } from "./result";
import { onRunEndTrigger } from "./run-end-trigger";
import { onS3Trigger } from "./s3-trigger";
import { onStartRequest } from "./start-request-trigger";
import type { TriggerContext } from "./trigger-context";
import { detectTrigger, type Trigger, type TriggerSource } from "./trigger-source";

/**
 * Starts the Glue workflow for an S3 upload, a schedule, the end of a run with files waiting, or a manual
 * invocation, unless a run is active; measures and publishes the pipeline's freshness when its rule asks. Permanent failures are alerted and returned as `failed`; transient
 * ones are thrown so that Lambda retries the event.
 */
export async function handler(event: unknown, context?: Context): Promise<GlueTriggerResult> {
  logger.resetKeys();
  if (context !== undefined) {
    logger.addContext(context);
  }
  const alerting = readAlertingConfig(process.env);
  logger.appendKeys({ environment: alerting.environment, workflowName: alerting.workflowName });
  let triggerSource: TriggerSource = "manual";
  let trigger: Trigger | undefined;
  try {
    trigger = detectTrigger(event);
    triggerSource = trigger.source;
    logger.appendKeys({ triggerSource });
    const result = await runTrigger(trigger, {
      config: readConfig(process.env),
      glue: glueClient(),
      dynamodb: dynamoDbClient(),
      sns: snsClient(),
      cloudwatch: cloudWatchClient(),
      region: alerting.region,
      now: new Date(),
      requestId: context?.awsRequestId,
    });
    logger.appendKeys({ runId: result.runId ?? undefined, activeRunId: result.activeRunId });
    // Most job state changes change nothing (a job mid-run, no files waiting): keep them out of INFO.
    if (result.status === "skipped" && result.triggerSource === "glue_run_end") {
      logger.debug(result.message, { result });
    } else {
      logger.info(result.message, { result });
    }
    return result;
  } catch (error) {
    if (error instanceof InvalidEventError) {
      triggerSource = error.triggerSource;
      logger.appendKeys({ triggerSource });
    }
    return onFailure(error, { triggerSource, alerting, context, trigger });
  }
}

async function runTrigger(trigger: Trigger, context: TriggerContext): Promise<GlueTriggerResult> {
  switch (trigger.source) {
    case "s3":
      return onS3Trigger(trigger, context);
    case "glue_run_end":
      return onRunEndTrigger(trigger, context);
    case "schedule":
    case "manual":
      return onStartRequest(trigger, context);
    case "freshness_check":
      return onFreshnessCheck(trigger, context);
  }
}

/** What a failure report needs besides the error. */
interface FailureContext {
  readonly triggerSource: TriggerSource;
  readonly alerting: AlertingConfig;
  readonly context: Context | undefined;
  /** @default - the event was not understood */
  readonly trigger: Trigger | undefined;
}

async function onFailure(error: unknown, { triggerSource, alerting, context, trigger }: FailureContext): Promise<GlueTriggerResult> {
  const failure = classifyError(error);
  if (failure.kind === "transient") {
    const retrying = "Transient failure; throwing so that Lambda retries the event";
    if (failure.reason === "run_still_finishing") {
      logger.warn(retrying, { error, reason: failure.reason });
    } else {
      logger.error(retrying, { error, reason: failure.reason });
    }
    throw error;
  }
  const s3Objects = trigger?.source === "s3" ? trigger.objects.map((o) => `s3://${o.bucket}/${o.objectKey}`) : [];
  logger.error("Permanent failure; alerting, not retrying", { error, ...(s3Objects.length > 0 ? { s3Objects } : {}) });
  if (alerting.topicArn === undefined) {
    logger.warn("ALERTS_TOPIC_ARN is not set; no alert published");
  } else {
    try {
      const messageId = await publishAlert(snsClient(), alerting.topicArn, {
        environment: alerting.environment,
        region: alerting.region,
        workflowName: alerting.workflowName,
        triggerSource,
        errorName: failure.errorName,
        requestId: context?.awsRequestId,
        logGroupName: context?.logGroupName,
        ...(trigger?.source === "glue_run_end"
          ? { job: { jobName: trigger.jobName, state: trigger.state, jobRunId: trigger.jobRunId } }
          : {}),
        s3ObjectCount: s3Objects.length,
      });
      logger.info("Published failure alert", { alertMessageId: messageId });
    } catch (alertError) {
      // The alert is a courtesy: failing to send it must not change the outcome of the invocation.
      logger.error("Could not publish failure alert", { error: alertError });
    }
  }
  return {
    workflowName: alerting.workflowName ?? null,
    runId: null,
    triggerSource,
    status: "failed",
    message: `${failure.errorName}: ${failure.errorMessage}`,
    errorName: failure.errorName,
  };
}

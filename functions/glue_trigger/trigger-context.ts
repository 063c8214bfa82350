import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { GlueClient } from "@aws-sdk/client-glue";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { GlueTriggerConfig } from "./config";
import { PipelineStateStore } from "./pipeline-state";
import { ProcessedFilesStore } from "./processed-files";
import type { TriggerSource } from "./trigger-source";

/** What handling one trigger needs. */
export interface TriggerContext {
  readonly config: GlueTriggerConfig;
  readonly glue: GlueClient;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  /** Freshness checks publish their metrics with it. */
  readonly cloudwatch: CloudWatchClient;
  /** Region of the console links in alerts (`AWS_REGION`, set by Lambda). @default - alerts carry no console link */
  readonly region: string | undefined;
  /** When the invocation began: `triggered_at` and `received_at`. */
  readonly now: Date;
  /** Lambda request id, passed to the run as `trigger_request_id`. @default - not passed */
  readonly requestId: string | undefined;
}

/** Run properties the Glue jobs can read (`get_workflow_run_properties`); Glue takes only string values. */
export function runProperties(context: TriggerContext, triggerSource: TriggerSource, triggerDetail: string): Record<string, string> {
  return {
    trigger_source: triggerSource,
    triggered_at: context.now.toISOString(),
    trigger_detail: triggerDetail,
    ...(context.requestId === undefined ? {} : { trigger_request_id: context.requestId }),
  };
}

/** The processed-files table. */
export function processedFilesStore(context: TriggerContext): ProcessedFilesStore {
  return new ProcessedFilesStore(context.dynamodb, context.config.processedFilesTable, context.config.processedFilesStatusIndex);
}

/** The trigger's state item (consecutive failed runs) in the processed-files table. */
export function pipelineStateStore(context: TriggerContext): PipelineStateStore {
  return new PipelineStateStore(context.dynamodb, context.config.processedFilesTable, context.config.workflowName);
}

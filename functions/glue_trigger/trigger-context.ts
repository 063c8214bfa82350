import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { GlueClient } from "@aws-sdk/client-glue";
import type { SNSClient } from "@aws-sdk/client-sns";
import { requireProcessedFilesTable, type AlertingConfig, type GlueTriggerConfig } from "./config";
import { PipelineStateStore } from "./pipeline-state";
import { ProcessedFilesStore } from "./processed-files";
import type { TriggerSource } from "./trigger-source";

/** What handling one trigger needs. */
export interface TriggerContext {
  readonly config: GlueTriggerConfig;
  readonly glue: GlueClient;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  /** Where alerts go and what they name. */
  readonly alerting: AlertingConfig;
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

/** The processed-files table; a ConfigurationError naming `PROCESSED_FILES_TABLE` when it is not set. */
export function processedFilesStore(context: TriggerContext, neededFor: string): ProcessedFilesStore {
  const tableName = requireProcessedFilesTable(context.config, neededFor);
  return new ProcessedFilesStore(context.dynamodb, tableName, context.config.processedFilesStatusIndex);
}

/** The trigger's state item (consecutive failed runs) in the processed-files table. */
export function pipelineStateStore(context: TriggerContext, neededFor: string): PipelineStateStore {
  const tableName = requireProcessedFilesTable(context.config, neededFor);
  return new PipelineStateStore(context.dynamodb, tableName, context.config.workflowName);
}

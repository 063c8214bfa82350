import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { GlueClient } from "@aws-sdk/client-glue";
import { requireProcessedFilesTable, type GlueTriggerConfig } from "./config";
import { ProcessedFilesStore } from "./processed-files";
import type { TriggerSource } from "./trigger-source";
import { findActiveRun, startWorkflowRun, type ActiveRun } from "./workflow-runs";

/** What handling one trigger needs. */
export interface TriggerContext {
  readonly config: GlueTriggerConfig;
  readonly glue: GlueClient;
  readonly dynamodb: DynamoDBClient;
  /** When the invocation began: `triggered_at` and `received_at`. */
  readonly now: Date;
  /** Lambda request id, passed to the run as `trigger_request_id`. @default - not passed */
  readonly requestId: string | undefined;
}

/** Outcome of {@link startUnlessActive}. */
export type StartDecision =
  | { readonly kind: "started"; readonly runId: string }
  | { readonly kind: "active"; readonly run: ActiveRun }
  | { readonly kind: "race_lost"; readonly errorMessage: string };

/** Starts a workflow run unless one is active; says what triggered it in the run properties. */
export async function startUnlessActive(
  context: TriggerContext,
  triggerSource: TriggerSource,
  triggerDetail: string,
): Promise<StartDecision> {
  const { glue, config } = context;
  const activeRun = await findActiveRun(glue, config.workflowName);
  if (activeRun !== undefined) {
    return { kind: "active", run: activeRun };
  }
  return startWorkflowRun(glue, config.workflowName, runProperties(context, triggerSource, triggerDetail));
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

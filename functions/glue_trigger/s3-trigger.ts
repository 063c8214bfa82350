import { logger } from "./logger";
import { newFiles, type GlueTriggerResult, type TriggerStatus } from "./result";
import { decide } from "./decision";
import { processedFilesStore, runProperties, type TriggerContext } from "./trigger-context";
import type { S3Trigger } from "./trigger-source";
import { activeRunFact, findActiveRun, startWorkflowRun } from "./workflow-runs";

/**
 * Records the objects of an S3 notification in the processed-files table, then starts a run for the
 * new ones, or marks them WAITING for the active run. A duplicate notification adds nothing and starts nothing.
 */
export async function onS3Trigger(trigger: S3Trigger, context: TriggerContext): Promise<GlueTriggerResult> {
  for (const record of trigger.ignored) {
    logger.info("Ignored S3 record", { recordIndex: record.index, reason: record.reason });
  }
  const { workflowName } = context.config;
  const result = (
    status: TriggerStatus,
    message: string,
    counts: FileCounts,
    extra: { readonly runId?: string; readonly activeRunId?: string } = {},
  ): GlueTriggerResult => ({
    workflowName,
    runId: null,
    triggerSource: trigger.source,
    status,
    message,
    ...extra,
    ...counts,
    ignoredRecords: trigger.ignored.length,
  });
  if (trigger.objects.length === 0) {
    return result("skipped", "S3 event carried no ObjectCreated records; nothing recorded.", NO_FILES);
  }

  const store = processedFilesStore(context);
  const { recorded, resumed, duplicates } = await store.record(trigger.objects, context.now);
  const counts = { newFiles: recorded.length, resumedFiles: resumed.length, duplicateFiles: duplicates.length };
  const files = [...recorded, ...resumed];
  if (files.length === 0) {
    return result("skipped", `No new files: ${duplicates.length} already recorded (duplicate notification).`, counts);
  }
  if (resumed.length > 0) {
    logger.info("Resuming files an earlier attempt recorded but did not act on", {
      fileKeys: resumed.map((file) => file.fileKey),
    });
  }

  const activeRun = await findActiveRun(context.glue, workflowName);
  const action = decide({
    trigger: "s3",
    force: false,
    newFiles: files.length,
    filesWaiting: true,
    activeRun: activeRunFact(activeRun),
    maxConsecutiveFailedRuns: context.config.maxConsecutiveFailedRuns,
  });
  if (action.kind === "mark_waiting" && activeRun !== undefined) {
    await bestEffort("Could not mark the files WAITING", () => store.markWaiting(files, action.runId));
    const message = `Run ${action.runId} of workflow ${workflowName} is ${activeRun.status}; ${newFiles(files.length)} marked WAITING for it.`;
    return result("skipped", message, counts, { activeRunId: action.runId });
  }
  const outcome = await startWorkflowRun(context.glue, workflowName, runProperties(context, "s3", newFiles(files.length)));
  if (outcome.kind === "started") {
    await bestEffort("Could not note trigger_run_id on the files", () => store.markTriggered(files, outcome.runId));
    return result("started", `Started run ${outcome.runId} of workflow ${workflowName} for ${newFiles(files.length)}.`, counts, {
      runId: outcome.runId,
    });
  }
  const winner = await bestEffort("Could not find the run that won the race", () => findActiveRun(context.glue, workflowName));
  await bestEffort("Could not mark the files WAITING", () => store.markWaiting(files, winner?.runId));
  const message = `Another trigger started a run of workflow ${workflowName} first; ${newFiles(files.length)} marked WAITING.`;
  return result("skipped", message, counts, winner === undefined ? {} : { activeRunId: winner.runId });
}

interface FileCounts {
  readonly newFiles: number;
  readonly resumedFiles: number;
  readonly duplicateFiles: number;
}

const NO_FILES: FileCounts = { newFiles: 0, resumedFiles: 0, duplicateFiles: 0 };

// Bookkeeping after the run decision: the files are safely recorded as PENDING, which both the Bronze
// job and the run-end follow-up pick up, so a failure here is logged rather than retried.
async function bestEffort<T>(warning: string, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    logger.warn(warning, { error });
    return undefined;
  }
}

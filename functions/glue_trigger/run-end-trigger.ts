import type { GlueTriggerResult } from "./result";
import { classifyRunEnd, describeJobState, isFinishingRun, RunStillFinishingError } from "./run-end";
import { processedFilesStore, runProperties, type TriggerContext } from "./start-run";
import type { GlueJobStateTrigger } from "./trigger-source";
import { findActiveRun, startWorkflowRun, type ActiveRun } from "./workflow-runs";

/**
 * On a job state change that ends a workflow run, starts one follow-up run if files arrived during the
 * run (PENDING or WAITING in the processed-files table), none if nothing waits.
 */
export async function onRunEndTrigger(trigger: GlueJobStateTrigger, context: TriggerContext): Promise<GlueTriggerResult> {
  const { workflowName, finalJobName } = context.config;
  const jobState = describeJobState(trigger);
  const skipped = (message: string, activeRunId?: string): GlueTriggerResult => ({
    workflowName,
    runId: null,
    triggerSource: trigger.source,
    status: "skipped",
    message,
    ...(activeRunId === undefined ? {} : { activeRunId }),
  });

  const runEnd = classifyRunEnd(trigger, finalJobName);
  // A job in the middle of a running workflow is routine: answer from Glue alone, without the table.
  let activeRun: ActiveRun | undefined;
  if (runEnd === "does_not_end_run") {
    activeRun = await findActiveRun(context.glue, workflowName);
    if (activeRun !== undefined) {
      return skipped(
        `${capitalize(jobState)} does not end run ${activeRun.runId} of workflow ${workflowName}; nothing to do.`,
        activeRun.runId,
      );
    }
  }

  const waitingFile = await processedFilesStore(context, "Glue run-end events").findWaitingFile();
  if (waitingFile === undefined) {
    return skipped(`No files are waiting after ${jobState}; no follow-up run.`);
  }

  if (runEnd !== "does_not_end_run") {
    activeRun = await findActiveRun(context.glue, workflowName);
  }
  if (activeRun !== undefined) {
    const { runId, status } = activeRun;
    if (!isFinishingRun(activeRun, trigger)) {
      return skipped(`Run ${runId} of workflow ${workflowName} started after ${jobState} and picks up the waiting files.`, runId);
    }
    if (runEnd === "ends_run") {
      throw new RunStillFinishingError(
        runId,
        `Run ${runId} of workflow ${workflowName} is still ${status} after ${jobState} ended it; retrying until Glue reports it finished.`,
      );
    }
    return skipped(
      `Run ${runId} of workflow ${workflowName} is still ${status} after ${jobState}; set GLUE_FINAL_JOB_NAME to start the follow-up run when it ends.`,
      runId,
    );
  }

  // The check above is the one a start needs: no run is active.
  const detail = trigger.jobRunId === undefined ? jobState : `${jobState} (${trigger.jobRunId})`;
  const outcome = await startWorkflowRun(context.glue, workflowName, runProperties(context, trigger.source, detail));
  if (outcome.kind === "race_lost") {
    return skipped(`Another trigger started a run of workflow ${workflowName} first; it picks up the waiting files.`);
  }
  return {
    workflowName,
    runId: outcome.runId,
    triggerSource: trigger.source,
    status: "started",
    message: `Started follow-up run ${outcome.runId} of workflow ${workflowName}: files are waiting after ${jobState} (e.g. ${waitingFile}).`,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

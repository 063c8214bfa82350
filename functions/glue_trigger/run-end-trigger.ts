import { publishStuckAlert } from "./alerts";
import { decide, type RunEnd } from "./decision";
import { RunStillFinishingError } from "./errors";
import { logger } from "./logger";
import type { GlueTriggerResult } from "./result";
import { classifyRunEnd, describeJobState, isFailureState, isFinishingRun } from "./run-end";
import { pipelineStateStore, processedFilesStore, runProperties, type TriggerContext } from "./trigger-context";
import type { GlueJobStateTrigger } from "./trigger-source";
import { activeRunFact, findRuns, jobRunAttempt, runStartedBefore, startWorkflowRun, type RecentRuns } from "./workflow-runs";

/** Pause between two looks at a run that Glue still reports active after its final job ended. */
export const RUN_END_POLL_MILLISECONDS = 2000;

/**
 * On a job state change: when it ends a workflow run and files are PENDING or WAITING, starts one
 * follow-up run, unless the last runs all failed without processing any file (then the pipeline is
 * stuck: one alert, no run). A failed attempt that Glue retries is not a run end. The first and the
 * final job's successes also tell the state item since when Gold is behind Bronze.
 */
export async function onRunEndTrigger(trigger: GlueJobStateTrigger, context: TriggerContext): Promise<GlueTriggerResult> {
  const { workflowName, firstJobName, finalJobName, glueMaxRetries, maxConsecutiveFailedRuns } = context.config;
  const files = processedFilesStore(context);
  const jobState = describeJobState(trigger);
  const result = (
    status: "started" | "skipped",
    message: string,
    ids: { runId?: string; activeRunId?: string } = {},
  ): GlueTriggerResult => ({
    workflowName,
    runId: ids.runId ?? null,
    triggerSource: trigger.source,
    status,
    message,
    ...(ids.activeRunId === undefined ? {} : { activeRunId: ids.activeRunId }),
  });

  let runEnd: RunEnd = classifyRunEnd(trigger, finalJobName);
  let attempt: number | undefined;
  if (runEnd !== "does_not_end_run" && isFailureState(trigger.state) && glueMaxRetries > 0 && trigger.jobRunId !== undefined) {
    attempt = await jobRunAttempt(context.glue, trigger.jobName, trigger.jobRunId);
    if (attempt !== undefined && attempt < glueMaxRetries) runEnd = "retrying";
  }

  // Whatever the run does next, the freshness check's "Gold behind" follows the first and the final job's successes.
  if (trigger.state === "SUCCEEDED" && trigger.jobName === firstJobName)
    await pipelineStateStore(context).recordBronzeUpdated(trigger.time);
  if (trigger.state === "SUCCEEDED" && trigger.jobName === finalJobName)
    await pipelineStateStore(context).recordGoldRefreshed(trigger.time);

  let runs = await findRuns(context.glue, workflowName);
  if (runEnd === "ends_run") runs = await waitForRunOver(runs, trigger, context);
  const activeRun = activeRunFact(runs.active, trigger);
  const waitingFile = await files.findWaitingFile();

  let consecutiveFailedRuns = 0;
  const endedRun = runStartedBefore(runs, trigger.time);
  const runIsOver = activeRun === undefined || !activeRun.startedBeforeEvent;
  if (runEnd === "ends_run" && runIsOver && endedRun !== undefined) {
    const state = pipelineStateStore(context);
    // A failed run that left a file it could have claimed (received before it started) did no work.
    const leftBehind = isFailureState(trigger.state) ? await files.findWaitingFile(endedRun.startedOn) : undefined;
    if (leftBehind === undefined) {
      await state.recordHealthyRun(context.now);
    } else {
      consecutiveFailedRuns = (await state.recordFailedRun(endedRun.runId, context.now)).consecutiveFailedRuns;
      logger.warn("Run failed without processing any file", {
        endedRunId: endedRun.runId,
        consecutiveFailedRuns,
        maxConsecutiveFailedRuns,
      });
    }
  }

  const action = decide({
    trigger: "glue_run_end",
    force: false,
    filesWaiting: waitingFile !== undefined,
    runEnd,
    activeRun,
    consecutiveFailedRuns,
    maxConsecutiveFailedRuns,
  });
  switch (action.kind) {
    case "retry_later":
      throw new RunStillFinishingError(
        action.runId,
        `Run ${action.runId} of workflow ${workflowName} is still ${activeRun?.status ?? "RUNNING"} after ${jobState} ended it; retrying until Glue reports it finished.`,
      );
    case "stuck": {
      const ended = endedRun?.runId ?? "(unknown run)";
      await alertStuck(context, { trigger, endedRunId: ended, consecutiveFailedRuns: action.consecutiveFailedRuns });
      return result(
        "skipped",
        `Pipeline stuck: ${action.consecutiveFailedRuns} runs in a row failed without processing any file (last ${ended}, ${jobState}); ` +
          'no follow-up run until the schedule, a new file or a manual {"force": true}.',
      );
    }
    case "skip":
      switch (action.reason) {
        case "attempt_retried":
          return result(
            "skipped",
            `Attempt ${attempt ?? 0} of ${jobState} failed and Glue retries it (max_retries ${glueMaxRetries}); not the end of the run.`,
            action,
          );
        case "mid_run":
          return result(
            "skipped",
            `${capitalize(jobState)} does not end run ${action.activeRunId} of workflow ${workflowName}; nothing to do.`,
            action,
          );
        case "newer_run_active":
          return result(
            "skipped",
            `Run ${action.activeRunId} of workflow ${workflowName} started after ${jobState} and picks up the waiting files.`,
            action,
          );
        default:
          return result("skipped", `No files are waiting after ${jobState}; no follow-up run.`);
      }
    case "mark_waiting":
    case "start":
      break;
  }

  // The look above is the one a start needs: no run is active.
  const detail = trigger.jobRunId === undefined ? jobState : `${jobState} (${trigger.jobRunId})`;
  const outcome = await startWorkflowRun(context.glue, workflowName, runProperties(context, trigger.source, detail));
  if (outcome.kind === "race_lost") {
    return result("skipped", `Another trigger started a run of workflow ${workflowName} first; it picks up the waiting files.`);
  }
  return result("started", `Started follow-up run ${outcome.runId} of workflow ${workflowName}: files are waiting after ${jobState}.`, {
    runId: outcome.runId,
  });
}

// Glue reports a run over a few seconds after its final job: look again within the bound before
// handing the event back to Lambda's retries.
async function waitForRunOver(runs: RecentRuns, trigger: GlueJobStateTrigger, context: TriggerContext): Promise<RecentRuns> {
  const deadline = Date.now() + context.config.runEndWaitSeconds * 1000;
  let current = runs;
  while (current.active !== undefined && isFinishingRun(current.active, trigger) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(RUN_END_POLL_MILLISECONDS, deadline - Date.now())));
    current = await findRuns(context.glue, context.config.workflowName);
  }
  return current;
}

interface StuckFacts {
  readonly trigger: GlueJobStateTrigger;
  readonly endedRunId: string;
  readonly consecutiveFailedRuns: number;
}

// One alert per streak: the claim on the state item makes a redelivered event or a later failure silent.
async function alertStuck(context: TriggerContext, facts: StuckFacts): Promise<void> {
  const state = pipelineStateStore(context);
  if (!(await state.claimStuckAlert(facts.endedRunId))) {
    logger.info("Pipeline stuck; already alerted for this streak", { endedRunId: facts.endedRunId });
    return;
  }
  try {
    const messageId = await publishStuckAlert(context.sns, context.config.alertsTopicArn, {
      environment: context.config.environment,
      region: context.region,
      workflowName: context.config.workflowName,
      runId: facts.endedRunId,
      jobName: facts.trigger.jobName,
      jobState: facts.trigger.state,
      jobRunId: facts.trigger.jobRunId,
      consecutiveFailedRuns: facts.consecutiveFailedRuns,
    });
    logger.info("Published pipeline-stuck alert", { alertMessageId: messageId });
  } catch (error) {
    await state.releaseStuckAlert(facts.endedRunId);
    throw error;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import { decide } from "./decision";
import type { GlueTriggerResult } from "./result";
import { processedFilesStore, runProperties, type TriggerContext } from "./trigger-context";
import type { ManualTrigger, ScheduleTrigger } from "./trigger-source";
import { activeRunFact, findActiveRun, startWorkflowRun } from "./workflow-runs";

/**
 * Schedule and manual invocations: a run only when files are PENDING or WAITING (the schedule is a safety
 * net, not a timer for empty runs), or for a manual `{"force": true}`; never while a run is active.
 */
export async function onStartRequest(trigger: ScheduleTrigger | ManualTrigger, context: TriggerContext): Promise<GlueTriggerResult> {
  const { workflowName } = context.config;
  const force = trigger.source === "manual" && trigger.force;
  const detail =
    trigger.source === "manual"
      ? `manual invocation${force ? " (force)" : ""}`
      : `schedule ${trigger.ruleArns.join(", ") || "(no rule ARN in the event)"}`;
  const base = { workflowName, runId: null, triggerSource: trigger.source };
  // A forced start needs no table; otherwise one bounded query says whether there is work.
  const waitingFile = force ? undefined : await processedFilesStore(context).findWaitingFile();
  const activeRun = await findActiveRun(context.glue, workflowName);
  const action = decide({
    trigger: trigger.source,
    force,
    filesWaiting: waitingFile !== undefined,
    activeRun: activeRunFact(activeRun),
    maxConsecutiveFailedRuns: context.config.maxConsecutiveFailedRuns,
  });
  if (action.kind === "skip") {
    if (action.reason === "nothing_pending") {
      const message = `No files are PENDING or WAITING; not starting a run of workflow ${workflowName} (${detail}). Invoke with {"force": true} to start one anyway.`;
      return { ...base, status: "skipped", message };
    }
    const message = `Run ${activeRun?.runId} of workflow ${workflowName} is ${activeRun?.status}; not starting another.`;
    return { ...base, status: "skipped", message, ...(activeRun === undefined ? {} : { activeRunId: activeRun.runId }) };
  }
  const outcome = await startWorkflowRun(context.glue, workflowName, runProperties(context, trigger.source, detail));
  if (outcome.kind === "race_lost") {
    return {
      ...base,
      status: "skipped",
      message: `Another trigger started a run of workflow ${workflowName} first; not starting another.`,
    };
  }
  return {
    ...base,
    runId: outcome.runId,
    status: "started",
    message: `Started run ${outcome.runId} of workflow ${workflowName} (${detail}).`,
  };
}

import type { RunEnd } from "./decision";
import type { GlueJobStateTrigger } from "./trigger-source";
import type { ActiveRun } from "./workflow-runs";

// A failed job ends the run: the workflow's conditional triggers fire only on success. ERROR is a
// terminal job-run state too, although the state-change events document only the first three.
const FAILURE_STATES: ReadonlySet<string> = new Set(["FAILED", "TIMEOUT", "STOPPED", "ERROR"]);

/** Whether the job state ends a job run unsuccessfully. */
export function isFailureState(state: string): boolean {
  return FAILURE_STATES.has(state);
}

/**
 * Whether the job state change ends the workflow run, from the event alone (whether Glue retries a
 * failed attempt needs its attempt number: `jobRunAttempt`).
 */
export function classifyRunEnd(trigger: GlueJobStateTrigger, finalJobName: string): Exclude<RunEnd, "retrying"> {
  if (FAILURE_STATES.has(trigger.state) || (trigger.state === "SUCCEEDED" && trigger.jobName === finalJobName)) {
    return "ends_run";
  }
  return "does_not_end_run";
}

/**
 * Whether the active run is the one the event ended (Glue has not yet marked it finished): it started
 * before the event. A run with no start time is assumed to be that run, so the event is retried.
 */
export function isFinishingRun(activeRun: ActiveRun, trigger: GlueJobStateTrigger): boolean {
  return activeRun.startedOn === undefined || activeRun.startedOn.getTime() < trigger.time.getTime();
}

/** `job gold SUCCEEDED`. */
export function describeJobState(trigger: GlueJobStateTrigger): string {
  return `job ${trigger.jobName} ${trigger.state}`;
}

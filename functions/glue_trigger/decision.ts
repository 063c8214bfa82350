/**
 * The one place that says what the trigger does: every path (S3 upload, schedule, manual invocation,
 * Glue job state change) gathers the facts below, asks {@link decide}, then carries out the action.
 * Pure: no AWS call, no clock, so the rules are tested as a table (decision.test.ts).
 */
import type { TriggerSource } from "./trigger-source";

/**
 * What a job state change says about its workflow run:
 * - `ends_run`: the final job succeeded, or a job's last attempt failed, timed out or was stopped;
 * - `retrying`: an attempt failed and Glue retries the job (`max_retries` left): the run goes on;
 * - `does_not_end_run`: e.g. the Bronze job succeeded and the next job starts.
 */
export type RunEnd = "ends_run" | "retrying" | "does_not_end_run";

/** The workflow run Glue reports active, if any; built by `activeRunFact` (workflow-runs.ts). */
export interface ActiveRunFact {
  readonly runId: string;
  readonly status: string;
  /**
   * Run-end events only: the run started before the event, so it is the run the event is about and
   * Glue has not yet reported it over (it lags a few seconds behind the final job).
   */
  readonly startedBeforeEvent: boolean;
}

/** Everything a decision depends on. */
export interface DecisionState {
  /** What asked for the decision (never the freshness check, which starts nothing). */
  readonly trigger: Exclude<TriggerSource, "freshness_check">;
  /** Manual invocation with `{"force": true}`: start even when no file is pending. */
  readonly force: boolean;
  /** S3 events: files this notification recorded (new or resumed); 0 means duplicates only. */
  readonly newFiles?: number;
  /** A `PENDING` or `WAITING` file is in the processed-files table (bounded query on the status index). */
  readonly filesWaiting: boolean;
  /** @default - no run is active */
  readonly activeRun?: ActiveRunFact;
  /** Run-end events only. */
  readonly runEnd?: RunEnd;
  /**
   * Run-end events only: consecutive runs (this one included) that failed without processing any file,
   * as recorded in the state item.
   */
  readonly consecutiveFailedRuns?: number;
  /** After this many consecutive failed runs no follow-up is started (`MAX_CONSECUTIVE_FAILED_RUNS`). */
  readonly maxConsecutiveFailedRuns: number;
}

/** Why a decision skips: one word for logs and tests, one sentence for people. */
export type SkipReason = "duplicate" | "run_active" | "mid_run" | "attempt_retried" | "nothing_pending" | "newer_run_active";

/** What to do. */
export type Action =
  /** Start a workflow run (for S3, schedule, manual, or a follow-up after a run end). */
  | { readonly kind: "start" }
  /** Note the event's files as `WAITING` for the active run; its end starts the follow-up. */
  | { readonly kind: "mark_waiting"; readonly runId: string }
  /** Do nothing. */
  | { readonly kind: "skip"; readonly reason: SkipReason; readonly activeRunId?: string }
  /** The run this event ended is still reported active: look again later (throw, so that Lambda retries). */
  | { readonly kind: "retry_later"; readonly runId: string }
  /** Files wait but the last runs all failed without processing any: start nothing, say the pipeline is stuck. */
  | { readonly kind: "stuck"; readonly consecutiveFailedRuns: number };

/** The action for a state; see the README's "Operations" section for the same rules in words. */
export function decide(state: DecisionState): Action {
  const active = state.activeRun;
  switch (state.trigger) {
    case "s3":
      if ((state.newFiles ?? 0) === 0) return { kind: "skip", reason: "duplicate" };
      return active === undefined ? { kind: "start" } : { kind: "mark_waiting", runId: active.runId };
    case "schedule":
    case "manual":
      if (active !== undefined) return { kind: "skip", reason: "run_active", activeRunId: active.runId };
      if (!state.filesWaiting && !(state.trigger === "manual" && state.force)) return { kind: "skip", reason: "nothing_pending" };
      return { kind: "start" };
    case "glue_run_end":
      return decideRunEnd(state);
  }
}

function decideRunEnd(state: DecisionState): Action {
  const active = state.activeRun;
  const runEnd = state.runEnd ?? "does_not_end_run";
  if (runEnd === "retrying") {
    return { kind: "skip", reason: "attempt_retried", ...(active === undefined ? {} : { activeRunId: active.runId }) };
  }
  if (active !== undefined) {
    if (!active.startedBeforeEvent) return { kind: "skip", reason: "newer_run_active", activeRunId: active.runId };
    if (runEnd === "does_not_end_run") return { kind: "skip", reason: "mid_run", activeRunId: active.runId };
    // Never conclude "nothing waiting" while the ended run is reported active: a file may still arrive
    // and be marked WAITING for it, and no later event would start its follow-up.
    return { kind: "retry_later", runId: active.runId };
  }
  if (!state.filesWaiting) return { kind: "skip", reason: "nothing_pending" };
  const failures = state.consecutiveFailedRuns ?? 0;
  if (failures >= state.maxConsecutiveFailedRuns) return { kind: "stuck", consecutiveFailedRuns: failures };
  return { kind: "start" };
}

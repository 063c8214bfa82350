import type { GlueClient } from "@aws-sdk/client-glue";
import type { ActiveRunFact } from "./decision";
import { GetJobRunCommand, GetWorkflowRunsCommand, StartWorkflowRunCommand } from "./dependencies";
import { WorkflowRunError } from "./errors";
import { isFinishingRun } from "./run-end";
import type { GlueJobStateTrigger } from "./trigger-source";

/** A workflow run that is still going. */
export interface ActiveRun {
  readonly runId: string;
  readonly status: string;
  /** @default - Glue did not report it */
  readonly startedOn: Date | undefined;
}

/** Outcome of {@link startWorkflowRun}. */
export type StartOutcome =
  | { readonly kind: "started"; readonly runId: string }
  /** Another trigger started a run first: the workflow's `max_concurrent_runs = 1` refused this one. */
  | { readonly kind: "race_lost"; readonly errorMessage: string };

// Glue documents RUNNING, COMPLETED, STOPPING, STOPPED and ERROR; WAITING is not a workflow-run
// status, but it counts as active should Glue ever report it.
const ACTIVE_STATUSES: ReadonlySet<string> = new Set(["RUNNING", "STOPPING", "WAITING"]);

// Runs come newest first and at most one is active (max_concurrent_runs = 1), so the first page
// nearly always answers; the bound of 5 pages of 25 runs keeps a misbehaving API from looping.
export const RUNS_PAGE_SIZE = 25;
export const MAX_RUNS_PAGES = 5;

/** The workflow's active run among its most recent runs, or `undefined` when it is idle. */
export async function findActiveRun(glue: GlueClient, workflowName: string): Promise<ActiveRun | undefined> {
  return (await findRuns(glue, workflowName)).active;
}

/**
 * The active run as a decision takes it. A run-end event passes its job state change (`endedBy`): the active run
 * is then the one the event ended when it started before the event. For any other trigger it is a run of its own.
 */
export function activeRunFact(run: ActiveRun | undefined, endedBy?: GlueJobStateTrigger): ActiveRunFact | undefined {
  if (run === undefined) return undefined;
  return { runId: run.runId, status: run.status, startedBeforeEvent: endedBy !== undefined && isFinishingRun(run, endedBy) };
}

/** What {@link findRuns} saw. */
export interface RecentRuns {
  /** @default - the workflow is idle */
  readonly active: ActiveRun | undefined;
  /** Start time of every other run seen (the pages read), in Glue's order. */
  readonly startTimes: readonly { readonly runId: string; readonly startedOn: Date }[];
}

/** The active run and the start times of the most recent runs (at most {@link MAX_RUNS_PAGES} pages). */
export async function findRuns(glue: GlueClient, workflowName: string): Promise<RecentRuns> {
  const startTimes: { runId: string; startedOn: Date }[] = [];
  let active: ActiveRun | undefined;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_RUNS_PAGES; page++) {
    const response = await glue.send(
      new GetWorkflowRunsCommand({
        Name: workflowName,
        IncludeGraph: false,
        MaxResults: RUNS_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    for (const run of response.Runs ?? []) {
      if (run.WorkflowRunId === undefined) continue;
      if (active === undefined && run.Status !== undefined && ACTIVE_STATUSES.has(run.Status)) {
        active = { runId: run.WorkflowRunId, status: run.Status, startedOn: run.StartedOn };
      } else if (run.StartedOn !== undefined) {
        startTimes.push({ runId: run.WorkflowRunId, startedOn: run.StartedOn });
      }
    }
    nextToken = response.NextToken;
    // The rest of the page comes free; further pages only while no active run is found.
    if (active !== undefined || nextToken === undefined || nextToken === "") {
      break;
    }
  }
  return { active, startTimes };
}

/** The latest run that started before `time`: the run a job state change at `time` belongs to. */
export function runStartedBefore(runs: RecentRuns, time: Date): { readonly runId: string; readonly startedOn: Date } | undefined {
  const candidates = [...runs.startTimes];
  if (runs.active?.startedOn !== undefined) candidates.push({ runId: runs.active.runId, startedOn: runs.active.startedOn });
  return candidates
    .filter((run) => run.startedOn.getTime() <= time.getTime())
    .reduce<{ runId: string; startedOn: Date } | undefined>(
      (latest, run) => (latest === undefined || run.startedOn > latest.startedOn ? run : latest),
      undefined,
    );
}

/**
 * The attempt number of a job run (`Attempt`: 0 for the first, 1 for Glue's first retry), from GetJobRun.
 * @returns `undefined` when Glue does not report it
 */
export async function jobRunAttempt(glue: GlueClient, jobName: string, jobRunId: string): Promise<number | undefined> {
  const response = await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: jobRunId, PredecessorsIncluded: false }));
  return response.JobRun?.Attempt;
}

/** Starts a run with the given run properties; losing the concurrency race is an outcome, not an error. */
export async function startWorkflowRun(
  glue: GlueClient,
  workflowName: string,
  runProperties: Readonly<Record<string, string>>,
): Promise<StartOutcome> {
  try {
    const response = await glue.send(new StartWorkflowRunCommand({ Name: workflowName, RunProperties: { ...runProperties } }));
    if (response.RunId === undefined || response.RunId === "") {
      throw new WorkflowRunError(`StartWorkflowRun for workflow "${workflowName}" returned no RunId.`);
    }
    return { kind: "started", runId: response.RunId };
  } catch (error) {
    if (error instanceof Error && error.name === "ConcurrentRunsExceededException") {
      return { kind: "race_lost", errorMessage: error.message };
    }
    throw error;
  }
}

import { decide, type Action, type DecisionState } from "../../../functions/glue_trigger/decision";

const base = { force: false, filesWaiting: false, maxConsecutiveFailedRuns: 3 } as const;
const finishing = { runId: "wr_1", status: "RUNNING", startedBeforeEvent: true } as const;
const newer = { runId: "wr_2", status: "RUNNING", startedBeforeEvent: false } as const;
const active = { runId: "wr_1", status: "RUNNING", startedBeforeEvent: false } as const;

describe("decide", () => {
  it.each<[string, DecisionState, Action]>([
    // S3 uploads
    ["s3: new file, idle", { ...base, trigger: "s3", newFiles: 1, filesWaiting: true }, { kind: "start" }],
    [
      "s3: new file, run active",
      { ...base, trigger: "s3", newFiles: 2, filesWaiting: true, activeRun: active },
      { kind: "mark_waiting", runId: "wr_1" },
    ],
    ["s3: duplicates only", { ...base, trigger: "s3", newFiles: 0, filesWaiting: true }, { kind: "skip", reason: "duplicate" }],
    [
      "s3: new file while stuck still starts",
      { ...base, trigger: "s3", newFiles: 1, filesWaiting: true, consecutiveFailedRuns: 5 },
      { kind: "start" },
    ],
    // Schedule and manual
    ["schedule: files pending, idle", { ...base, trigger: "schedule", filesWaiting: true }, { kind: "start" }],
    ["schedule: nothing pending", { ...base, trigger: "schedule" }, { kind: "skip", reason: "nothing_pending" }],
    [
      "schedule: run active",
      { ...base, trigger: "schedule", filesWaiting: true, activeRun: active },
      { kind: "skip", reason: "run_active", activeRunId: "wr_1" },
    ],
    ["schedule: force is ignored", { ...base, trigger: "schedule", force: true }, { kind: "skip", reason: "nothing_pending" }],
    ["manual: nothing pending", { ...base, trigger: "manual" }, { kind: "skip", reason: "nothing_pending" }],
    ["manual: force, nothing pending", { ...base, trigger: "manual", force: true }, { kind: "start" }],
    [
      "manual: force, run active",
      { ...base, trigger: "manual", force: true, activeRun: active },
      { kind: "skip", reason: "run_active", activeRunId: "wr_1" },
    ],
    // Run ends
    ["run end: ended, files waiting", { ...base, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true }, { kind: "start" }],
    [
      "run end: ended, nothing waiting",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run" },
      { kind: "skip", reason: "nothing_pending" },
    ],
    [
      "run end: still reported active, files waiting",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true, activeRun: finishing },
      { kind: "retry_later", runId: "wr_1" },
    ],
    [
      "run end: still reported active, nothing waiting yet",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", activeRun: finishing },
      { kind: "retry_later", runId: "wr_1" },
    ],
    [
      "run end: a newer run is active",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true, activeRun: newer },
      { kind: "skip", reason: "newer_run_active", activeRunId: "wr_2" },
    ],
    [
      "mid run: job done, run goes on",
      { ...base, trigger: "glue_run_end", runEnd: "does_not_end_run", filesWaiting: true, activeRun: finishing },
      { kind: "skip", reason: "mid_run", activeRunId: "wr_1" },
    ],
    [
      "mid run: run already over, files waiting",
      { ...base, trigger: "glue_run_end", runEnd: "does_not_end_run", filesWaiting: true },
      { kind: "start" },
    ],
    [
      "retried attempt: not a run end",
      { ...base, trigger: "glue_run_end", runEnd: "retrying", filesWaiting: true, activeRun: finishing },
      { kind: "skip", reason: "attempt_retried", activeRunId: "wr_1" },
    ],
    [
      "retried attempt, run not listed",
      { ...base, trigger: "glue_run_end", runEnd: "retrying", filesWaiting: true },
      { kind: "skip", reason: "attempt_retried" },
    ],
    // Failure loop
    [
      "failed runs below the limit: follow-up",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true, consecutiveFailedRuns: 2 },
      { kind: "start" },
    ],
    [
      "failed runs at the limit: stuck",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true, consecutiveFailedRuns: 3 },
      { kind: "stuck", consecutiveFailedRuns: 3 },
    ],
    [
      "failed runs past the limit: stuck",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true, consecutiveFailedRuns: 4 },
      { kind: "stuck", consecutiveFailedRuns: 4 },
    ],
    [
      "limit 1: the first failure stops",
      { ...base, maxConsecutiveFailedRuns: 1, trigger: "glue_run_end", runEnd: "ends_run", filesWaiting: true, consecutiveFailedRuns: 1 },
      { kind: "stuck", consecutiveFailedRuns: 1 },
    ],
    [
      "stuck but nothing waiting: nothing to say",
      { ...base, trigger: "glue_run_end", runEnd: "ends_run", consecutiveFailedRuns: 3 },
      { kind: "skip", reason: "nothing_pending" },
    ],
    [
      "schedule while stuck still starts",
      { ...base, trigger: "schedule", filesWaiting: true, consecutiveFailedRuns: 3 },
      { kind: "start" },
    ],
  ])("%s", (_name, state, expected) => {
    // Act
    const action = decide(state);

    // Assess
    expect(action).toEqual(expected);
  });
});

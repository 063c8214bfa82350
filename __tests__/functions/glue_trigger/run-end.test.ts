import { classifyRunEnd, isFinishingRun } from "../../../functions/glue_trigger/run-end";
import type { GlueJobStateTrigger } from "../../../functions/glue_trigger/trigger-source";
import { FINAL_JOB } from "./fixtures";

const EVENT_TIME = new Date("2026-11-22T10:14:00Z");
const jobState = (jobName: string, state: string): GlueJobStateTrigger => ({
  source: "glue_run_end",
  jobName,
  state,
  jobRunId: "jr_0123",
  time: EVENT_TIME,
});

describe("classifyRunEnd", () => {
  it.each([
    [FINAL_JOB, "SUCCEEDED", "ends_run"],
    [FINAL_JOB, "FAILED", "ends_run"],
    ["metriccare_bronze_dev", "FAILED", "ends_run"],
    ["metriccare_silver_dev", "TIMEOUT", "ends_run"],
    ["metriccare_bronze_dev", "STOPPED", "ends_run"],
    ["metriccare_bronze_dev", "ERROR", "ends_run"],
    ["metriccare_bronze_dev", "SUCCEEDED", "does_not_end_run"],
    [FINAL_JOB, "RUNNING", "does_not_end_run"],
  ])("says job %s %s → %s", (jobName, state, expected) => {
    // Act
    const runEnd = classifyRunEnd(jobState(jobName, state), FINAL_JOB);

    // Assess
    expect(runEnd).toBe(expected);
  });
});

describe("isFinishingRun", () => {
  it.each([
    ["started before the event", new Date("2026-11-22T09:00:00Z"), true],
    ["started after the event", new Date("2026-11-22T10:14:00.500Z"), false],
    ["started at the event's second", EVENT_TIME, false],
    ["has no start time", undefined, true],
  ])("says a run that %s is the one finishing: %s", (_, startedOn, expected) => {
    // Act
    const finishing = isFinishingRun({ runId: "wr_1", status: "RUNNING", startedOn }, jobState(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(finishing).toBe(expected);
  });
});

import {
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  GetJobRunCommand,
  GetWorkflowRunsCommand,
  GlueClient,
  StartWorkflowRunCommand,
  type WorkflowRunStatus,
} from "@aws-sdk/client-glue";
import { mockClient } from "aws-sdk-client-mock";
import {
  activeRunFact,
  findActiveRun,
  findRuns,
  jobRunAttempt,
  MAX_RUNS_PAGES,
  RUNS_PAGE_SIZE,
  runStartedBefore,
  startWorkflowRun,
} from "../../../functions/glue_trigger/workflow-runs";
import { WorkflowRunError } from "../../../functions/glue_trigger/errors";
import { WORKFLOW } from "./fixtures";

const glueMock = mockClient(GlueClient);
const glue = new GlueClient({ region: "eu-west-1" });
const STARTED = new Date("2026-11-22T09:00:00.000Z");

beforeEach(() => {
  glueMock.reset();
});

describe("findActiveRun", () => {
  it.each(["RUNNING", "STOPPING", "WAITING"])("treats a run in %s as active", (status) => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({
      Runs: [
        { WorkflowRunId: "wr_done", Status: "COMPLETED", StartedOn: STARTED },
        // WAITING is not a documented workflow-run status: the cast stands for Glue sending it anyway.
        { WorkflowRunId: "wr_active", Status: status as WorkflowRunStatus, StartedOn: STARTED },
      ],
    });

    // Act
    const active = findActiveRun(glue, WORKFLOW);

    // Assess
    return expect(active).resolves.toEqual({ runId: "wr_active", status, startedOn: STARTED });
  });

  it("asks for one page of 25 runs without the graph", async () => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({ Runs: [] });

    // Act
    await findActiveRun(glue, WORKFLOW);

    // Assess
    expect(glueMock).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 1);
    expect(glueMock).toHaveReceivedCommandWith(GetWorkflowRunsCommand, {
      Name: WORKFLOW,
      IncludeGraph: false,
      MaxResults: 25,
      NextToken: undefined,
    });
  });

  it("returns undefined when every recent run is COMPLETED, STOPPED or ERROR", async () => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({
      Runs: [
        { WorkflowRunId: "wr_1", Status: "COMPLETED" },
        { WorkflowRunId: "wr_2", Status: "STOPPED" },
        { WorkflowRunId: "wr_3", Status: "ERROR" },
      ],
    });

    // Act
    const active = await findActiveRun(glue, WORKFLOW);

    // Assess
    expect(active).toBeUndefined();
  });

  it("follows NextToken until it finds the active run", async () => {
    // Prepare
    glueMock
      .on(GetWorkflowRunsCommand, { NextToken: undefined })
      .resolves({ Runs: [{ WorkflowRunId: "wr_1", Status: "COMPLETED" }], NextToken: "page-2" })
      .on(GetWorkflowRunsCommand, { NextToken: "page-2" })
      .resolves({ Runs: [{ WorkflowRunId: "wr_0", Status: "RUNNING" }], NextToken: "page-3" });

    // Act
    const active = await findActiveRun(glue, WORKFLOW);

    // Assess
    expect(active).toEqual({ runId: "wr_0", status: "RUNNING", startedOn: undefined });
    expect(glueMock).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 2);
    expect(glueMock).toHaveReceivedNthSpecificCommandWith(2, GetWorkflowRunsCommand, { NextToken: "page-2" });
  });

  it("stops after 5 pages of 25 runs even if Glue keeps returning a NextToken", async () => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({ Runs: [{ WorkflowRunId: "wr_1", Status: "COMPLETED" }], NextToken: "more" });

    // Act
    const active = await findActiveRun(glue, WORKFLOW);

    // Assess
    expect(active).toBeUndefined();
    expect([MAX_RUNS_PAGES, RUNS_PAGE_SIZE]).toEqual([5, 25]);
    expect(glueMock).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 5);
  });

  it("skips runs without an id or a status", async () => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({ Runs: [{ Status: "RUNNING" }, { WorkflowRunId: "wr_x" }] });

    // Act
    const active = await findActiveRun(glue, WORKFLOW);

    // Assess
    expect(active).toBeUndefined();
  });
});

describe("startWorkflowRun", () => {
  it("starts a run with the run properties and returns its id", async () => {
    // Prepare
    glueMock.on(StartWorkflowRunCommand).resolves({ RunId: "wr_new" });

    // Act
    const outcome = await startWorkflowRun(glue, WORKFLOW, { trigger_source: "manual" });

    // Assess
    expect(outcome).toEqual({ kind: "started", runId: "wr_new" });
    expect(glueMock).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      Name: WORKFLOW,
      RunProperties: { trigger_source: "manual" },
    });
  });

  it("reports ConcurrentRunsExceededException as a lost race, not an error", async () => {
    // Prepare
    glueMock
      .on(StartWorkflowRunCommand)
      .rejects(new ConcurrentRunsExceededException({ $metadata: {}, message: "Concurrent runs exceeded for workflow" }));

    // Act
    const outcome = await startWorkflowRun(glue, WORKFLOW, {});

    // Assess
    expect(outcome).toEqual({ kind: "race_lost", errorMessage: "Concurrent runs exceeded for workflow" });
  });

  it("passes other errors on", async () => {
    // Prepare
    const error = new EntityNotFoundException({ $metadata: {}, message: "Workflow not found" });
    glueMock.on(StartWorkflowRunCommand).rejects(error);

    // Act
    const start = startWorkflowRun(glue, WORKFLOW, {});

    // Assess
    await expect(start).rejects.toBe(error);
  });

  it("throws a WorkflowRunError when Glue returns no RunId", async () => {
    // Prepare
    glueMock.on(StartWorkflowRunCommand).resolves({});

    // Act
    const start = startWorkflowRun(glue, WORKFLOW, {});

    // Assess
    await expect(start).rejects.toThrow(new WorkflowRunError(`StartWorkflowRun for workflow "${WORKFLOW}" returned no RunId.`));
    await expect(start).rejects.toHaveProperty("name", "WorkflowRunError");
  });
});

describe("findRuns and runStartedBefore", () => {
  it("finds the run a job state change belongs to: the latest one started before the event", async () => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({
      Runs: [
        { WorkflowRunId: "wr_3", Status: "RUNNING", StartedOn: new Date("2026-11-22T11:00:00Z") },
        { WorkflowRunId: "wr_2", Status: "COMPLETED", StartedOn: new Date("2026-11-22T10:00:00Z") },
        { WorkflowRunId: "wr_1", Status: "COMPLETED", StartedOn: new Date("2026-11-22T09:00:00Z") },
      ],
    });

    // Act
    const runs = await findRuns(glue, WORKFLOW);
    const at1030 = runStartedBefore(runs, new Date("2026-11-22T10:30:00Z"));
    const at1130 = runStartedBefore(runs, new Date("2026-11-22T11:30:00Z"));
    const at0800 = runStartedBefore(runs, new Date("2026-11-22T08:00:00Z"));

    // Assess
    expect(runs.active?.runId).toBe("wr_3");
    expect(at1030?.runId).toBe("wr_2");
    expect(at1130?.runId).toBe("wr_3");
    expect(at0800).toBeUndefined();
  });

  it("collects the start times of finished runs when none is active", async () => {
    // Prepare
    glueMock.on(GetWorkflowRunsCommand).resolves({
      Runs: [
        { WorkflowRunId: "wr_2", Status: "COMPLETED", StartedOn: new Date("2026-11-22T10:00:00Z") },
        { WorkflowRunId: "wr_1", Status: "STOPPED", StartedOn: new Date("2026-11-22T09:00:00Z") },
      ],
    });

    // Act
    const runs = await findRuns(glue, WORKFLOW);

    // Assess
    expect(runs.active).toBeUndefined();
    expect(runStartedBefore(runs, new Date("2026-11-22T10:30:00Z"))).toEqual({
      runId: "wr_2",
      startedOn: new Date("2026-11-22T10:00:00Z"),
    });
    expect(runStartedBefore(runs, new Date("2026-11-22T09:30:00Z"))?.runId).toBe("wr_1");
  });
});

describe("jobRunAttempt", () => {
  it("reads Attempt from GetJobRun, without the predecessors", async () => {
    // Prepare
    glueMock.on(GetJobRunCommand).resolves({ JobRun: { Id: "jr_1_attempt_1", Attempt: 1 } });

    // Act
    const attempt = await jobRunAttempt(glue, "metriccare_bronze_dev", "jr_1_attempt_1");

    // Assess
    expect(attempt).toBe(1);
    expect(glueMock).toHaveReceivedCommandWith(GetJobRunCommand, {
      JobName: "metriccare_bronze_dev",
      RunId: "jr_1_attempt_1",
      PredecessorsIncluded: false,
    });
  });

  it("answers undefined when Glue reports no attempt", async () => {
    // Prepare
    glueMock.on(GetJobRunCommand).resolves({ JobRun: { Id: "jr_1" } });

    // Act
    const attempt = await jobRunAttempt(glue, "metriccare_bronze_dev", "jr_1");

    // Assess
    expect(attempt).toBeUndefined();
  });
});

describe("activeRunFact", () => {
  const EVENT_TIME = new Date("2026-11-22T10:14:00Z");
  const endedBy = {
    source: "glue_run_end",
    jobName: "metriccare_gold_dev",
    state: "SUCCEEDED",
    jobRunId: "jr_1",
    time: EVENT_TIME,
  } as const;

  it.each([
    ["no event, a run started before", STARTED, undefined, false],
    ["a run-end event, the run started before it", STARTED, endedBy, true],
    ["a run-end event, the run started after it", new Date("2026-11-22T10:14:30Z"), endedBy, false],
    ["a run-end event, the run has no start time", undefined, endedBy, true],
  ])("for %s says startedBeforeEvent is %s", (_, startedOn, event, startedBeforeEvent) => {
    // Act
    const fact = activeRunFact({ runId: "wr_1", status: "RUNNING", startedOn }, event);

    // Assess
    expect(fact).toEqual({ runId: "wr_1", status: "RUNNING", startedBeforeEvent });
  });

  it("is undefined when no run is active", () => {
    // Act
    const fact = activeRunFact(undefined);

    // Assess
    expect(fact).toBeUndefined();
  });
});

import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { ConcurrentRunsExceededException, GetWorkflowRunsCommand, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
import { PublishCommand } from "@aws-sdk/client-sns";
import { handler } from "../../../functions/glue_trigger";
import { RunStillFinishingError } from "../../../functions/glue_trigger/run-end";
import { FINAL_JOB, glueJobEvent, OBJECT, setEnvironment, TABLE, WORKFLOW } from "./fixtures";
import { ACTIVE_RUNS, IDLE_RUNS, useHandlerHarness, workflowIdleThenStarts } from "./harness";

const mocks = useHandlerHarness();
const BRONZE = "metriccare_bronze_dev";
// The run-end events happen at 10:14:00Z; ACTIVE_RUNS started at 09:00:00Z, before them.
const NEWER_RUN = {
  Runs: [{ WorkflowRunId: "wr_newer", Status: "RUNNING" as const, StartedOn: new Date("2026-11-22T10:14:30Z") }],
};
const pending = (fileKey?: string) => ({
  Items: fileKey === undefined ? [] : [{ file_key: { S: fileKey } }],
});

function filesWaiting(status: "PENDING" | "WAITING" | "none"): void {
  mocks.dynamodb
    .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "PENDING" } } })
    .resolves(pending(status === "PENDING" ? OBJECT.fileKey : undefined))
    .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "WAITING" } } })
    .resolves(pending(status === "WAITING" ? OBJECT.fileKey : undefined));
}

describe("handler on a Glue Job State Change", () => {
  it("starts one follow-up run when the final job succeeds and files are waiting", async () => {
    // Prepare
    filesWaiting("PENDING");
    workflowIdleThenStarts(mocks.glue, "wr_follow_up");

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: "wr_follow_up",
      triggerSource: "glue_run_end",
      status: "started",
      message: `Started follow-up run wr_follow_up of workflow ${WORKFLOW}: files are waiting after job ${FINAL_JOB} SUCCEEDED (e.g. ${OBJECT.fileKey}).`,
    });
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(mocks.dynamodb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      IndexName: "status_index",
      KeyConditionExpression: "#status = :status",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": { S: "PENDING" } },
      ProjectionExpression: "file_key",
      Limit: 1,
    });
    expect(mocks.glue).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 1);
    expect(mocks.glue).toHaveReceivedCommandTimes(StartWorkflowRunCommand, 1);
    expect(mocks.glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      Name: WORKFLOW,
      RunProperties: {
        trigger_source: "glue_run_end",
        triggered_at: "2026-11-22T10:15:00.000Z",
        trigger_detail: `job ${FINAL_JOB} SUCCEEDED (jr_0123)`,
      },
    });
  });

  it("finds files that are WAITING as well as PENDING", async () => {
    // Prepare
    filesWaiting("WAITING");
    workflowIdleThenStarts(mocks.glue, "wr_follow_up");

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toMatchObject({ status: "started", runId: "wr_follow_up" });
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(QueryCommand, 2);
  });

  it("starts nothing, and does not call Glue, when no files are waiting", async () => {
    // Prepare
    filesWaiting("none");

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "glue_run_end",
      status: "skipped",
      message: `No files are waiting after job ${FINAL_JOB} SUCCEEDED; no follow-up run.`,
    });
    expect(mocks.glue.calls()).toHaveLength(0);
  });

  it.each(["FAILED", "TIMEOUT", "STOPPED"])("treats any job %s as the end of the run", async (state) => {
    // Prepare
    filesWaiting("PENDING");
    workflowIdleThenStarts(mocks.glue, "wr_follow_up");

    // Act
    const result = await handler(glueJobEvent(BRONZE, state));

    // Assess
    expect(result).toMatchObject({ status: "started", runId: "wr_follow_up" });
    expect(mocks.glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      RunProperties: expect.objectContaining({ trigger_detail: `job ${BRONZE} ${state} (jr_0123)` }),
    });
  });

  it("throws RunStillFinishingError when Glue still reports the run that just ended as RUNNING, so Lambda retries", async () => {
    // Prepare
    filesWaiting("PENDING");
    mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);

    // Act
    const invoke = handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    await expect(invoke).rejects.toThrow(
      new RunStillFinishingError(
        "wr_active",
        `Run wr_active of workflow ${WORKFLOW} is still RUNNING after job ${FINAL_JOB} SUCCEEDED ended it; retrying until Glue reports it finished.`,
      ),
    );
    await expect(invoke).rejects.toHaveProperty("name", "RunStillFinishingError");
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({ level: "WARN", reason: "run_still_finishing", triggerSource: "glue_run_end" }),
    );
  });

  it("skips when the active run started after the event: that run picks up the waiting files", async () => {
    // Prepare
    filesWaiting("PENDING");
    mocks.glue.on(GetWorkflowRunsCommand).resolves(NEWER_RUN);

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "glue_run_end",
      status: "skipped",
      message: `Run wr_newer of workflow ${WORKFLOW} started after job ${FINAL_JOB} SUCCEEDED and picks up the waiting files.`,
      activeRunId: "wr_newer",
    });
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
  });

  it("skips quietly a job that does not end the active run, without reading the table", async () => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);

    // Act
    const result = await handler(glueJobEvent(BRONZE, "SUCCEEDED"));

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "glue_run_end",
      status: "skipped",
      message: `Job ${BRONZE} SUCCEEDED does not end run wr_active of workflow ${WORKFLOW}; nothing to do.`,
      activeRunId: "wr_active",
    });
    expect(mocks.dynamodb.calls()).toHaveLength(0);
    expect(mocks.logs().filter((line) => line.level !== "DEBUG")).toEqual([]);
  });

  it("starts a catch-up run for a job that does not end a run when no run is active and files wait", async () => {
    // Prepare
    filesWaiting("PENDING");
    workflowIdleThenStarts(mocks.glue, "wr_catch_up");

    // Act
    const result = await handler(glueJobEvent(BRONZE, "SUCCEEDED"));

    // Assess
    expect(result).toMatchObject({ status: "started", runId: "wr_catch_up" });
    expect(mocks.glue).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 1);
  });

  it("treats a lost start race as a skip, without alert", async () => {
    // Prepare
    filesWaiting("PENDING");
    mocks.glue
      .on(GetWorkflowRunsCommand)
      .resolves(IDLE_RUNS)
      .on(StartWorkflowRunCommand)
      .rejects(new ConcurrentRunsExceededException({ $metadata: {}, message: "Concurrent runs exceeded" }));

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "glue_run_end",
      status: "skipped",
      message: `Another trigger started a run of workflow ${WORKFLOW} first; it picks up the waiting files.`,
    });
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
  });

  describe("without GLUE_FINAL_JOB_NAME", () => {
    beforeEach(() => {
      setEnvironment({ GLUE_FINAL_JOB_NAME: undefined });
    });

    it("treats a job's success as a possible end and starts a follow-up run when none is active", async () => {
      // Prepare
      filesWaiting("PENDING");
      workflowIdleThenStarts(mocks.glue, "wr_follow_up");

      // Act
      const result = await handler(glueJobEvent(BRONZE, "SUCCEEDED"));

      // Assess
      expect(result).toMatchObject({ status: "started", runId: "wr_follow_up" });
    });

    it("skips, and never retries, when the run is still reported RUNNING", async () => {
      // Prepare
      filesWaiting("PENDING");
      mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);

      // Act
      const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

      // Assess
      expect(result).toStrictEqual({
        workflowName: WORKFLOW,
        runId: null,
        triggerSource: "glue_run_end",
        status: "skipped",
        message: `Run wr_active of workflow ${WORKFLOW} is still RUNNING after job ${FINAL_JOB} SUCCEEDED; set GLUE_FINAL_JOB_NAME to start the follow-up run when it ends.`,
        activeRunId: "wr_active",
      });
    });
  });

  it("fails with a ConfigurationError naming PROCESSED_FILES_TABLE when it is not set", async () => {
    // Prepare
    setEnvironment({ PROCESSED_FILES_TABLE: undefined });
    mocks.sns.on(PublishCommand).resolves({ MessageId: "msg-1" });

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toMatchObject({
      status: "failed",
      errorName: "ConfigurationError",
      message:
        "ConfigurationError: PROCESSED_FILES_TABLE is not set: Glue run-end events need the processed-files table (docs/processed-files-table.md).",
    });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});

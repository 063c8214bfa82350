import "./environment-at-load";
import { QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { ConcurrentRunsExceededException, GetJobRunCommand, GetWorkflowRunsCommand, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
import { PublishCommand } from "@aws-sdk/client-sns";
import { handler } from "../../../functions/glue_trigger";
import { RunStillFinishingError } from "../../../functions/glue_trigger/errors";
import { FINAL_JOB, glueJobEvent, OBJECT, setEnvironment, TABLE, WORKFLOW } from "./fixtures";
import { ACTIVE_RUNS, filesWaiting as waiting, IDLE_RUNS, useHandlerHarness, workflowIdleThenStarts } from "./harness";

const mocks = useHandlerHarness();
const BRONZE = "metriccare_bronze_dev";
// The run-end events happen at 10:14:00Z; ACTIVE_RUNS started at 09:00:00Z, before them.
const NEWER_RUN = {
  Runs: [{ WorkflowRunId: "wr_newer", Status: "RUNNING" as const, StartedOn: new Date("2026-11-22T10:14:30Z") }],
};
const STATE_KEY = { file_key: { S: `pipeline_state#${WORKFLOW}` } };

function filesWaiting(status: "PENDING" | "WAITING" | "none"): void {
  waiting(mocks.dynamodb, status);
  // The state item: this failure is the first of its streak unless a test says otherwise.
  failedRunsSoFar(1);
}

function failedRunsSoFar(count: number): void {
  mocks.dynamodb
    .on(UpdateItemCommand)
    .resolves({})
    .on(UpdateItemCommand, { ConditionExpression: "attribute_not_exists(last_failed_run_id) OR last_failed_run_id <> :run" })
    .resolves({ Attributes: { ...STATE_KEY, consecutive_failed_runs: { N: String(count) }, last_failed_run_id: { S: "wr_previous" } } });
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
      message: `Started follow-up run wr_follow_up of workflow ${WORKFLOW}: files are waiting after job ${FINAL_JOB} SUCCEEDED.`,
    });
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(QueryCommand, 1);
    // A successful run end starts the failure count again.
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: STATE_KEY,
      UpdateExpression: "SET consecutive_failed_runs = :zero, updated_at = :at REMOVE last_failed_run_id, stuck_alerted_run_id",
      ExpressionAttributeValues: { ":zero": { N: "0" }, ":at": { S: "2026-11-22T10:15:00.000Z" } },
    });
    expect(mocks.dynamodb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      IndexName: "status_index",
      KeyConditionExpression: "#status = :status",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": { S: "PENDING" } },
      ProjectionExpression: "file_key, received_at",
      ScanIndexForward: true,
      Limit: 1,
    });
    // Gold is refreshed as of the event: the time moves forward only, and what Bronze took in before it is in Gold.
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: STATE_KEY,
      UpdateExpression: "SET gold_refreshed_at = :at",
      ConditionExpression: "attribute_not_exists(gold_refreshed_at) OR gold_refreshed_at < :at",
      ExpressionAttributeValues: { ":at": { S: "2026-11-22T10:14:00.000Z" } },
    });
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: STATE_KEY,
      UpdateExpression: "REMOVE gold_behind_since",
      ConditionExpression: "gold_behind_since <= :at",
      ExpressionAttributeValues: { ":at": { S: "2026-11-22T10:14:00.000Z" } },
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

  it("starts nothing when the run is over and no files are waiting", async () => {
    // Prepare
    filesWaiting("none");
    workflowIdleThenStarts(mocks.glue, "wr_unwanted");

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
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
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

  it.each(["PENDING", "none"] as const)(
    "throws RunStillFinishingError when Glue still reports the ended run RUNNING (files: %s), so Lambda retries",
    async (files) => {
      // Prepare: even with nothing waiting yet, a file may arrive before Glue reports the run over.
      filesWaiting(files);
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
    },
  );

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

  it("skips quietly a job that does not end the active run; Bronze's success only marks Gold behind in the state item", async () => {
    // Prepare
    waiting(mocks.dynamodb, "PENDING");
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
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: STATE_KEY,
      UpdateExpression: "SET gold_behind_since = :at",
      ConditionExpression:
        "attribute_not_exists(gold_behind_since) AND (attribute_not_exists(gold_refreshed_at) OR gold_refreshed_at < :at)",
      ExpressionAttributeValues: { ":at": { S: "2026-11-22T10:14:00.000Z" } },
    });
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

  it("waits for Glue to report the ended run over (RUN_END_WAIT_SECONDS), then starts the follow-up", async () => {
    // Prepare
    setEnvironment({ RUN_END_WAIT_SECONDS: "1" });
    filesWaiting("PENDING");
    mocks.glue
      .on(GetWorkflowRunsCommand)
      .resolvesOnce(ACTIVE_RUNS)
      .resolves(IDLE_RUNS)
      .on(StartWorkflowRunCommand)
      .resolves({ RunId: "wr_after_wait" });

    // Act
    const result = await handler(glueJobEvent(FINAL_JOB, "SUCCEEDED"));

    // Assess
    expect(result).toMatchObject({ status: "started", runId: "wr_after_wait" });
    expect(mocks.glue).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 2);
  });

  describe("with Glue retries (GLUE_MAX_RETRIES=1)", () => {
    beforeEach(() => setEnvironment({ GLUE_MAX_RETRIES: "1" }));

    it("does not take a failed first attempt for the end of the run", async () => {
      // Prepare
      filesWaiting("PENDING");
      mocks.glue.on(GetJobRunCommand).resolves({ JobRun: { Id: "jr_0123", Attempt: 0, JobRunState: "FAILED" } });
      mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);

      // Act
      const result = await handler(glueJobEvent(BRONZE, "FAILED"));

      // Assess
      expect(result).toStrictEqual({
        workflowName: WORKFLOW,
        runId: null,
        triggerSource: "glue_run_end",
        status: "skipped",
        message: `Attempt 0 of job ${BRONZE} FAILED failed and Glue retries it (max_retries 1); not the end of the run.`,
        activeRunId: "wr_active",
      });
      expect(mocks.glue).toHaveReceivedCommandWith(GetJobRunCommand, { JobName: BRONZE, RunId: "jr_0123" });
      expect(mocks.dynamodb).not.toHaveReceivedCommand(UpdateItemCommand);
    });

    it("takes the last attempt's failure for the end of the run", async () => {
      // Prepare
      filesWaiting("PENDING");
      mocks.glue.on(GetJobRunCommand).resolves({ JobRun: { Id: "jr_0123_attempt_1", Attempt: 1, JobRunState: "FAILED" } });
      workflowIdleThenStarts(mocks.glue, "wr_follow_up");

      // Act
      const result = await handler(glueJobEvent(BRONZE, "FAILED"));

      // Assess
      expect(result).toMatchObject({ status: "started", runId: "wr_follow_up" });
    });
  });

  describe("after runs that failed without processing any file", () => {
    beforeEach(() => mocks.sns.on(PublishCommand).resolves({ MessageId: "msg-stuck" }));

    it("counts the ended run once in the state item, bounded by the files it could have claimed", async () => {
      // Prepare
      filesWaiting("PENDING");
      workflowIdleThenStarts(mocks.glue, "wr_follow_up");

      // Act
      const result = await handler(glueJobEvent(BRONZE, "FAILED"));

      // Assess
      expect(result).toMatchObject({ status: "started", runId: "wr_follow_up" });
      expect(mocks.dynamodb).toHaveReceivedCommandWith(QueryCommand, {
        KeyConditionExpression: "#status = :status AND received_at < :before",
        ExpressionAttributeValues: { ":status": { S: "PENDING" }, ":before": { S: "2026-11-22T08:00:00.000Z" } },
        Limit: 1,
      });
      expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
        TableName: TABLE,
        Key: STATE_KEY,
        ConditionExpression: "attribute_not_exists(last_failed_run_id) OR last_failed_run_id <> :run",
        ExpressionAttributeValues: expect.objectContaining({ ":run": { S: "wr_previous" } }),
      });
      expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    });

    it("starts no follow-up at the limit and sends one alert naming job, state, run, environment and console links", async () => {
      // Prepare
      filesWaiting("PENDING");
      failedRunsSoFar(3);
      workflowIdleThenStarts(mocks.glue, "wr_unwanted");

      // Act
      const result = await handler(glueJobEvent(BRONZE, "FAILED"));

      // Assess
      expect(result).toStrictEqual({
        workflowName: WORKFLOW,
        runId: null,
        triggerSource: "glue_run_end",
        status: "skipped",
        message: `Pipeline stuck: 3 runs in a row failed without processing any file (last wr_previous, job ${BRONZE} FAILED); no follow-up run until the schedule, a new file or a manual {"force": true}.`,
      });
      expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
      expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
        Key: STATE_KEY,
        UpdateExpression: "SET stuck_alerted_run_id = :run",
        ConditionExpression: "attribute_not_exists(stuck_alerted_run_id)",
      });
      expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      const message = String(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);
      expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBe(
        `[MetricCare dev] Pipeline stuck: 3 failed runs of ${WORKFLOW}`,
      );
      expect(message).toContain(
        [
          "Environment: dev",
          `Workflow: ${WORKFLOW}`,
          "Run id: wr_previous",
          `Job: ${BRONZE}`,
          "State: FAILED",
          "Job run id: jr_0123",
          `Workflow in the console: https://eu-west-1.console.aws.amazon.com/glue/home?region=eu-west-1#/v2/etl-configuration/workflows/view/${WORKFLOW}`,
          `Job run in the console: https://eu-west-1.console.aws.amazon.com/gluestudio/home?region=eu-west-1#/job/${BRONZE}/run/jr_0123`,
        ].join("\n"),
      );
      expect(message).not.toContain(OBJECT.key);
    });

    it("sends no second alert for the same streak", async () => {
      // Prepare
      filesWaiting("PENDING");
      failedRunsSoFar(4);
      mocks.dynamodb
        .on(UpdateItemCommand, { ConditionExpression: "attribute_not_exists(stuck_alerted_run_id)" })
        .rejects(Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" }));
      workflowIdleThenStarts(mocks.glue, "wr_unwanted");

      // Act
      const result = await handler(glueJobEvent(BRONZE, "FAILED"));

      // Assess
      expect(result).toMatchObject({ status: "skipped", runId: null });
      expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
      expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
    });

    it("does not count a failed run that left no file it could have claimed", async () => {
      // Prepare: only a file that arrived during the run waits.
      waiting(mocks.dynamodb, "PENDING");
      mocks.dynamodb.on(QueryCommand, { KeyConditionExpression: "#status = :status AND received_at < :before" }).resolves({ Items: [] });
      failedRunsSoFar(3);
      workflowIdleThenStarts(mocks.glue, "wr_follow_up");

      // Act
      const result = await handler(glueJobEvent(BRONZE, "FAILED"));

      // Assess
      expect(result).toMatchObject({ status: "started", runId: "wr_follow_up" });
      expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
        UpdateExpression: expect.stringContaining("SET consecutive_failed_runs = :zero"),
      });
      expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    });
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

  it("fails with a ConfigurationError naming GLUE_FINAL_JOB_NAME when it is not set: no run end is guessed", async () => {
    // Prepare
    setEnvironment({ GLUE_FINAL_JOB_NAME: undefined });
    mocks.sns.on(PublishCommand).resolves({ MessageId: "msg-1" });

    // Act
    const result = await handler(glueJobEvent(BRONZE, "SUCCEEDED"));

    // Assess
    expect(result).toMatchObject({
      status: "failed",
      errorName: "ConfigurationError",
      message: "ConfigurationError: GLUE_FINAL_JOB_NAME is not set: set it to the name of the workflow's last job.",
    });
    expect(mocks.glue.calls()).toHaveLength(0);
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});

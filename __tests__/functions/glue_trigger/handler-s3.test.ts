import "./environment-at-load";
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { ConcurrentRunsExceededException, GetWorkflowRunsCommand, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
import { PublishCommand } from "@aws-sdk/client-sns";
import { handler } from "../../../functions/glue_trigger";
import { BUCKET, CONTEXT, OBJECT, s3Event, s3Record, serviceError, setEnvironment, TABLE, WORKFLOW } from "./fixtures";
import { ACTIVE_RUNS, IDLE_RUNS, useHandlerHarness, workflowIdleThenStarts } from "./harness";

const mocks = useHandlerHarness();
const conditionFailed = () => new ConditionalCheckFailedException({ $metadata: {}, message: "The conditional request failed" });

describe("handler on S3 ObjectCreated", () => {
  it("records the new object as PENDING, starts a run saying what triggered it, and notes the run on the file", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
    workflowIdleThenStarts(mocks.glue, "wr_new");

    // Act
    const result = await handler(s3Event(), CONTEXT);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: "wr_new",
      triggerSource: "s3",
      status: "started",
      message: `Started run wr_new of workflow ${WORKFLOW} for 1 new file.`,
      newFiles: 1,
      resumedFiles: 0,
      duplicateFiles: 0,
      ignoredRecords: 0,
    });
    expect(mocks.dynamodb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: TABLE,
      Item: {
        file_key: { S: OBJECT.fileKey },
        bucket: { S: BUCKET },
        object_key: { S: "fhir/patient/2026-11-22/Patient batch 1.json" },
        status: { S: "PENDING" },
        received_at: { S: "2026-11-22T10:15:00.000Z" },
        version_id: { S: OBJECT.versionId },
        etag: { S: OBJECT.eTag },
        size_bytes: { N: "1024" },
        sequencer: { S: OBJECT.sequencer },
        event_time: { S: OBJECT.eventTime },
      },
      ConditionExpression: "attribute_not_exists(file_key)",
    });
    expect(mocks.glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      Name: WORKFLOW,
      RunProperties: {
        trigger_source: "s3",
        triggered_at: "2026-11-22T10:15:00.000Z",
        trigger_detail: "1 new file",
        trigger_request_id: CONTEXT.awsRequestId,
      },
    });
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: { file_key: { S: OBJECT.fileKey } },
      UpdateExpression: "SET trigger_run_id = :run_id",
      ExpressionAttributeValues: { ":run_id": { S: "wr_new" } },
    });
    expect(mocks.dynamodb).not.toHaveReceivedCommand(QueryCommand);
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it("starts one run for all the new objects of a notification", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
    workflowIdleThenStarts(mocks.glue, "wr_new");

    // Act
    const result = await handler(
      s3Event(s3Record(), s3Record({ key: "fhir/encounter/e1.json" }), s3Record({ key: "fhir/condition/c1.json" })),
    );

    // Assess
    expect(result).toMatchObject({
      status: "started",
      runId: "wr_new",
      newFiles: 3,
      message: `Started run wr_new of workflow ${WORKFLOW} for 3 new files.`,
    });
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(PutItemCommand, 3);
    expect(mocks.glue).toHaveReceivedCommandTimes(StartWorkflowRunCommand, 1);
    expect(mocks.glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      RunProperties: { trigger_source: "s3", triggered_at: "2026-11-22T10:15:00.000Z", trigger_detail: "3 new files" },
    });
  });

  it("adds nothing and starts nothing when the same notification is delivered again", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).rejects(conditionFailed());
    mocks.dynamodb.on(GetItemCommand).resolves({ Item: { status: { S: "PENDING" }, trigger_run_id: { S: "wr_new" } } });

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "s3",
      status: "skipped",
      message: "No new files: 1 already recorded (duplicate notification).",
      newFiles: 0,
      resumedFiles: 0,
      duplicateFiles: 1,
      ignoredRecords: 0,
    });
    expect(mocks.glue.calls()).toHaveLength(0);
    expect(mocks.dynamodb).not.toHaveReceivedCommand(UpdateItemCommand);
  });

  it("finishes the work of an earlier attempt that recorded the file but failed before starting a run", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).rejects(conditionFailed()).on(UpdateItemCommand).resolves({});
    mocks.dynamodb.on(GetItemCommand).resolves({ Item: { status: { S: "PENDING" } } });
    workflowIdleThenStarts(mocks.glue, "wr_retry");

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: "wr_retry",
      triggerSource: "s3",
      status: "started",
      message: `Started run wr_retry of workflow ${WORKFLOW} for 1 new file.`,
      newFiles: 0,
      resumedFiles: 1,
      duplicateFiles: 0,
      ignoredRecords: 0,
    });
  });

  it("marks the new objects WAITING for the active run and starts nothing", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
    mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "s3",
      status: "skipped",
      message: `Run wr_active of workflow ${WORKFLOW} is RUNNING; 1 new file marked WAITING for it.`,
      activeRunId: "wr_active",
      newFiles: 1,
      resumedFiles: 0,
      duplicateFiles: 0,
      ignoredRecords: 0,
    });
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { file_key: { S: OBJECT.fileKey } },
      UpdateExpression: "SET #status = :waiting, waiting_for_run_id = :run_id",
      ConditionExpression: "#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":waiting": { S: "WAITING" },
        ":pending": { S: "PENDING" },
        ":run_id": { S: "wr_active" },
      },
    });
  });

  it("treats losing the start race as a skip: marks the objects WAITING for the winner, no alert", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
    mocks.glue
      .on(GetWorkflowRunsCommand)
      .resolvesOnce(IDLE_RUNS)
      .resolves({ Runs: [{ WorkflowRunId: "wr_winner", Status: "RUNNING" }] })
      .on(StartWorkflowRunCommand)
      .rejects(new ConcurrentRunsExceededException({ $metadata: {}, message: "Concurrent runs exceeded" }));

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "s3",
      status: "skipped",
      message: `Another trigger started a run of workflow ${WORKFLOW} first; 1 new file marked WAITING.`,
      activeRunId: "wr_winner",
      newFiles: 1,
      resumedFiles: 0,
      duplicateFiles: 0,
      ignoredRecords: 0,
    });
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: {
        ":waiting": { S: "WAITING" },
        ":pending": { S: "PENDING" },
        ":run_id": { S: "wr_winner" },
      },
    });
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it("still marks the objects WAITING when the winner of the race cannot be looked up", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
    mocks.glue
      .on(GetWorkflowRunsCommand)
      .resolvesOnce(IDLE_RUNS)
      .rejects(serviceError("ThrottlingException", "Rate exceeded", "client", 400))
      .on(StartWorkflowRunCommand)
      .rejects(new ConcurrentRunsExceededException({ $metadata: {}, message: "Concurrent runs exceeded" }));

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toMatchObject({ status: "skipped", runId: null });
    expect(result).not.toHaveProperty("activeRunId");
    expect(mocks.dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, { UpdateExpression: "SET #status = :waiting" });
    expect(mocks.logs()).toContainEqual(expect.objectContaining({ level: "WARN", message: "Could not find the run that won the race" }));
  });

  it("reports the run it started even when noting trigger_run_id on the files fails", async () => {
    // Prepare
    mocks.dynamodb
      .on(PutItemCommand)
      .resolves({})
      .on(UpdateItemCommand)
      .rejects(serviceError("ThrottlingException", "Rate exceeded", "client", 400));
    workflowIdleThenStarts(mocks.glue, "wr_new");

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toMatchObject({ status: "started", runId: "wr_new" });
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "Could not note trigger_run_id on the files",
        error: expect.objectContaining({ name: "ThrottlingException", message: "Rate exceeded" }),
      }),
    );
  });

  it("ignores records that are not ObjectCreated with a log line, without touching the table or Glue", async () => {
    // Act
    const result = await handler(s3Event(s3Record({ eventName: "ObjectRemoved:Delete" })));

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "s3",
      status: "skipped",
      message: "S3 event carried no ObjectCreated records; nothing recorded.",
      newFiles: 0,
      resumedFiles: 0,
      duplicateFiles: 0,
      ignoredRecords: 1,
    });
    expect(mocks.glue.calls()).toHaveLength(0);
    expect(mocks.dynamodb.calls()).toHaveLength(0);
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        level: "INFO",
        message: "Ignored S3 record",
        recordIndex: 0,
        reason: 'Record 0 is "ObjectRemoved:Delete", not an ObjectCreated event.',
        triggerSource: "s3",
      }),
    );
  });

  it("records the valid objects of a notification and logs the malformed records it ignores", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
    workflowIdleThenStarts(mocks.glue, "wr_new");

    // Act
    const result = await handler(s3Event({ eventSource: "aws:s3", eventName: "ObjectCreated:Put" }, s3Record()));

    // Assess
    expect(result).toMatchObject({ status: "started", newFiles: 1, ignoredRecords: 1 });
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        message: "Ignored S3 record",
        reason: "Record 0 has no s3.bucket.name or s3.object.key.",
      }),
    );
  });

  it("fails with a ConfigurationError naming PROCESSED_FILES_TABLE when it is not set, and alerts", async () => {
    // Prepare
    setEnvironment({ PROCESSED_FILES_TABLE: undefined });
    mocks.sns.on(PublishCommand).resolves({ MessageId: "msg-1" });

    // Act
    const result = await handler(s3Event());

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "s3",
      status: "failed",
      message:
        "ConfigurationError: PROCESSED_FILES_TABLE is not set: set it to the name of the processed-files table (docs/processed-files-table.md).",
      errorName: "ConfigurationError",
    });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(mocks.glue.calls()).toHaveLength(0);
  });
});

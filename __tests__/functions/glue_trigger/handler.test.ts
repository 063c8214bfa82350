import "./environment-at-load";
import { PutItemCommand, QueryCommand, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import {
  AccessDeniedException,
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  GetWorkflowRunsCommand,
  InternalServiceException,
  InvalidInputException,
  StartWorkflowRunCommand,
  ValidationException,
} from "@aws-sdk/client-glue";
import { PublishCommand } from "@aws-sdk/client-sns";
import { handler } from "../../../functions/glue_trigger";
import { CONFIG_VARIABLES } from "../../../functions/glue_trigger/config";
import { logger } from "../../../functions/glue_trigger/logger";
import {
  BUCKET,
  CONTEXT,
  FINAL_JOB,
  glueJobEvent,
  RULE_ARN,
  s3Event,
  scheduleEvent,
  serviceError,
  setEnvironment,
  TOPIC_ARN,
  WORKFLOW,
} from "./fixtures";
import { ACTIVE_RUNS, filesWaiting, IDLE_RUNS, useHandlerHarness, workflowIdleThenStarts } from "./harness";

const mocks = useHandlerHarness();
// Schedule and manual runs start only for pending files: unless a test says otherwise, one is pending.
beforeEach(() => filesWaiting(mocks.dynamodb, "PENDING"));
const metadata = { $metadata: { httpStatusCode: 400 } };

/** The alert the function publishes for a failure, worked out from the test environment: no error message, no object key. */
function expectedAlert(triggerSource: string, errorName: string, extraLines: string[] = []) {
  const workflow = WORKFLOW;
  return {
    TopicArn: TOPIC_ARN,
    Subject: `[MetricCare dev] Glue trigger failed: ${errorName} on ${workflow}`.slice(0, 100),
    Message: [
      "The MetricCare Glue trigger failed with an error that retrying cannot fix. Read the error in the log entry of " +
        "the request below, fix the cause, then start the workflow again: files recorded in the processed-files table " +
        "are picked up by the next run.",
      "",
      "Environment: dev",
      `Workflow: ${workflow}`,
      `Trigger source: ${triggerSource}`,
      `Error: ${errorName}`,
      ...extraLines,
      `Lambda request id: ${CONTEXT.awsRequestId}`,
      `Log group: ${CONTEXT.logGroupName}`,
      "Logs: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fmetriccare-glue-trigger-dev",
    ].join("\n"),
  };
}

describe("handler on a schedule", () => {
  it("starts a run and says which rule fired", async () => {
    // Prepare
    workflowIdleThenStarts(mocks.glue, "wr_nightly");

    // Act
    const result = await handler(scheduleEvent(), CONTEXT);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: "wr_nightly",
      triggerSource: "schedule",
      status: "started",
      message: `Started run wr_nightly of workflow ${WORKFLOW} (schedule ${RULE_ARN}).`,
    });
    expect(mocks.glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      Name: WORKFLOW,
      RunProperties: {
        trigger_source: "schedule",
        triggered_at: "2026-11-22T10:15:00.000Z",
        trigger_detail: `schedule ${RULE_ARN}`,
        trigger_request_id: CONTEXT.awsRequestId,
      },
    });
    expect(mocks.dynamodb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: "status_index",
      KeyConditionExpression: "#status = :status",
      ExpressionAttributeValues: { ":status": { S: "PENDING" } },
      Limit: 1,
    });
  });

  it("starts nothing when no file is PENDING or WAITING, and says so", async () => {
    // Prepare
    filesWaiting(mocks.dynamodb, "none");
    workflowIdleThenStarts(mocks.glue, "wr_idle");

    // Act
    const result = await handler(scheduleEvent(), CONTEXT);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "schedule",
      status: "skipped",
      message: `No files are PENDING or WAITING; not starting a run of workflow ${WORKFLOW} (schedule ${RULE_ARN}). Invoke with {"force": true} to start one anyway.`,
    });
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
    expect(mocks.dynamodb).toHaveReceivedCommandTimes(QueryCommand, 2);
  });

  it("starts a run for a WAITING file", async () => {
    // Prepare
    filesWaiting(mocks.dynamodb, "WAITING");
    workflowIdleThenStarts(mocks.glue, "wr_waiting");

    // Act
    const result = await handler(scheduleEvent(), CONTEXT);

    // Assess
    expect(result).toMatchObject({ status: "started", runId: "wr_waiting" });
  });

  it("does not start another run while one is RUNNING, and names it", async () => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);

    // Act
    const result = await handler(scheduleEvent());

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "schedule",
      status: "skipped",
      message: `Run wr_active of workflow ${WORKFLOW} is RUNNING; not starting another.`,
      activeRunId: "wr_active",
    });
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
  });

  it("does not start another run while one is STOPPING", async () => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves({ Runs: [{ WorkflowRunId: "wr_stopping", Status: "STOPPING" }] });

    // Act
    const result = await handler(scheduleEvent());

    // Assess
    expect(result).toMatchObject({ status: "skipped", activeRunId: "wr_stopping" });
  });
});

describe("handler on a manual invocation", () => {
  it("starts a run for {} from the console or CLI when a file is pending", async () => {
    // Prepare
    workflowIdleThenStarts(mocks.glue, "wr_manual");

    // Act
    const result = await handler({});

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: "wr_manual",
      triggerSource: "manual",
      status: "started",
      message: `Started run wr_manual of workflow ${WORKFLOW} (manual invocation).`,
    });
    expect(mocks.glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, {
      Name: WORKFLOW,
      RunProperties: {
        trigger_source: "manual",
        triggered_at: "2026-11-22T10:15:00.000Z",
        trigger_detail: "manual invocation",
      },
    });
  });

  it("skips {} when nothing is pending", async () => {
    // Prepare
    filesWaiting(mocks.dynamodb, "none");
    workflowIdleThenStarts(mocks.glue, "wr_manual");

    // Act
    const result = await handler({});

    // Assess
    expect(result).toMatchObject({ status: "skipped", runId: null });
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
  });

  it('starts a run for {"force": true} with nothing pending, without reading the table', async () => {
    // Prepare
    filesWaiting(mocks.dynamodb, "none");
    workflowIdleThenStarts(mocks.glue, "wr_forced");

    // Act
    const result = await handler({ force: true });

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: "wr_forced",
      triggerSource: "manual",
      status: "started",
      message: `Started run wr_forced of workflow ${WORKFLOW} (manual invocation (force)).`,
    });
    expect(mocks.dynamodb.calls()).toHaveLength(0);
  });

  it('rejects a "force" that is not true or false, naming the field and the value', async () => {
    // Prepare
    mocks.sns.on(PublishCommand).resolves({ MessageId: "msg-1" });

    // Act
    const result = await handler({ force: "yes" });

    // Assess
    expect(result).toMatchObject({
      status: "failed",
      errorName: "InvalidEventError",
      message: 'InvalidEventError: Manual invocation has "force": "yes"; allowed are true and false.',
    });
    expect(mocks.glue.calls()).toHaveLength(0);
  });

  it("treats ConcurrentRunsExceededException as a skip: no error, no alert", async () => {
    // Prepare
    mocks.glue
      .on(GetWorkflowRunsCommand)
      .resolves(IDLE_RUNS)
      .on(StartWorkflowRunCommand)
      .rejects(new ConcurrentRunsExceededException({ ...metadata, message: "Concurrent runs exceeded" }));

    // Act
    const result = await handler({});

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "manual",
      status: "skipped",
      message: `Another trigger started a run of workflow ${WORKFLOW} first; not starting another.`,
    });
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe("handler on a permanent failure", () => {
  beforeEach(() => {
    mocks.sns.on(PublishCommand).resolves({ MessageId: "msg-1" });
  });

  it.each([
    ["EntityNotFoundException", new EntityNotFoundException({ ...metadata, message: "Entity Not Found" })],
    [
      "AccessDeniedException",
      new AccessDeniedException({ ...metadata, message: "User is not authorized to perform: glue:StartWorkflowRun" }),
    ],
    ["InvalidInputException", new InvalidInputException({ ...metadata, message: "Invalid workflow name" })],
    ["ValidationException", new ValidationException({ ...metadata, message: "1 validation error detected" })],
  ])("publishes exactly one alert and returns failed for Glue %s, without throwing", async (errorName, error) => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves(IDLE_RUNS).on(StartWorkflowRunCommand).rejects(error);

    // Act
    const result = await handler(scheduleEvent(), CONTEXT);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "schedule",
      status: "failed",
      message: `${errorName}: ${error.message}`,
      errorName,
    });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, expectedAlert("schedule", errorName));
  });

  it("alerts a DynamoDB ResourceNotFoundException (the table does not exist) and names the S3 source", async () => {
    // Prepare
    mocks.dynamodb.on(PutItemCommand).rejects(new ResourceNotFoundException({ ...metadata, message: "Requested resource not found" }));

    // Act
    const result = await handler(s3Event(), CONTEXT);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "s3",
      status: "failed",
      message: "ResourceNotFoundException: Requested resource not found",
      errorName: "ResourceNotFoundException",
    });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      ...expectedAlert("s3", "ResourceNotFoundException"),
      Message: expect.stringMatching(
        /\n\nThe S3 event carried 1 object; their keys are in the log entry\. Any that is not in the processed-files table: copy it onto itself to notify again\.$/,
      ),
    });
    const published = String(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);
    expect(published).not.toContain("Patient batch 1");
    expect(published).not.toContain("Requested resource not found");
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "Permanent failure; alerting, not retrying",
        s3Objects: [`s3://${BUCKET}/fhir/patient/2026-11-22/Patient batch 1.json`],
      }),
    );
    expect(mocks.glue.calls()).toHaveLength(0);
  });

  it("names GLUE_WORKFLOW_NAME when it is missing, and alerts", async () => {
    // Prepare
    setEnvironment({ GLUE_WORKFLOW_NAME: undefined });

    // Act
    const result = await handler({}, CONTEXT);

    // Assess
    const message = "GLUE_WORKFLOW_NAME is not set: set it to the name of the Glue workflow to start.";
    expect(result).toStrictEqual({
      workflowName: null,
      runId: null,
      triggerSource: "manual",
      status: "failed",
      message: `ConfigurationError: ${message}`,
      errorName: "ConfigurationError",
    });
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: "[MetricCare dev] Glue trigger failed: ConfigurationError on unknown workflow",
      Message: expect.stringContaining("Workflow: (GLUE_WORKFLOW_NAME unset)\nTrigger source: manual\nError: ConfigurationError\n"),
    });
    expect(mocks.glue.calls()).toHaveLength(0);
  });

  it("answers a Glue event without detail with a clear InvalidEventError, never a TypeError", async () => {
    // Prepare
    const event = { ...glueJobEvent(FINAL_JOB, "SUCCEEDED"), detail: undefined };

    // Act
    const result = await handler(event, CONTEXT);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "glue_run_end",
      status: "failed",
      message: 'InvalidEventError: Glue Job State Change event has no "detail" object.',
      errorName: "InvalidEventError",
    });
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, expectedAlert("glue_run_end", "InvalidEventError"));
  });

  it("returns the failure even when publishing the alert fails, and logs why", async () => {
    // Prepare
    mocks.sns.on(PublishCommand).rejects(serviceError("AuthorizationErrorException", "not authorized to publish", "client", 403));
    mocks.glue.on(GetWorkflowRunsCommand).rejects(new EntityNotFoundException({ ...metadata, message: "Entity Not Found" }));

    // Act
    const result = await handler(scheduleEvent());

    // Assess
    expect(result).toMatchObject({ status: "failed", errorName: "EntityNotFoundException" });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "Could not publish failure alert",
        error: expect.objectContaining({ name: "AuthorizationErrorException" }),
      }),
    );
  });

  it("logs and returns the failure without publishing when ALERTS_TOPIC_ARN is not set", async () => {
    // Prepare
    setEnvironment({ ALERTS_TOPIC_ARN: undefined });

    // Act
    const result = await handler(scheduleEvent());

    // Assess
    expect(result).toMatchObject({
      status: "failed",
      errorName: "ConfigurationError",
      message: "ConfigurationError: ALERTS_TOPIC_ARN is not set: set it to an SNS topic ARN.",
    });
    expect(mocks.sns.calls()).toHaveLength(0);
    expect(mocks.glue.calls()).toHaveLength(0);
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "ALERTS_TOPIC_ARN is not set; no alert published" }),
    );
  });

  it.each(CONFIG_VARIABLES.filter((name) => name !== "ALERTS_TOPIC_ARN"))(
    "fails any trigger, even a forced start, with a ConfigurationError and an alert when %s is not set, before any AWS call",
    async (name) => {
      // Prepare
      setEnvironment({ [name]: undefined });

      // Act
      const result = await handler({ force: true }, CONTEXT);

      // Assess
      expect(result).toMatchObject({ status: "failed", errorName: "ConfigurationError" });
      expect(result.message).toMatch(new RegExp(`^ConfigurationError: ${name} is not set: set it to `));
      expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(mocks.glue.calls()).toHaveLength(0);
      expect(mocks.dynamodb.calls()).toHaveLength(0);
    },
  );
});

describe("handler on a transient failure", () => {
  it.each([
    ["a throttling error", serviceError("ThrottlingException", "Rate exceeded", "client", 400), "throttling"],
    [
      "a Glue InternalServiceException",
      new InternalServiceException({ $metadata: { httpStatusCode: 500 }, message: "Internal error" }),
      "server",
    ],
    ["an HTTP 503", serviceError("ServiceUnavailable", "Service unavailable", "server", 503), "server"],
    ["a timeout", Object.assign(new Error("Connection timed out after 1000 ms"), { name: "TimeoutError" }), "timeout"],
    ["a network error", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }), "network"],
    ["an unclassified error", new Error("Something unexpected"), "unclassified"],
  ])("rethrows %s for Lambda to retry, and publishes no alert", async (_, error, reason) => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves(IDLE_RUNS).on(StartWorkflowRunCommand).rejects(error);

    // Act
    const invoke = handler(scheduleEvent());

    // Assess
    await expect(invoke).rejects.toBe(error);
    expect(mocks.sns.calls()).toHaveLength(0);
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "Transient failure; throwing so that Lambda retries the event",
        reason,
        triggerSource: "schedule",
      }),
    );
  });

  it("rethrows a WorkflowRunError when Glue starts a run without a RunId, with reason invalid_response", async () => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves(IDLE_RUNS).on(StartWorkflowRunCommand).resolves({});

    // Act
    const invoke = handler(scheduleEvent());

    // Assess
    await expect(invoke).rejects.toThrow(`StartWorkflowRun for workflow "${WORKFLOW}" returned no RunId.`);
    expect(mocks.sns.calls()).toHaveLength(0);
    expect(mocks.logs()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "Transient failure; throwing so that Lambda retries the event",
        reason: "invalid_response",
        error: expect.objectContaining({ name: "WorkflowRunError" }),
      }),
    );
  });
});

describe("handler logs", () => {
  it("writes JSON lines with the trigger source, run id, environment and Lambda context", async () => {
    // Prepare
    workflowIdleThenStarts(mocks.glue, "wr_nightly");

    // Act
    const result = await handler(scheduleEvent(), CONTEXT);

    // Assess
    expect(mocks.logs()).toEqual([
      expect.objectContaining({
        level: "INFO",
        message: result.message,
        service: "metriccare-glue-trigger",
        environment: "dev",
        workflowName: WORKFLOW,
        triggerSource: "schedule",
        runId: "wr_nightly",
        function_request_id: CONTEXT.awsRequestId,
        function_name: CONTEXT.functionName,
        result,
      }),
    ]);
  });

  it("does not carry one invocation's keys into the next", async () => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolvesOnce(IDLE_RUNS).resolves(ACTIVE_RUNS);
    mocks.glue.on(StartWorkflowRunCommand).resolves({ RunId: "wr_nightly" });
    await handler(scheduleEvent(), CONTEXT);

    // Act
    await handler({});

    // Assess
    const last = mocks.logs().at(-1);
    expect(last).toMatchObject({ triggerSource: "manual", activeRunId: "wr_active" });
    expect(last).not.toHaveProperty("runId");
  });

  it("keeps routine job state changes at DEBUG, which LOG_LEVEL=DEBUG shows", async () => {
    // Prepare
    mocks.glue.on(GetWorkflowRunsCommand).resolves(ACTIVE_RUNS);
    await handler(glueJobEvent("metriccare_bronze_dev", "SUCCEEDED"));
    const atInfo = mocks.logs();
    logger.setLogLevel("DEBUG");

    // Act
    await handler(glueJobEvent("metriccare_bronze_dev", "SUCCEEDED"));

    // Assess
    logger.setLogLevel("INFO");
    expect(atInfo).toEqual([]);
    expect(mocks.logs()).toEqual([expect.objectContaining({ level: "DEBUG", triggerSource: "glue_run_end", activeRunId: "wr_active" })]);
  });

  it("takes its level from LOG_LEVEL and its service name from POWERTOOLS_SERVICE_NAME", () => {
    // Prepare
    setEnvironment({ LOG_LEVEL: "WARN", POWERTOOLS_SERVICE_NAME: "glue-trigger-test" });
    let fresh: typeof logger | undefined;
    jest.isolateModules(() => {
      fresh = jest.requireActual<typeof import("../../../functions/glue_trigger/logger")>("../../../functions/glue_trigger/logger").logger;
    });

    // Act
    fresh?.info("hidden");
    fresh?.warn("shown");

    // Assess
    expect(fresh?.getLevelName()).toBe("WARN");
    expect(mocks.logs()).toEqual([expect.objectContaining({ level: "WARN", message: "shown", service: "glue-trigger-test" })]);
  });
});

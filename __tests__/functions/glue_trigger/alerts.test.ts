import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import {
  formatAlert,
  formatStuckAlert,
  MAX_SUBJECT_LENGTH,
  publishAlert,
  publishStuckAlert,
  type FailureAlert,
  type StuckAlert,
} from "../../../functions/glue_trigger/alerts";
import { TOPIC_ARN, WORKFLOW } from "./fixtures";

const snsMock = mockClient(SNSClient);

const ALERT: FailureAlert = {
  environment: "dev",
  region: "eu-west-1",
  workflowName: WORKFLOW,
  triggerSource: "s3",
  errorName: "EntityNotFoundException",
  requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  logGroupName: "/aws/lambda/metriccare-glue-trigger-dev",
};

const BODY = [
  "The MetricCare Glue trigger failed with an error that retrying cannot fix. Read the error in the log entry of " +
    "the request below, fix the cause, then start the workflow again: files recorded in the processed-files table " +
    "are picked up by the next run.",
  "",
  "Environment: dev",
  `Workflow: ${WORKFLOW}`,
  "Trigger source: s3",
  "Error: EntityNotFoundException",
];
const LOG_LINES = [
  "Lambda request id: c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  "Log group: /aws/lambda/metriccare-glue-trigger-dev",
  "Logs: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fmetriccare-glue-trigger-dev",
];

const STUCK: StuckAlert = {
  environment: "prod",
  region: "eu-central-1",
  workflowName: "metriccare_etl_workflow_prod",
  runId: "wr_7",
  jobName: "metriccare_bronze_prod",
  jobState: "FAILED",
  jobRunId: "jr_42_attempt_1",
  consecutiveFailedRuns: 3,
};

beforeEach(() => {
  snsMock.reset();
});

describe("formatAlert", () => {
  it("names environment, error and workflow in the subject, and adds source, request and a console link to the logs", () => {
    // Act
    const alert = formatAlert(ALERT);

    // Assess
    expect(alert).toEqual({
      subject: `[MetricCare dev] Glue trigger failed: EntityNotFoundException on ${WORKFLOW}`,
      message: [...BODY, ...LOG_LINES].join("\n"),
    });
  });

  it("says which variables are unset and leaves out what is unknown", () => {
    // Act
    const alert = formatAlert({
      ...ALERT,
      environment: undefined,
      workflowName: undefined,
      requestId: undefined,
      logGroupName: undefined,
    });

    // Assess
    expect(alert.subject).toBe("[MetricCare unknown env] Glue trigger failed: EntityNotFoundException on unknown workflow");
    expect(alert.message).toBe(
      [...BODY.slice(0, 2), "Environment: (ENVIRONMENT unset)", "Workflow: (GLUE_WORKFLOW_NAME unset)", ...BODY.slice(4)].join("\n"),
    );
  });

  it("names the job state change of a run-end event", () => {
    // Act
    const { message } = formatAlert({
      ...ALERT,
      triggerSource: "glue_run_end",
      job: { jobName: "metriccare_gold_dev", state: "FAILED", jobRunId: "jr_1" },
    });

    // Assess
    expect(message).toContain(
      "Error: EntityNotFoundException\nJob: metriccare_gold_dev\nState: FAILED\nJob run id: jr_1\nLambda request id:",
    );
  });

  it("counts the objects of an S3 event without naming them", () => {
    // Act
    const { message } = formatAlert({ ...ALERT, requestId: undefined, logGroupName: undefined, s3ObjectCount: 12 });

    // Assess
    expect(message).toBe(
      [
        ...BODY,
        "",
        "The S3 event carried 12 objects; their keys are in the log entry. Any that is not in the processed-files table: " +
          "copy it onto itself to notify again.",
      ].join("\n"),
    );
  });

  it("keeps the subject within 100 printable ASCII characters", () => {
    // Act
    const { subject } = formatAlert({ ...ALERT, workflowName: `wörkflow_${"x".repeat(120)}\n` });

    // Assess
    expect(MAX_SUBJECT_LENGTH).toBe(100);
    expect(subject).toHaveLength(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toBe(`[MetricCare dev] Glue trigger failed: EntityNotFoundException on w?rkflow_${"x".repeat(23)}...`);
  });
});

describe("formatStuckAlert", () => {
  it("says why nothing runs, what the operator does, and links the workflow and job run", () => {
    // Act
    const alert = formatStuckAlert(STUCK);

    // Assess
    expect(alert).toEqual({
      subject: "[MetricCare prod] Pipeline stuck: 3 failed runs of metriccare_etl_workflow_prod",
      message: [
        "The MetricCare pipeline is stuck: 3 workflow runs in a row failed without processing any file, so the Glue " +
          "trigger started no follow-up run (each would fail the same way and be billed).",
        "Files stay PENDING in the processed-files table; nothing is lost. The next run starts with the schedule, a new " +
          'file, or a manual invocation with {"force": true}.',
        "What to do: open the job run below, read its error in the job's logs, fix the cause, then invoke the trigger " +
          'with {"force": true} (README, "Operations").',
        "",
        "Environment: prod",
        "Workflow: metriccare_etl_workflow_prod",
        "Run id: wr_7",
        "Job: metriccare_bronze_prod",
        "State: FAILED",
        "Job run id: jr_42_attempt_1",
        "Workflow in the console: https://eu-central-1.console.aws.amazon.com/glue/home?region=eu-central-1#/v2/etl-configuration/workflows/view/metriccare_etl_workflow_prod",
        "Job run in the console: https://eu-central-1.console.aws.amazon.com/gluestudio/home?region=eu-central-1#/job/metriccare_bronze_prod/run/jr_42_attempt_1",
      ].join("\n"),
    });
  });

  it("leaves out the links without a region", () => {
    // Act
    const { message } = formatStuckAlert({ ...STUCK, region: undefined, jobRunId: undefined });

    // Assess
    expect(message.endsWith("Job: metriccare_bronze_prod\nState: FAILED")).toBe(true);
  });
});

describe("publishAlert and publishStuckAlert", () => {
  it("publish the formatted alert to the topic and return the message id", async () => {
    // Prepare
    snsMock.on(PublishCommand).resolvesOnce({ MessageId: "msg-1" }).resolves({ MessageId: "msg-2" });

    // Act
    const first = await publishAlert(new SNSClient({ region: "eu-west-1" }), TOPIC_ARN, ALERT);
    const second = await publishStuckAlert(new SNSClient({ region: "eu-west-1" }), TOPIC_ARN, STUCK);

    // Assess
    expect([first, second]).toEqual(["msg-1", "msg-2"]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(snsMock).toHaveReceivedNthCommandWith(1, PublishCommand, { TopicArn: TOPIC_ARN, ...toInput(formatAlert(ALERT)) });
    expect(snsMock).toHaveReceivedNthCommandWith(2, PublishCommand, { TopicArn: TOPIC_ARN, ...toInput(formatStuckAlert(STUCK)) });
  });
});

function toInput(alert: { subject: string; message: string }): { Subject: string; Message: string } {
  return { Subject: alert.subject, Message: alert.message };
}

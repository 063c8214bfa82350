import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import {
  formatAlert,
  MAX_LISTED_OBJECTS,
  MAX_SUBJECT_LENGTH,
  publishAlert,
  type FailureAlert,
} from "../../../functions/glue_trigger/alerts";
import { TOPIC_ARN, WORKFLOW } from "./fixtures";

const snsMock = mockClient(SNSClient);

const ALERT: FailureAlert = {
  environment: "dev",
  workflowName: WORKFLOW,
  triggerSource: "s3",
  errorName: "EntityNotFoundException",
  errorMessage: "Entity Not Found",
  requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  logGroupName: "/aws/lambda/metriccare-glue-trigger-dev",
};

const BODY = [
  "The MetricCare Glue trigger failed with an error that retrying cannot fix. Fix the cause, then start the " +
    "workflow again: files recorded in the processed-files table are picked up by the next run.",
  "",
  "Environment: dev",
  `Workflow: ${WORKFLOW}`,
  "Trigger source: s3",
  "Error: EntityNotFoundException",
  "Message: Entity Not Found",
];

beforeEach(() => {
  snsMock.reset();
});

describe("formatAlert", () => {
  it("names environment, error and workflow in the subject, and adds source, message and logs in the body", () => {
    // Act
    const alert = formatAlert(ALERT);

    // Assess
    expect(alert).toEqual({
      subject: `[MetricCare dev] Glue trigger failed: EntityNotFoundException on ${WORKFLOW}`,
      message: [
        ...BODY,
        "Lambda request id: c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "Log group: /aws/lambda/metriccare-glue-trigger-dev",
      ].join("\n"),
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

  it("lists the objects of an S3 event, at most 10, and how to notify them again", () => {
    // Prepare
    const s3Objects = Array.from({ length: 12 }, (_, i) => `s3://metriccare-raw-dev/fhir/f${i}.json`);

    // Act
    const { message } = formatAlert({ ...ALERT, requestId: undefined, logGroupName: undefined, s3Objects });

    // Assess
    expect(MAX_LISTED_OBJECTS).toBe(10);
    expect(message).toBe(
      [
        ...BODY,
        "",
        "S3 objects in the event (any that is not in the processed-files table: copy it onto itself to notify again):",
        ...s3Objects.slice(0, 10).map((uri) => `- ${uri}`),
        "- ... and 2 more",
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

describe("publishAlert", () => {
  it("publishes the formatted alert to the topic and returns the message id", async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: "msg-1" });

    // Act
    const messageId = await publishAlert(new SNSClient({ region: "eu-west-1" }), TOPIC_ARN, ALERT);

    // Assess
    expect(messageId).toBe("msg-1");
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, ...toInput(formatAlert(ALERT)) });
  });
});

function toInput(alert: { subject: string; message: string }): { Subject: string; Message: string } {
  return { Subject: alert.subject, Message: alert.message };
}

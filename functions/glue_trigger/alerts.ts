import type { SNSClient } from "@aws-sdk/client-sns";
import { PublishCommand } from "./dependencies";
import type { TriggerSource } from "./trigger-source";

/** A permanent failure to report. */
export interface FailureAlert {
  /** @default - the alert says ENVIRONMENT is unset */
  readonly environment: string | undefined;
  /** @default - the alert says GLUE_WORKFLOW_NAME is unset */
  readonly workflowName: string | undefined;
  readonly triggerSource: TriggerSource;
  readonly errorName: string;
  readonly errorMessage: string;
  /** Lambda request id, to find the invocation's logs. @default - not shown */
  readonly requestId: string | undefined;
  /** CloudWatch log group of the function. @default - not shown */
  readonly logGroupName: string | undefined;
  /**
   * `s3://bucket/key` of each object in an S3 event: the failure may have come before they were recorded,
   * and the event is not retried. @default - no objects listed
   */
  readonly s3Objects?: readonly string[];
}

/** An SNS message ready to publish. */
export interface AlertMessage {
  readonly subject: string;
  readonly message: string;
}

/** SNS rejects subjects over 100 characters or with characters outside printable ASCII. */
export const MAX_SUBJECT_LENGTH = 100;

/** Objects listed in one alert; S3 sends one record per notification, so more is rare. */
export const MAX_LISTED_OBJECTS = 10;

/** Words a failure alert: the subject names environment, error and workflow; the body adds source, message and where to look. */
export function formatAlert(alert: FailureAlert): AlertMessage {
  const environment = alert.environment ?? "(ENVIRONMENT unset)";
  const workflowName = alert.workflowName ?? "(GLUE_WORKFLOW_NAME unset)";
  const lines = [
    "The MetricCare Glue trigger failed with an error that retrying cannot fix. Fix the cause, then start the " +
      "workflow again: files recorded in the processed-files table are picked up by the next run.",
    "",
    `Environment: ${environment}`,
    `Workflow: ${workflowName}`,
    `Trigger source: ${alert.triggerSource}`,
    `Error: ${alert.errorName}`,
    `Message: ${alert.errorMessage}`,
  ];
  if (alert.requestId !== undefined) lines.push(`Lambda request id: ${alert.requestId}`);
  if (alert.logGroupName !== undefined) lines.push(`Log group: ${alert.logGroupName}`);
  const objects = alert.s3Objects ?? [];
  if (objects.length > 0) {
    lines.push(
      "",
      "S3 objects in the event (any that is not in the processed-files table: copy it onto itself to notify again):",
      ...objects.slice(0, MAX_LISTED_OBJECTS).map((uri) => `- ${uri}`),
      ...(objects.length > MAX_LISTED_OBJECTS ? [`- ... and ${objects.length - MAX_LISTED_OBJECTS} more`] : []),
    );
  }
  return {
    subject: toSubject(
      `[MetricCare ${alert.environment ?? "unknown env"}] Glue trigger failed: ${alert.errorName} on ${
        alert.workflowName ?? "unknown workflow"
      }`,
    ),
    message: lines.join("\n"),
  };
}

/** Publishes the alert; returns the SNS message id. */
export async function publishAlert(sns: SNSClient, topicArn: string, alert: FailureAlert): Promise<string | undefined> {
  const { subject, message } = formatAlert(alert);
  const response = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
  return response.MessageId;
}

function toSubject(text: string): string {
  const ascii = text
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/\s+/g, " ")
    .trim();
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

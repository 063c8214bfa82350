import type { SNSClient } from "@aws-sdk/client-sns";
import { PublishCommand } from "./dependencies";
import type { TriggerSource } from "./trigger-source";

// Alerts go to e-mail, outside the encrypted logs: they name the job, state, run and where to look, never an
// error message or an object key (those can carry patient data and stay in the function's KMS-encrypted logs).

/** A permanent failure to report. */
export interface FailureAlert {
  /** @default - the alert says ENVIRONMENT is unset */
  readonly environment: string | undefined;
  /** For console links. @default - no link */
  readonly region: string | undefined;
  /** @default - the alert says GLUE_WORKFLOW_NAME is unset */
  readonly workflowName: string | undefined;
  readonly triggerSource: TriggerSource;
  /** The error's class, e.g. `EntityNotFoundException` (its message stays in the logs). */
  readonly errorName: string;
  /** Lambda request id, to find the invocation's logs. @default - not shown */
  readonly requestId: string | undefined;
  /** CloudWatch log group of the function. @default - not shown */
  readonly logGroupName: string | undefined;
  /** Glue run-end events: the job state change that was being handled. @default - not shown */
  readonly job?: { readonly jobName: string; readonly state: string; readonly jobRunId: string | undefined };
  /** S3 events: how many objects the event carried (their keys are in the log entry). @default 0 */
  readonly s3ObjectCount?: number;
}

/** The pipeline is stuck: runs in a row failed without processing any file, and no follow-up was started. */
export interface StuckAlert {
  readonly environment: string;
  /** For console links. @default - no link */
  readonly region: string | undefined;
  readonly workflowName: string;
  /** The last failed workflow run. */
  readonly runId: string;
  readonly jobName: string;
  readonly jobState: string;
  readonly jobRunId: string | undefined;
  readonly consecutiveFailedRuns: number;
}

/** An SNS message ready to publish. */
export interface AlertMessage {
  readonly subject: string;
  readonly message: string;
}

/** SNS rejects subjects over 100 characters or with characters outside printable ASCII. */
export const MAX_SUBJECT_LENGTH = 100;

/** Words a failure alert: the subject names environment, error and workflow; the body adds source, job and where to look. */
export function formatAlert(alert: FailureAlert): AlertMessage {
  const environment = alert.environment ?? "(ENVIRONMENT unset)";
  const workflowName = alert.workflowName ?? "(GLUE_WORKFLOW_NAME unset)";
  const lines = [
    "The MetricCare Glue trigger failed with an error that retrying cannot fix. Read the error in the log entry of " +
      "the request below, fix the cause, then start the workflow again: files recorded in the processed-files table " +
      "are picked up by the next run.",
    "",
    `Environment: ${environment}`,
    `Workflow: ${workflowName}`,
    `Trigger source: ${alert.triggerSource}`,
    `Error: ${alert.errorName}`,
  ];
  if (alert.job !== undefined) {
    lines.push(`Job: ${alert.job.jobName}`, `State: ${alert.job.state}`);
    if (alert.job.jobRunId !== undefined) lines.push(`Job run id: ${alert.job.jobRunId}`);
  }
  if (alert.requestId !== undefined) lines.push(`Lambda request id: ${alert.requestId}`);
  if (alert.logGroupName !== undefined) {
    lines.push(`Log group: ${alert.logGroupName}`);
    if (alert.region !== undefined) lines.push(`Logs: ${logGroupConsoleUrl(alert.region, alert.logGroupName)}`);
  }
  const objects = alert.s3ObjectCount ?? 0;
  if (objects > 0) {
    lines.push(
      "",
      `The S3 event carried ${objects} ${objects === 1 ? "object" : "objects"}; their keys are in the log entry. Any that is ` +
        "not in the processed-files table: copy it onto itself to notify again.",
    );
  }
  return {
    subject: toSubject(
      `[MetricCare ${alert.environment ?? "unknown env"}] Glue trigger failed: ${alert.errorName} on ${alert.workflowName ?? "unknown workflow"}`,
    ),
    message: lines.join("\n"),
  };
}

/** Words the one alert of a stuck pipeline: what stopped, why, and what the operator does. */
export function formatStuckAlert(alert: StuckAlert): AlertMessage {
  const lines = [
    `The MetricCare pipeline is stuck: ${alert.consecutiveFailedRuns} workflow runs in a row failed without processing any ` +
      "file, so the Glue trigger started no follow-up run (each would fail the same way and be billed).",
    "Files stay PENDING in the processed-files table; nothing is lost. The next run starts with the schedule, a new " +
      'file, or a manual invocation with {"force": true}.',
    "What to do: open the job run below, read its error in the job's logs, fix the cause, then invoke the trigger " +
      'with {"force": true} (README, "Operations").',
    "",
    `Environment: ${alert.environment}`,
    `Workflow: ${alert.workflowName}`,
    `Run id: ${alert.runId}`,
    `Job: ${alert.jobName}`,
    `State: ${alert.jobState}`,
  ];
  if (alert.jobRunId !== undefined) lines.push(`Job run id: ${alert.jobRunId}`);
  if (alert.region !== undefined) {
    lines.push(`Workflow in the console: ${workflowConsoleUrl(alert.region, alert.workflowName)}`);
    if (alert.jobRunId !== undefined)
      lines.push(`Job run in the console: ${jobRunConsoleUrl(alert.region, alert.jobName, alert.jobRunId)}`);
  }
  return {
    subject: toSubject(
      `[MetricCare ${alert.environment}] Pipeline stuck: ${alert.consecutiveFailedRuns} failed runs of ${alert.workflowName}`,
    ),
    message: lines.join("\n"),
  };
}

/** Publishes the alert; returns the SNS message id. */
export async function publishAlert(sns: SNSClient, topicArn: string, alert: FailureAlert): Promise<string | undefined> {
  return publish(sns, topicArn, formatAlert(alert));
}

/** Publishes the stuck alert; returns the SNS message id. */
export async function publishStuckAlert(sns: SNSClient, topicArn: string, alert: StuckAlert): Promise<string | undefined> {
  return publish(sns, topicArn, formatStuckAlert(alert));
}

/** The Glue console page of a workflow (its runs and their graphs). */
export function workflowConsoleUrl(region: string, workflowName: string): string {
  return `https://${region}.console.aws.amazon.com/glue/home?region=${region}#/v2/etl-configuration/workflows/view/${encodeURIComponent(workflowName)}`;
}

/** The Glue Studio page of one job run (state, error, logs). */
export function jobRunConsoleUrl(region: string, jobName: string, jobRunId: string): string {
  return `https://${region}.console.aws.amazon.com/gluestudio/home?region=${region}#/job/${encodeURIComponent(jobName)}/run/${encodeURIComponent(jobRunId)}`;
}

/** The CloudWatch console page of a log group; the console's fragment escapes "/" as "$252F". */
export function logGroupConsoleUrl(region: string, logGroupName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${logGroupName.replace(/\//g, "$252F")}`;
}

async function publish(sns: SNSClient, topicArn: string, { subject, message }: AlertMessage): Promise<string | undefined> {
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

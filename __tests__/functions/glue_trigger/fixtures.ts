// Events, environment and SDK errors shared by the Glue-trigger tests.
import type { S3ObjectNotice } from "../../../functions/glue_trigger/s3-records";

export const NOW = new Date("2026-11-22T10:15:00.000Z");
export const WORKFLOW = "metriccare_etl_workflow_dev";
export const FIRST_JOB = "metriccare_bronze_dev";
export const FINAL_JOB = "metriccare_gold_dev";
export const METRICS_NAMESPACE = "metriccare/dev";
export const TABLE = "metriccare_processed_files_dev";
export const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:metriccare-alerts-dev";
export const RULE_ARN = "arn:aws:events:eu-west-1:123456789012:rule/metriccare-nightly-dev";
export const BUCKET = "metriccare-raw-dev";

/** The variables the stack sets, with fake credentials and no real endpoint. */
export function testEnvironment(): Record<string, string> {
  return {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
    AWS_SECRET_ACCESS_KEY: "fake-secret",
    GLUE_WORKFLOW_NAME: WORKFLOW,
    GLUE_FIRST_JOB_NAME: FIRST_JOB,
    GLUE_FINAL_JOB_NAME: FINAL_JOB,
    ALERTS_TOPIC_ARN: TOPIC_ARN,
    PROCESSED_FILES_TABLE: TABLE,
    PROCESSED_FILES_STATUS_INDEX: "status_index",
    ENVIRONMENT: "dev",
    METRICS_NAMESPACE,
    MAX_CONSECUTIVE_FAILED_RUNS: "3",
    GLUE_MAX_RETRIES: "0",
    // No wait for a finishing run: a test says when Glue reports it over.
    RUN_END_WAIT_SECONDS: "0",
    LOG_LEVEL: "INFO",
    POWERTOOLS_SERVICE_NAME: "metriccare-glue-trigger",
  };
}

const VARIABLES = [
  ...Object.keys(testEnvironment()),
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_GLUE",
  "AWS_ENDPOINT_URL_SNS",
  "AWS_ENDPOINT_URL_DYNAMODB",
  "AWS_ENDPOINT_URL_CLOUDWATCH",
];

/** Replaces the variables the function reads with {@link testEnvironment} plus `overrides` (`undefined` deletes). */
export function setEnvironment(overrides: Record<string, string | undefined> = {}): void {
  for (const name of VARIABLES) {
    delete process.env[name];
  }
  for (const [name, value] of Object.entries({ ...testEnvironment(), ...overrides })) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
}

/** The first object used in S3 tests: its key has a `+` (space) and a `%20` in the event. */
export const OBJECT = {
  encodedKey: "fhir/patient/2026-11-22/Patient+batch%201.json",
  key: "fhir/patient/2026-11-22/Patient batch 1.json",
  versionId: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
  eTag: "d41d8cd98f00b204e9800998ecf8427e",
  sequencer: "0055AED6DCD90281E5",
  size: 1024,
  eventTime: "2026-11-22T10:14:59.000Z",
  fileKey: `s3://${BUCKET}/fhir/patient/2026-11-22/Patient batch 1.json#3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY`,
};

/** {@link OBJECT} as the function describes it after reading its S3 record. */
export const OBJECT_NOTICE: S3ObjectNotice = {
  fileKey: OBJECT.fileKey,
  bucket: BUCKET,
  objectKey: OBJECT.key,
  versionId: OBJECT.versionId,
  eTag: OBJECT.eTag,
  sizeBytes: OBJECT.size,
  sequencer: OBJECT.sequencer,
  eventTime: OBJECT.eventTime,
};

export interface S3RecordOptions {
  readonly key?: string;
  readonly eventName?: string;
  readonly versionId?: string;
  readonly eTag?: string;
  readonly sequencer?: string;
}

/** One S3 notification record as S3 sends it to Lambda. */
export function s3Record(options: S3RecordOptions = {}): Record<string, unknown> {
  const object: Record<string, unknown> = { key: options.key ?? OBJECT.encodedKey, size: OBJECT.size };
  const versionId = "versionId" in options ? options.versionId : OBJECT.versionId;
  const eTag = "eTag" in options ? options.eTag : OBJECT.eTag;
  const sequencer = "sequencer" in options ? options.sequencer : OBJECT.sequencer;
  if (versionId !== undefined) object.versionId = versionId;
  if (eTag !== undefined) object.eTag = eTag;
  if (sequencer !== undefined) object.sequencer = sequencer;
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "eu-west-1",
    eventTime: OBJECT.eventTime,
    eventName: options.eventName ?? "ObjectCreated:Put",
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "raw-object-created",
      bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
      object,
    },
  };
}

export function s3Event(...records: unknown[]): Record<string, unknown> {
  return { Records: records.length === 0 ? [s3Record()] : records };
}

export function scheduleEvent(): Record<string, unknown> {
  return {
    version: "0",
    id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: "2026-11-22T10:15:00Z",
    region: "eu-west-1",
    resources: [RULE_ARN],
    detail: {},
  };
}

/** A Glue Job State Change event; `time` is when the job reached `state`. */
export function glueJobEvent(jobName: string, state: string, time = "2026-11-22T10:14:00Z"): Record<string, unknown> {
  return {
    version: "0",
    id: "abcdef00-1234-5678-9abc-def012345678",
    "detail-type": "Glue Job State Change",
    source: "aws.glue",
    account: "123456789012",
    time,
    region: "eu-west-1",
    resources: [],
    detail: {
      jobName,
      severity: state === "SUCCEEDED" ? "INFO" : "ERROR",
      state,
      jobRunId: "jr_0123",
      message: "Job run finished",
    },
  };
}

/** An error shaped like an SDK service error: `name`, `$fault` and `$metadata.httpStatusCode`. */
export function serviceError(name: string, message: string, fault: "client" | "server", httpStatusCode: number): Error {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode } });
}

/** A Lambda context with the fields the function reads. */
export const CONTEXT = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "metriccare-glue-trigger-dev",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:metriccare-glue-trigger-dev",
  memoryLimitInMB: "256",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  logGroupName: "/aws/lambda/metriccare-glue-trigger-dev",
  logStreamName: "2026/11/22/[$LATEST]abcdef",
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

// Mocks, clock and log capture shared by the handler tests.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { GetWorkflowRunsCommand, GlueClient, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { NOW, OBJECT, setEnvironment } from "./fixtures";

export const IDLE_RUNS = {
  Runs: [{ WorkflowRunId: "wr_previous", Status: "COMPLETED" as const, StartedOn: new Date("2026-11-22T08:00:00Z") }],
};
export const ACTIVE_RUN_STARTED = new Date("2026-11-22T09:00:00Z");
export const ACTIVE_RUNS = {
  Runs: [{ WorkflowRunId: "wr_active", Status: "RUNNING" as const, StartedOn: ACTIVE_RUN_STARTED }],
};

/** Glue reports no active run of the workflow and starts the next one as `runId`. */
export function workflowIdleThenStarts(glue: AwsClientStub<GlueClient>, runId: string): void {
  glue.on(GetWorkflowRunsCommand).resolves(IDLE_RUNS).on(StartWorkflowRunCommand).resolves({ RunId: runId });
}

/** The status index holds `status` files (OBJECT's key), or none; queries with a `received_at` bound see them too. */
export function filesWaiting(dynamodb: AwsClientStub<DynamoDBClient>, status: "PENDING" | "WAITING" | "none"): void {
  const items = (wanted: string) => ({ Items: status === wanted ? [{ file_key: { S: OBJECT.fileKey } }] : [] });
  dynamodb
    .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "PENDING" } } })
    .resolves(items("PENDING"))
    .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "WAITING" } } })
    .resolves(items("WAITING"));
}

export interface Harness {
  readonly glue: AwsClientStub<GlueClient>;
  readonly sns: AwsClientStub<SNSClient>;
  readonly dynamodb: AwsClientStub<DynamoDBClient>;
  readonly cloudwatch: AwsClientStub<CloudWatchClient>;
  /** Log lines written since the test began, parsed from JSON. */
  logs(): Record<string, unknown>[];
}

/** Registers hooks that reset the SDK mocks and the environment, fix the clock at {@link NOW} and capture logs. */
export function useHandlerHarness(): Harness {
  const glue = mockClient(GlueClient);
  const sns = mockClient(SNSClient);
  const dynamodb = mockClient(DynamoDBClient);
  const cloudwatch = mockClient(CloudWatchClient);
  let written: string[] = [];

  beforeEach(() => {
    glue.reset();
    sns.reset();
    dynamodb.reset();
    cloudwatch.reset();
    setEnvironment();
    jest.useFakeTimers({
      now: NOW,
      doNotFake: [
        "nextTick",
        "setImmediate",
        "clearImmediate",
        "setInterval",
        "clearInterval",
        "setTimeout",
        "clearTimeout",
        "queueMicrotask",
        "hrtime",
        "performance",
      ],
    });
    written = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    };
    jest.spyOn(process.stdout, "write").mockImplementation(capture);
    jest.spyOn(process.stderr, "write").mockImplementation(capture);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  return {
    glue,
    sns,
    dynamodb,
    cloudwatch,
    logs: () =>
      written
        .join("")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

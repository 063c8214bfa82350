// Builds the real bundle and runs it in child Node processes against a fake Glue, a fake SNS and dynalite.
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { unzipSync } from "fflate";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { extractZip } from "../../../packaging/extract-zip";
import { bundleFunction, type FunctionBundle } from "../../../packaging/bundle-function";
import { close, listen, startFakeGlue, startFakeSns, type FakeGlue, type FakeSns } from "./fake-aws";
import { BUCKET, FINAL_JOB, glueJobEvent, s3Event, s3Record, TABLE, testEnvironment, TOPIC_ARN, WORKFLOW } from "./fixtures";

jest.setTimeout(30_000);

const ENTRY = "functions/glue_trigger/index.ts";
const ZIP_BUDGET_BYTES = 160 * 1024;
const KEY_A = "fhir/patient/a.json";
const KEY_B = "fhir/patient/b.json";
const FILE_A = `s3://${BUCKET}/${KEY_A}#a-v1`;
const FILE_B = `s3://${BUCKET}/${KEY_B}#b-v1`;

interface Outcome {
  readonly returned?: Record<string, unknown>;
  readonly thrown?: { name: string; message: string };
}

type DynaliteServer = Server;
// dynalite ships no types: it returns an http.Server serving the DynamoDB API from memory.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped CommonJS package
const dynalite: (options: Record<string, number>) => DynaliteServer = require("dynalite");

let workDir: string;
let bundle: FunctionBundle;
let bundlePath: string;
let glue: FakeGlue;
let sns: FakeSns;
let dynamoServer: DynaliteServer;
let dynamoEndpoint: string;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "glue-trigger-it-"));
  bundle = await bundleFunction({ entry: ENTRY, zipPath: join(workDir, "first", "glue_trigger.zip") });
  // Extracted whole, as Lambda does: index.mjs loads its chunks from chunks/ beside it.
  extractZip(bundle.zipPath, join(workDir, "task"));
  bundlePath = join(workDir, "task", "index.mjs");

  [glue, sns] = await Promise.all([startFakeGlue(), startFakeSns()]);
  dynamoServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  dynamoEndpoint = await listen(dynamoServer);
  dynamodb = new DynamoDBClient({
    endpoint: dynamoEndpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret" },
  });
  // The table and GSI of docs/processed-files-table.md.
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "file_key", AttributeType: "S" },
        { AttributeName: "status", AttributeType: "S" },
        { AttributeName: "received_at", AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: "file_key", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: "status_index",
          KeySchema: [
            { AttributeName: "status", KeyType: "HASH" },
            { AttributeName: "received_at", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
});

afterAll(async () => {
  dynamodb?.destroy();
  await Promise.all([glue?.close(), sns?.close(), dynamoServer && close(dynamoServer)]);
  rmSync(workDir, { recursive: true, force: true });
});

/** Log lines the bundle wrote to stdout in the last {@link invokeBundle}. */
let logLines: string[] = [];

/** Invokes the bundle in a fresh `node` process, once per event, and returns what each invocation returned or threw. */
async function invokeBundle(...events: unknown[]): Promise<Outcome[]> {
  const eventsPath = join(workDir, "events.json");
  const outcomesPath = join(workDir, "outcomes.json");
  writeFileSync(eventsPath, JSON.stringify(events));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, "..", "..", "support", "run-bundle.mjs"), bundlePath, eventsPath, outcomesPath],
    {
      env: {
        PATH: process.env.PATH,
        ...testEnvironment(),
        AWS_ENDPOINT_URL_GLUE: glue.endpoint,
        AWS_ENDPOINT_URL_SNS: sns.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
        // One attempt: the SDK's own back-off would only slow the throttling case down.
        AWS_MAX_ATTEMPTS: "1",
        AWS_CONFIG_FILE: join(workDir, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(workDir, "no-credentials"),
        LOG_LEVEL: "INFO",
      },
    },
  );
  logLines = stdout.split("\n").filter((line) => line !== "");
  return JSON.parse(readFileSync(outcomesPath, "utf8"));
}

async function fileItem(fileKey: string): Promise<Record<string, AttributeValue> | undefined> {
  return (await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { file_key: { S: fileKey } }, ConsistentRead: true }))).Item;
}

/** What the Bronze job does when it finishes a file. */
async function markProcessed(fileKey: string): Promise<void> {
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { file_key: { S: fileKey } },
      UpdateExpression: "SET #status = :processed",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":processed": { S: "PROCESSED" } },
    }),
  );
}

function glueCalls(): string[] {
  return glue.requests.map((request) => request.target);
}

describe("the glue_trigger bundle", () => {
  it("is byte-identical across two builds and within the ZIP budget", async () => {
    // Act
    const second = await bundleFunction({ entry: ENTRY, zipPath: join(workDir, "second", "glue_trigger.zip") });

    // Assess
    expect(readFileSync(second.zipPath).equals(readFileSync(bundle.zipPath))).toBe(true);
    expect(second.sha256Hex).toBe(bundle.sha256Hex);
    expect(second.sha256Base64).toBe(bundle.sha256Base64);
    const entries = Object.keys(unzipSync(readFileSync(second.zipPath)));
    expect(entries.slice(-2)).toEqual(["dependencies.mjs", "index.mjs"]);
    expect(entries.slice(0, -2).every((name) => /^chunks\/[\w-]+-[A-Z0-9]{8}\.mjs$/.test(name))).toBe(true);
    expect(entries).toEqual([...entries].sort());
    expect(bundle.zipBytes).toBeLessThanOrEqual(ZIP_BUDGET_BYTES);
  });

  // The scenarios run in order against one table and one workflow, as a day of uploads would.
  describe("against local Glue, SNS and DynamoDB", () => {
    it("records a new S3 object as PENDING and starts a run", async () => {
      // Act
      const [outcome] = await invokeBundle(s3Event(s3Record({ key: KEY_A, versionId: "a-v1" })));

      // Assess
      expect(outcome).toEqual({
        returned: {
          workflowName: WORKFLOW,
          runId: "wr_1",
          triggerSource: "s3",
          status: "started",
          message: `Started run wr_1 of workflow ${WORKFLOW} for 1 new file.`,
          newFiles: 1,
          resumedFiles: 0,
          duplicateFiles: 0,
          ignoredRecords: 0,
        },
      });
      expect(glueCalls()).toEqual(["GetWorkflowRuns", "StartWorkflowRun"]);
      expect(logLines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({
          level: "INFO",
          triggerSource: "s3",
          runId: "wr_1",
          function_request_id: "it-request-1",
        }),
      ]);
      expect(glue.requests[1]?.body).toEqual({
        Name: WORKFLOW,
        RunProperties: {
          trigger_source: "s3",
          triggered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          trigger_detail: "1 new file",
          trigger_request_id: "it-request-1",
        },
      });
      expect(await fileItem(FILE_A)).toEqual(
        expect.objectContaining({
          file_key: { S: FILE_A },
          bucket: { S: BUCKET },
          object_key: { S: KEY_A },
          status: { S: "PENDING" },
          trigger_run_id: { S: "wr_1" },
        }),
      );
    });

    it("adds nothing and starts nothing when the same notification is delivered again", async () => {
      // Prepare
      glue.requests.length = 0;

      // Act
      const [outcome] = await invokeBundle(s3Event(s3Record({ key: KEY_A, versionId: "a-v1" })));

      // Assess
      expect(outcome?.returned).toMatchObject({
        status: "skipped",
        duplicateFiles: 1,
        message: "No new files: 1 already recorded (duplicate notification).",
      });
      expect(glueCalls()).toEqual([]);
      expect((await dynamodb.send(new ScanCommand({ TableName: TABLE }))).Count).toBe(1);
    });

    it("marks an object that arrives during the run WAITING for it", async () => {
      // Prepare
      glue.requests.length = 0;

      // Act
      const [outcome] = await invokeBundle(s3Event(s3Record({ key: KEY_B, versionId: "b-v1" })));

      // Assess
      expect(outcome?.returned).toMatchObject({ status: "skipped", activeRunId: "wr_1", newFiles: 1 });
      expect(glueCalls()).toEqual(["GetWorkflowRuns"]);
      expect(await fileItem(FILE_B)).toEqual(expect.objectContaining({ status: { S: "WAITING" }, waiting_for_run_id: { S: "wr_1" } }));
    });

    it("retries a run-end event while Glue still reports the run RUNNING, then starts one follow-up run", async () => {
      // Prepare: the Bronze job of wr_1 processed A; B arrived too late for it.
      await markProcessed(FILE_A);
      const runEnd = glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date(Date.now() + 1000).toISOString());
      glue.requests.length = 0;

      // Act
      const [whileFinishing] = await invokeBundle(runEnd);
      const firstRun = glue.runs[0];
      if (firstRun !== undefined) firstRun.Status = "COMPLETED";
      const [retried] = await invokeBundle(runEnd);

      // Assess
      expect(whileFinishing?.thrown).toEqual({
        name: "RunStillFinishingError",
        message: `Run wr_1 of workflow ${WORKFLOW} is still RUNNING after job ${FINAL_JOB} SUCCEEDED ended it; retrying until Glue reports it finished.`,
      });
      expect(retried?.returned).toEqual({
        workflowName: WORKFLOW,
        runId: "wr_2",
        triggerSource: "glue_run_end",
        status: "started",
        message: `Started follow-up run wr_2 of workflow ${WORKFLOW}: files are waiting after job ${FINAL_JOB} SUCCEEDED (e.g. ${FILE_B}).`,
      });
      expect(glueCalls()).toEqual(["GetWorkflowRuns", "GetWorkflowRuns", "StartWorkflowRun"]);
    });

    it("starts no follow-up run when the run ends with nothing waiting", async () => {
      // Prepare
      await markProcessed(FILE_B);
      const secondRun = glue.runs[0];
      if (secondRun !== undefined) secondRun.Status = "COMPLETED";
      glue.requests.length = 0;

      // Act
      const [outcome] = await invokeBundle(glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date().toISOString()));

      // Assess
      expect(outcome?.returned).toMatchObject({ status: "skipped", runId: null });
      expect(glueCalls()).toEqual([]);
    });

    it("throws a throttling error for Lambda to retry, and the retry finishes the job", async () => {
      // Prepare
      glue.failNext("StartWorkflowRun", { type: "ThrottlingException", message: "Rate exceeded" });
      const event = s3Event(s3Record({ key: "fhir/encounter/c.json", versionId: "c-v1" }));

      // Act
      const [throttled, retried] = await invokeBundle(event, event);

      // Assess
      expect(throttled).toEqual({ thrown: { name: "ThrottlingException", message: "Rate exceeded" } });
      expect(retried?.returned).toMatchObject({ status: "started", runId: "wr_3", newFiles: 0, resumedFiles: 1 });
      expect(sns.published).toEqual([]);
    });

    it("publishes one alert and returns failed when the workflow does not exist", async () => {
      // Prepare
      glue.failNext("GetWorkflowRuns", { type: "EntityNotFoundException", message: "Workflow not found" });

      // Act
      const [outcome] = await invokeBundle({});

      // Assess
      expect(outcome?.returned).toEqual({
        workflowName: WORKFLOW,
        runId: null,
        triggerSource: "manual",
        status: "failed",
        message: "EntityNotFoundException: Workflow not found",
        errorName: "EntityNotFoundException",
      });
      expect(sns.published).toHaveLength(1);
      expect(sns.published[0]).toMatchObject({
        Action: "Publish",
        TopicArn: TOPIC_ARN,
        Subject: `[MetricCare dev] Glue trigger failed: EntityNotFoundException on ${WORKFLOW}`,
        Message: expect.stringContaining("Trigger source: manual\nError: EntityNotFoundException\nMessage: Workflow not found"),
      });
    });
  });
});

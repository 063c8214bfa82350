// The built glue_trigger bundle, run in child Node processes as Lambda would, against moto (DynamoDB, SNS, SQS,
// CloudWatch and the Glue calls moto answers) and, for the workflow-run branches moto cannot reach, the fake Glue of fake-aws.ts.
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bundleFunction, type FunctionBundle } from "../../../packaging/bundle-function";
import { extractZip } from "../../../packaging/extract-zip";
import { startMotoServer, type MotoServer } from "../../../toolchain/moto/moto-server";
import { CallLog } from "../../support/journeys/record";
import type { RecordedCall } from "../../support/journeys/recorded-calls";
import { startFakeGlue, type FakeGlue } from "./fake-aws";
import { TABLE, testEnvironment } from "./fixtures";

export const ENTRY = "functions/glue_trigger/index.ts";
const ROOT = join(__dirname, "..", "..", "..");
const REGION = "eu-west-1";
const CREDENTIALS = { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret" };
/** The function's own credentials, so that its calls stand apart from the harness's in moto's record. */
export const FUNCTION_ACCESS_KEY_ID = "AKIAGLUETRIGGERFUNCT";

/** What one invocation returned or threw. */
export interface Outcome {
  readonly returned?: Record<string, unknown>;
  readonly thrown?: { name: string; message: string };
}

/** A published alert, as SNS delivered it to the test's queue. */
export interface DeliveredAlert {
  readonly Subject: string;
  readonly Message: string;
}

export interface BundleHarness {
  readonly bundle: FunctionBundle;
  readonly workDir: string;
  readonly moto: MotoServer;
  readonly glue: FakeGlue;
  readonly dynamodb: DynamoDBClient;
  readonly topicArn: string;
  /** Log lines the bundle wrote in the last {@link BundleHarness.invoke}. */
  logLines(): string[];
  /**
   * Invokes the bundle in a fresh `node` process, once per event (one warm container), with the test
   * environment plus `env`; Glue goes to the fake unless `glue: "moto"`.
   */
  invoke(events: readonly unknown[], options?: { env?: Record<string, string>; glue?: "fake" | "moto" }): Promise<Outcome[]>;
  /** Alerts published since the last call, read from an SQS queue subscribed to the topic. */
  takeAlerts(): Promise<DeliveredAlert[]>;
  fileItem(fileKey: string): Promise<Record<string, AttributeValue> | undefined>;
  /** What the Bronze job does when it finishes a file. */
  markProcessed(fileKey: string): Promise<void>;
  /** Applies one update expression to a file's item (`#status` stands for `status`). */
  update(fileKey: string, expression: string, values: Record<string, AttributeValue>): Promise<unknown>;
  /** The values CloudWatch holds in `namespace` over the last two hours, per metric: each minute's `stat`, oldest first. */
  metrics(namespace: string, stat?: "Maximum" | "Minimum"): Promise<Record<string, number[]>>;
  /** Sets an item's `received_at`, e.g. to before the run that failed to claim it. */
  setReceivedAt(fileKey: string, receivedAt: Date): Promise<void>;
  putItem(item: Record<string, AttributeValue>): Promise<void>;
  /** Empties the table and the fake Glue's runs and requests. */
  reset(): Promise<void>;
  /** Every AWS call the bundle made so far: moto's record of its credentials, and the fake Glue's requests. */
  functionCalls(): RecordedCall[];
  close(): Promise<void>;
}

/** Builds the bundle, starts moto and the fake Glue, creates the table of docs/processed-files-table.md, the topic and its queue. */
export async function startBundleHarness(): Promise<BundleHarness> {
  const workDir = mkdtempSync(join(tmpdir(), "glue-trigger-bundle-"));
  const bundle = await bundleFunction({ entry: ENTRY, zipPath: join(workDir, "first", "glue_trigger.zip") });
  // Extracted whole, as Lambda does: index.mjs loads its chunks from chunks/ beside it.
  extractZip(bundle.zipPath, join(workDir, "task"));
  const bundlePath = join(workDir, "task", "index.mjs");
  const recordFile = join(workDir, "calls.jsonl");
  const [moto, glue] = await Promise.all([startMotoServer(ROOT, { recordFile }), startFakeGlue()]);
  const log = new CallLog(recordFile);
  const functionCalls: RecordedCall[] = [];
  const clientConfig = { endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS };
  const dynamodb = new DynamoDBClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const cloudwatch = new CloudWatchClient(clientConfig);
  const sqs = (target: string, body: Record<string, unknown>) => sqsCall(moto.endpoint, target, body);
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
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: "metriccare-alerts-dev" }))).TopicArn ?? "";
  const queueUrl = String((await sqs("CreateQueue", { QueueName: "alerts-seen-by-test" })).QueueUrl);
  const attributes = (await sqs("GetQueueAttributes", { QueueUrl: queueUrl, AttributeNames: ["QueueArn"] })).Attributes as Record<
    string,
    string
  >;
  const queueArn = attributes.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));

  let lines: string[] = [];
  const update = (fileKey: string, expression: string, values: Record<string, AttributeValue>) =>
    dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { file_key: { S: fileKey } },
        UpdateExpression: expression,
        ExpressionAttributeNames: expression.includes("#status") ? { "#status": "status" } : undefined,
        ExpressionAttributeValues: values,
      }),
    );

  return {
    bundle,
    workDir,
    moto,
    glue,
    dynamodb,
    topicArn,
    logLines: () => lines,
    async invoke(events, options = {}) {
      const eventsPath = join(workDir, "events.json");
      const outcomesPath = join(workDir, "outcomes.json");
      writeFileSync(eventsPath, JSON.stringify(events));
      log.take();
      const glueBefore = glue.requests.length;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(__dirname, "..", "..", "support", "run-bundle.mjs"), bundlePath, eventsPath, outcomesPath],
        {
          env: {
            PATH: process.env.PATH,
            ...testEnvironment(),
            AWS_ACCESS_KEY_ID: FUNCTION_ACCESS_KEY_ID,
            ALERTS_TOPIC_ARN: topicArn,
            AWS_ENDPOINT_URL_GLUE: options.glue === "moto" ? moto.endpoint : glue.endpoint,
            AWS_ENDPOINT_URL_SNS: moto.endpoint,
            AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
            AWS_ENDPOINT_URL_CLOUDWATCH: moto.endpoint,
            // One attempt: the SDK's own back-off would only slow the throttling case down.
            AWS_MAX_ATTEMPTS: "1",
            AWS_CONFIG_FILE: join(workDir, "no-config"),
            AWS_SHARED_CREDENTIALS_FILE: join(workDir, "no-credentials"),
            ...options.env,
          },
        },
      );
      lines = stdout.split("\n").filter((line) => line !== "");
      functionCalls.push(...log.take().filter((call) => call.accessKeyId === FUNCTION_ACCESS_KEY_ID));
      functionCalls.push(
        ...glue.requests.slice(glueBefore).map(({ target, body }): RecordedCall => ({
          actor: null,
          accessKeyId: FUNCTION_ACCESS_KEY_ID,
          service: "glue",
          operation: target,
          method: "POST",
          params: Object.fromEntries(
            Object.entries(body)
              .filter(([, v]) => typeof v === "string" || typeof v === "number")
              .map(([k, v]) => [k, String(v)]),
          ),
          headers: {},
          status: null,
        })),
      );
      return JSON.parse(readFileSync(outcomesPath, "utf8")) as Outcome[];
    },
    async takeAlerts() {
      const alerts: DeliveredAlert[] = [];
      for (;;) {
        const received = await sqs("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
        const messages = (received.Messages ?? []) as { Body: string; ReceiptHandle: string }[];
        if (messages.length === 0) return alerts;
        for (const message of messages) {
          // SNS delivers to SQS in its JSON envelope: Subject and Message are fields of the body.
          const envelope = JSON.parse(message.Body) as DeliveredAlert;
          alerts.push({ Subject: envelope.Subject, Message: envelope.Message });
          await sqs("DeleteMessage", { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle });
        }
      }
    },
    async fileItem(fileKey) {
      return (await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { file_key: { S: fileKey } }, ConsistentRead: true }))).Item;
    },
    async markProcessed(fileKey) {
      await update(fileKey, "SET #status = :processed", { ":processed": { S: "PROCESSED" } });
    },
    update,
    async metrics(namespace, stat = "Maximum") {
      const { Metrics } = await cloudwatch.send(new ListMetricsCommand({ Namespace: namespace }));
      const names = [...new Set((Metrics ?? []).map((metric) => String(metric.MetricName)))];
      const end = new Date(Date.now() + 5 * 60_000);
      const { MetricDataResults } = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - 2 * 3_600_000),
          EndTime: end,
          ScanBy: "TimestampAscending",
          MetricDataQueries: names.map((name, index) => ({
            Id: `m${index}`,
            Label: name,
            MetricStat: { Metric: { Namespace: namespace, MetricName: name }, Period: 60, Stat: stat },
          })),
        }),
      );
      return Object.fromEntries((MetricDataResults ?? []).map((result) => [String(result.Label), result.Values ?? []]));
    },
    async setReceivedAt(fileKey, receivedAt) {
      await update(fileKey, "SET received_at = :at", { ":at": { S: receivedAt.toISOString() } });
    },
    async putItem(item) {
      await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    },
    async reset() {
      const { Items } = await dynamodb.send(new ScanCommand({ TableName: TABLE, ProjectionExpression: "file_key" }));
      for (const item of Items ?? []) {
        await dynamodb.send(new DeleteItemCommand({ TableName: TABLE, Key: { file_key: item.file_key ?? { S: "" } } }));
      }
      glue.runs.length = 0;
      glue.requests.length = 0;
      glue.jobRunAttempts.clear();
    },
    functionCalls: () => [...functionCalls],
    async close() {
      dynamodb.destroy();
      sns.destroy();
      cloudwatch.destroy();
      await Promise.all([glue.close(), moto.stop()]);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

// The SQS JSON protocol by hand: the test reads the alerts queue with three calls, not worth an SDK client.
// moto reads the region from the credential scope and does not check the signature.
async function sqsCall(endpoint: string, target: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `AmazonSQS.${target}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/20261203/${REGION}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${target} answered ${response.status}: ${text}`);
  return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
}

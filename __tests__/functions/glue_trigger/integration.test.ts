// Builds the real bundle and runs it in child Node processes against moto (DynamoDB, SNS, and the Glue calls moto
// answers) and the fake Glue of fake-aws.ts for the workflow-run branches moto cannot reach.
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateJobCommand, CreateWorkflowCommand, GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { unzipSync } from "fflate";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFunction } from "../../../packaging/bundle-function";
import { WorkspacePolicies } from "../../support/iam/workspace-policies";
import { DEPLOYER, JOURNEY_ACCOUNT, journeyConfig } from "../../support/journeys/journey-config";
import { saveRecording } from "../../support/journeys/record";
import type { RecordedCall } from "../../support/journeys/recorded-calls";
import { buildMetricCareStack } from "../../support/metriccare-stack";
import { ENTRY, startBundleHarness, type BundleHarness } from "./bundle-harness";
import { BUCKET, FINAL_JOB, glueJobEvent, s3Event, s3Record, TABLE, WORKFLOW } from "./fixtures";

jest.setTimeout(60_000);

const ZIP_BUDGET_BYTES = 160 * 1024;
const KEY_A = "fhir/patient/a.json";
const KEY_B = "fhir/patient/b.json";
const FILE_A = `s3://${BUCKET}/${KEY_A}#a-v1`;
const FILE_B = `s3://${BUCKET}/${KEY_B}#b-v1`;

let it_: BundleHarness;

beforeAll(async () => {
  it_ = await startBundleHarness();
});

afterAll(async () => {
  if (it_) saveTriggerJourney(it_.functionCalls());
  await it_?.close();
}, 60_000);

/**
 * The bundle's calls of all the scenarios below, for the access journeys (__tests__/journeys/): named
 * for the journeys' stack in dev, whose resources this harness's stand in for.
 */
function saveTriggerJourney(calls: readonly RecordedCall[]): void {
  const config = journeyConfig();
  const { json } = buildMetricCareStack({ config });
  const dev = new WorkspacePolicies(json, { workspace: "dev", accountId: JOURNEY_ACCOUNT, deployerRoleArn: DEPLOYER });
  const name = (type: string, path: string, attribute = "name"): string => String(dev.resourceAt(type, `/${path}`)?.[attribute]);
  const renames: Record<string, string> = {
    [it_.topicArn]: name("aws_sns_topic", "alerts/topic", "arn"),
    [TABLE]: name("aws_dynamodb_table", "processed_files/table"),
    [WORKFLOW]: name("aws_glue_workflow", "etl_workflow/workflow"),
    ...Object.fromEntries(
      ["bronze", "silver", "gold"].map((layer) => [`metriccare_${layer}_dev`, name("aws_glue_job", `${layer}_job/job`)]),
    ),
  };
  saveRecording({
    journey: "trigger",
    description: "the built glue_trigger bundle in the integration scenarios (moto's DynamoDB, SNS and Glue, and the fake Glue)",
    workspace: "dev",
    accountId: JOURNEY_ACCOUNT,
    region: config.awsRegion,
    keys: {},
    renames,
    stack: json,
    calls: calls.map((call) => ({ ...call, actor: "trigger" })),
  });
}

function glueCalls(): string[] {
  return it_.glue.requests.map((request) => request.target);
}

describe("the glue_trigger bundle", () => {
  it("is byte-identical across two builds and within the ZIP budget", async () => {
    // Act
    const second = await bundleFunction({ entry: ENTRY, zipPath: join(it_.workDir, "second", "glue_trigger.zip") });

    // Assess
    expect(readFileSync(second.zipPath).equals(readFileSync(it_.bundle.zipPath))).toBe(true);
    expect(second.sha256Hex).toBe(it_.bundle.sha256Hex);
    expect(second.sha256Base64).toBe(it_.bundle.sha256Base64);
    const entries = Object.keys(unzipSync(readFileSync(second.zipPath)));
    expect(entries.slice(-2)).toEqual(["dependencies.mjs", "index.mjs"]);
    expect(entries.slice(0, -2).every((name) => /^chunks\/[\w-]+-[A-Z0-9]{8}\.mjs$/.test(name))).toBe(true);
    expect(entries).toEqual([...entries].sort());
    expect(it_.bundle.zipBytes).toBeLessThanOrEqual(ZIP_BUDGET_BYTES);
  });

  // The scenarios run in order against one table and one workflow, as a day of uploads would.
  describe("against moto's DynamoDB and SNS and the fake Glue", () => {
    it("records a new S3 object as PENDING and starts a run", async () => {
      // Act
      const [outcome] = await it_.invoke([s3Event(s3Record({ key: KEY_A, versionId: "a-v1" }))]);

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
      expect(it_.logLines().map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: "INFO", triggerSource: "s3", runId: "wr_1", function_request_id: "it-request-1" }),
      ]);
      expect(it_.glue.requests[1]?.body).toEqual({
        Name: WORKFLOW,
        RunProperties: {
          trigger_source: "s3",
          triggered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          trigger_detail: "1 new file",
          trigger_request_id: "it-request-1",
        },
      });
      expect(await it_.fileItem(FILE_A)).toEqual(
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
      it_.glue.requests.length = 0;

      // Act
      const [outcome] = await it_.invoke([s3Event(s3Record({ key: KEY_A, versionId: "a-v1" }))]);

      // Assess
      expect(outcome?.returned).toMatchObject({
        status: "skipped",
        duplicateFiles: 1,
        message: "No new files: 1 already recorded (duplicate notification).",
      });
      expect(glueCalls()).toEqual([]);
      expect((await it_.dynamodb.send(new ScanCommand({ TableName: TABLE }))).Count).toBe(1);
    });

    it("marks an object that arrives during the run WAITING for it", async () => {
      // Prepare
      it_.glue.requests.length = 0;

      // Act
      const [outcome] = await it_.invoke([s3Event(s3Record({ key: KEY_B, versionId: "b-v1" }))]);

      // Assess
      expect(outcome?.returned).toMatchObject({ status: "skipped", activeRunId: "wr_1", newFiles: 1 });
      expect(glueCalls()).toEqual(["GetWorkflowRuns"]);
      expect(await it_.fileItem(FILE_B)).toEqual(expect.objectContaining({ status: { S: "WAITING" }, waiting_for_run_id: { S: "wr_1" } }));
    });

    it("retries a run-end event while Glue still reports the run RUNNING, then starts one follow-up run", async () => {
      // Prepare: the Bronze job of wr_1 processed A; B arrived too late for it.
      await it_.markProcessed(FILE_A);
      const runEnd = glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date(Date.now() + 1000).toISOString());
      it_.glue.requests.length = 0;

      // Act
      const [whileFinishing] = await it_.invoke([runEnd]);
      const firstRun = it_.glue.runs[0];
      if (firstRun !== undefined) firstRun.Status = "COMPLETED";
      const [retried] = await it_.invoke([runEnd]);

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
        message: `Started follow-up run wr_2 of workflow ${WORKFLOW}: files are waiting after job ${FINAL_JOB} SUCCEEDED.`,
      });
      expect(glueCalls()).toEqual(["GetWorkflowRuns", "GetWorkflowRuns", "StartWorkflowRun"]);
    });

    it("starts no follow-up run when the run ends with nothing waiting", async () => {
      // Prepare
      await it_.markProcessed(FILE_B);
      const secondRun = it_.glue.runs[0];
      if (secondRun !== undefined) secondRun.Status = "COMPLETED";
      it_.glue.requests.length = 0;

      // Act
      const [outcome] = await it_.invoke([glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date().toISOString())]);

      // Assess
      expect(outcome?.returned).toMatchObject({ status: "skipped", runId: null });
      expect(glueCalls()).toEqual(["GetWorkflowRuns"]);
    });

    it("throws a throttling error for Lambda to retry, and the retry finishes the job", async () => {
      // Prepare
      it_.glue.failNext("StartWorkflowRun", { type: "ThrottlingException", message: "Rate exceeded" });
      const event = s3Event(s3Record({ key: "fhir/encounter/c.json", versionId: "c-v1" }));

      // Act
      const [throttled, retried] = await it_.invoke([event, event]);

      // Assess
      expect(throttled).toEqual({ thrown: { name: "ThrottlingException", message: "Rate exceeded" } });
      expect(retried?.returned).toMatchObject({ status: "started", runId: "wr_3", newFiles: 0, resumedFiles: 1 });
      expect(await it_.takeAlerts()).toEqual([]);
    });

    it("publishes one alert without the error text and returns failed when the workflow does not exist", async () => {
      // Prepare
      it_.glue.failNext("GetWorkflowRuns", { type: "EntityNotFoundException", message: "Workflow not found" });

      // Act
      const [outcome] = await it_.invoke([{ force: true }]);

      // Assess
      expect(outcome?.returned).toEqual({
        workflowName: WORKFLOW,
        runId: null,
        triggerSource: "manual",
        status: "failed",
        message: "EntityNotFoundException: Workflow not found",
        errorName: "EntityNotFoundException",
      });
      const alerts = await it_.takeAlerts();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.Subject).toBe(`[MetricCare dev] Glue trigger failed: EntityNotFoundException on ${WORKFLOW}`);
      expect(alerts[0]?.Message).toContain("Trigger source: manual\nError: EntityNotFoundException\nLambda request id: it-request-1");
      expect(alerts[0]?.Message).not.toContain("Workflow not found");
    });
  });

  // The calls moto 5.2.5 answers as Glue does: StartWorkflowRun, GetWorkflowRuns (a run it starts stays RUNNING)
  // and GetJobRun (Attempt 0).
  describe("against moto's Glue", () => {
    const glue = () =>
      new GlueClient({
        endpoint: it_.moto.endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret" },
      });

    beforeAll(async () => {
      await it_.reset();
      const client = glue();
      await client.send(new CreateWorkflowCommand({ Name: WORKFLOW, MaxConcurrentRuns: 1 }));
      client.destroy();
    });

    it("starts a run for a new file, marks the next one WAITING for it, and skips the schedule while it runs", async () => {
      // Act
      const [first, second, scheduled] = await it_.invoke(
        [
          s3Event(s3Record({ key: KEY_A, versionId: "a-v2" })),
          s3Event(s3Record({ key: KEY_B, versionId: "b-v2" })),
          { source: "aws.events", "detail-type": "Scheduled Event", resources: [] },
        ],
        { glue: "moto" },
      );

      // Assess
      const runId = String(first?.returned?.runId);
      expect(first?.returned).toMatchObject({ status: "started", runId: expect.stringMatching(/^wr_[0-9a-f]+$/) });
      expect(second?.returned).toMatchObject({ status: "skipped", activeRunId: runId });
      expect(scheduled?.returned).toMatchObject({ status: "skipped", activeRunId: runId });
      expect(await it_.fileItem(`s3://${BUCKET}/${KEY_A}#a-v2`)).toEqual(expect.objectContaining({ trigger_run_id: { S: runId } }));
      expect(await it_.fileItem(`s3://${BUCKET}/${KEY_B}#b-v2`)).toEqual(
        expect.objectContaining({ status: { S: "WAITING" }, waiting_for_run_id: { S: runId } }),
      );
    });

    it("reads a failed job run's attempt with GetJobRun and does not take attempt 0 of 1 retry for the run's end", async () => {
      // Prepare
      const client = glue();
      await client.send(
        new CreateJobCommand({ Name: "metriccare_bronze_dev", Role: "arn:aws:iam::123456789012:role/glue", Command: { Name: "glueetl" } }),
      );
      const { JobRunId } = await client.send(new StartJobRunCommand({ JobName: "metriccare_bronze_dev" }));
      client.destroy();
      const failed = glueJobEvent("metriccare_bronze_dev", "FAILED", new Date().toISOString());
      (failed.detail as Record<string, unknown>).jobRunId = JobRunId;

      // Act
      const [outcome] = await it_.invoke([failed], { glue: "moto", env: { GLUE_MAX_RETRIES: "1" } });

      // Assess
      expect(outcome?.returned).toMatchObject({
        status: "skipped",
        message: "Attempt 0 of job metriccare_bronze_dev FAILED failed and Glue retries it (max_retries 1); not the end of the run.",
      });
    });
  });

  // The freshness check as its rule invokes it: moto's DynamoDB holds the files and the state item, and moto's
  // CloudWatch stores what the bundle's real SDK client published.
  describe("freshness check against moto's DynamoDB and CloudWatch", () => {
    const minutesAgo = (now: number, minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const file = (name: string, status: string, receivedAt: string) => ({
      file_key: { S: `s3://${BUCKET}/fhir/${name}.json#v1` },
      status: { S: status },
      received_at: { S: receivedAt },
    });

    beforeAll(async () => {
      await it_.reset();
    });

    it("publishes the waiting file's age, Gold's lag since Bronze's success and the newest file's age, as CloudWatch stores them", async () => {
      // Prepare: a PENDING file from 40 min ago, a PROCESSED one from 10 min ago; Bronze succeeded 25 min ago.
      const now = Date.now();
      await it_.putItem(file("waiting", "PENDING", minutesAgo(now, 40)));
      await it_.putItem(file("landed", "PROCESSED", minutesAgo(now, 10)));
      const [bronze] = await it_.invoke([glueJobEvent("metriccare_bronze_dev", "SUCCEEDED", minutesAgo(now, 25))]);

      // Act
      const [outcome] = await it_.invoke([{ check: "freshness" }]);

      // Assess
      expect(bronze?.returned).toMatchObject({ triggerSource: "glue_run_end" });
      const freshness = outcome?.returned?.freshness as Record<string, number>;
      expect(outcome?.returned).toMatchObject({ triggerSource: "freshness_check", status: "checked" });
      // The invocations take seconds: each age is its hand value plus at most a few tenths.
      expect(freshness.oldestWaitingFile).toBeGreaterThanOrEqual(40);
      expect(freshness.oldestWaitingFile).toBeLessThan(41);
      expect(freshness.goldBehind).toBeGreaterThanOrEqual(25);
      expect(freshness.goldBehind).toBeLessThan(26);
      expect(freshness.sinceNewestFile).toBeGreaterThanOrEqual(10);
      expect(freshness.sinceNewestFile).toBeLessThan(11);
      expect(await it_.metrics("metriccare/dev")).toEqual({
        OldestWaitingFileMinutes: [freshness.oldestWaitingFile],
        GoldBehindMinutes: [freshness.goldBehind],
        MinutesSinceNewestFile: [freshness.sinceNewestFile],
      });
    });

    it("publishes Gold current once the final job succeeds after Bronze, and 0 minutes of waiting once the file is claimed", async () => {
      // Prepare
      await it_.update(`s3://${BUCKET}/fhir/waiting.json#v1`, "SET #status = :s", { ":s": { S: "IN_PROGRESS" } });
      await it_.invoke([glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date().toISOString())]);

      // Act
      const [outcome] = await it_.invoke([{ check: "freshness" }]);

      // Assess
      expect(outcome?.returned).toMatchObject({ status: "checked", freshness: { oldestWaitingFile: 0, goldBehind: 0 } });
      // The two checks may share a minute: its Minimum is the later 0 either way.
      const stored = await it_.metrics("metriccare/dev", "Minimum");
      expect(stored.OldestWaitingFileMinutes?.at(-1)).toBe(0);
      expect(stored.GoldBehindMinutes?.at(-1)).toBe(0);
    });
  });
});

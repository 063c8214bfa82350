// The orchestration rules of issue 13, black-box: the built bundle in child Node processes against moto's
// DynamoDB and SNS and the fake Glue (fake-aws.ts: run ends and attempts, which moto cannot model).
import { startBundleHarness, type BundleHarness, type Outcome } from "./bundle-harness";
import { BUCKET, FINAL_JOB, glueJobEvent, s3Event, s3Record, scheduleEvent, WORKFLOW } from "./fixtures";

jest.setTimeout(120_000);

const BRONZE = "metriccare_bronze_dev";
const FILE_A = { key: "fhir/patient/a.json", versionId: "a-v1" };
const FILE_B = { key: "fhir/patient/b.json", versionId: "b-v1" };
const fileKey = (file: { key: string; versionId: string }) => `s3://${BUCKET}/${file.key}#${file.versionId}`;

let h: BundleHarness;

beforeAll(async () => {
  h = await startBundleHarness();
});

afterAll(async () => {
  await h?.close();
});

beforeEach(async () => {
  await h.reset();
  await h.takeAlerts();
});

/** Invokes one event; when it throws, Lambda's asynchronous invocation retries it up to twice. */
async function invokeWithRetries(
  event: unknown,
  env?: Record<string, string>,
): Promise<{ outcomes: Outcome[]; retry: () => Promise<void> }> {
  const outcomes = await h.invoke([event], { env });
  return {
    outcomes,
    retry: async () => {
      while (outcomes.at(-1)?.thrown !== undefined && outcomes.length < 3) {
        outcomes.push(...(await h.invoke([event], { env })));
      }
    },
  };
}

function runIds(): string[] {
  return h.glue.runs.map((run) => run.WorkflowRunId).reverse();
}

function completeRun(runId: string): void {
  const run = h.glue.runs.find((candidate) => candidate.WorkflowRunId === runId);
  if (run === undefined) throw new Error(`No run ${runId} in the fake Glue.`);
  run.Status = "COMPLETED";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("no stranded file", () => {
  // E: the final job's end event reaches the Lambda; G: Glue reports the run over; F: a new file's notification.
  const orders = [
    ["E", "G", "F"],
    ["E", "F", "G"],
    ["G", "E", "F"],
    ["G", "F", "E"],
    ["F", "E", "G"],
    ["F", "G", "E"],
  ] as const;

  it.each(orders)("gives the new file exactly one follow-up run when the events arrive in the order %s %s %s", async (...order) => {
    // Prepare: run 1 started for A, and its Bronze job processed A.
    const [started] = await h.invoke([s3Event(s3Record(FILE_A))]);
    const firstRun = String(started?.returned?.runId);
    await h.markProcessed(fileKey(FILE_A));
    await sleep(20);
    const finalJobEnded = glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date().toISOString());
    const retries: (() => Promise<void>)[] = [];
    const delivered: Outcome[][] = [];

    // Act
    for (const step of order) {
      if (step === "G") {
        completeRun(firstRun);
        continue;
      }
      const { outcomes, retry } = await invokeWithRetries(step === "E" ? finalJobEnded : s3Event(s3Record(FILE_B)));
      delivered.push(outcomes);
      retries.push(retry);
    }
    for (const retry of retries) await retry();

    // Assess
    const [, followUp, ...more] = runIds();
    expect(followUp).toMatch(/^wr_\d+$/);
    expect(more).toEqual([]);
    // Every event was handled in the end: none would reach the on-failure queue.
    expect(delivered.map((outcomes) => outcomes.at(-1)?.thrown)).toEqual([undefined, undefined]);
    const b = await h.fileItem(fileKey(FILE_B));
    expect(b?.status?.S).toMatch(/^(PENDING|WAITING)$/);
    // Either B's notification started the follow-up, or B waited for run 1 and the run end started it.
    expect(b?.trigger_run_id?.S ?? b?.waiting_for_run_id?.S).toBe(b?.trigger_run_id === undefined ? firstRun : followUp);
    const followUpProperties = h.glue.runs.find((run) => run.WorkflowRunId === followUp)?.WorkflowRunProperties as Record<string, string>;
    expect(followUpProperties.trigger_source).toBe(b?.trigger_run_id === undefined ? "glue_run_end" : "s3");
  });

  it("waits within the invocation (RUN_END_WAIT_SECONDS) for Glue to report the run over, without a Lambda retry", async () => {
    // Prepare
    const [started] = await h.invoke([s3Event(s3Record(FILE_A))]);
    const firstRun = String(started?.returned?.runId);
    await h.invoke([s3Event(s3Record(FILE_B))]);
    await h.markProcessed(fileKey(FILE_A));
    const finalJobEnded = glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date().toISOString());

    // Act
    const invocation = h.invoke([finalJobEnded], { env: { RUN_END_WAIT_SECONDS: "10" } });
    await sleep(1500);
    completeRun(firstRun);
    const [outcome] = await invocation;

    // Assess
    expect(outcome?.returned).toMatchObject({ status: "started", triggerSource: "glue_run_end" });
    expect(runIds()).toHaveLength(2);
  });
});

describe("the schedule as a safety net", () => {
  it("skips a scheduled run when no file is PENDING or WAITING, and a manual force still starts one", async () => {
    // Prepare: yesterday's file is done.
    await h.invoke([s3Event(s3Record(FILE_A))]);
    completeRun(String(h.glue.runs[0]?.WorkflowRunId));
    await h.markProcessed(fileKey(FILE_A));
    h.glue.requests.length = 0;

    // Act
    const [scheduled, forced] = await h.invoke([scheduleEvent(), { force: true }]);

    // Assess
    expect(scheduled?.returned).toMatchObject({
      status: "skipped",
      runId: null,
      message: expect.stringMatching(/^No files are PENDING or WAITING; not starting a run of workflow /),
    });
    expect(forced?.returned).toMatchObject({ status: "started", triggerSource: "manual" });
    expect(h.glue.requests.filter((request) => request.target === "StartWorkflowRun")).toHaveLength(1);
  });

  it("starts a scheduled run for a file left PENDING", async () => {
    // Prepare: the file was recorded, but starting its run failed for good (e.g. the workflow was being replaced).
    h.glue.failNext("GetWorkflowRuns", { type: "EntityNotFoundException", message: "Workflow not found" });
    await h.invoke([s3Event(s3Record(FILE_A))]);
    await h.takeAlerts();

    // Act
    const [scheduled] = await h.invoke([scheduleEvent()]);

    // Assess
    expect(scheduled?.returned).toMatchObject({ status: "started", triggerSource: "schedule" });
  });
});

describe("no failure loop", () => {
  const env = { MAX_CONSECUTIVE_FAILED_RUNS: "3" };

  /** Glue reports the latest run over after its Bronze job failed before claiming any file; the Lambda hears of it. */
  async function bronzeFails(jobRunId: string): Promise<Outcome | undefined> {
    const latest = String(h.glue.runs[0]?.WorkflowRunId);
    completeRun(latest);
    const event = glueJobEvent(BRONZE, "FAILED", new Date().toISOString());
    (event.detail as Record<string, unknown>).jobRunId = jobRunId;
    const [outcome] = await h.invoke([event], { env });
    return outcome;
  }

  it("stops after 3 runs failed without processing a file, alerts once, and waits for the schedule, a new file or force", async () => {
    // Prepare
    await h.invoke([s3Event(s3Record(FILE_A))], { env });
    await sleep(10);

    // Act
    const first = await bronzeFails("jr_1");
    await sleep(10);
    const second = await bronzeFails("jr_2");
    await sleep(10);
    const third = await bronzeFails("jr_3");
    const [redelivered] = await h.invoke([glueJobEvent(BRONZE, "FAILED", new Date().toISOString())], { env });
    const alertsAtStuck = await h.takeAlerts();
    const runsAtStuck = runIds().length;
    const [scheduled] = await h.invoke([scheduleEvent()], { env });
    await sleep(10);
    const fourth = await bronzeFails("jr_4");
    const [newFile] = await h.invoke([s3Event(s3Record(FILE_B))], { env });

    // Assess
    expect([first?.returned?.status, second?.returned?.status]).toEqual(["started", "started"]);
    expect(third?.returned).toMatchObject({
      status: "skipped",
      message: expect.stringMatching(
        /^Pipeline stuck: 3 runs in a row failed without processing any file \(last wr_\d+, job metriccare_bronze_dev FAILED\)/,
      ),
    });
    expect(redelivered?.returned).toMatchObject({ status: "skipped", message: expect.stringMatching(/^Pipeline stuck: 3 runs/) });
    expect(runsAtStuck).toBe(3);
    expect(runIds()).toHaveLength(5);
    expect(alertsAtStuck).toHaveLength(1);
    const [alert] = alertsAtStuck;
    expect(alert?.Subject).toBe(`[MetricCare dev] Pipeline stuck: 3 failed runs of ${WORKFLOW}`);
    expect(alert?.Message).toContain(
      `Environment: dev\nWorkflow: ${WORKFLOW}\nRun id: ${runIds()[2]}\nJob: ${BRONZE}\nState: FAILED\nJob run id: jr_3\n`,
    );
    expect(alert?.Message).toContain(
      "Job run in the console: https://eu-west-1.console.aws.amazon.com/gluestudio/home?region=eu-west-1#/job/metriccare_bronze_dev/run/jr_3",
    );
    expect(alert?.Message).not.toContain(FILE_A.key);
    expect(scheduled?.returned).toMatchObject({ status: "started", triggerSource: "schedule" });
    expect(fourth?.returned).toMatchObject({ status: "skipped", message: expect.stringMatching(/^Pipeline stuck: 4 runs/) });
    expect(newFile?.returned).toMatchObject({ status: "started", triggerSource: "s3", newFiles: 1 });
    expect(await h.takeAlerts()).toEqual([]);
    expect(await h.fileItem(`pipeline_state#${WORKFLOW}`)).toEqual(
      expect.objectContaining({ consecutive_failed_runs: { N: "4" }, stuck_alerted_run_id: { S: runIds()[2] } }),
    );
  });

  it("counts again from 0 after a run that did its work", async () => {
    // Prepare: two failed runs, then a forced run that processes the file.
    await h.invoke([s3Event(s3Record(FILE_A))], { env });
    await sleep(10);
    await bronzeFails("jr_1");
    await sleep(10);
    await bronzeFails("jr_2");
    await h.markProcessed(fileKey(FILE_A));
    completeRun(String(h.glue.runs[0]?.WorkflowRunId));

    // Act
    const [succeeded] = await h.invoke([glueJobEvent(FINAL_JOB, "SUCCEEDED", new Date().toISOString())], { env });

    // Assess
    expect(succeeded?.returned).toMatchObject({
      status: "skipped",
      message: `No files are waiting after job ${FINAL_JOB} SUCCEEDED; no follow-up run.`,
    });
    const state = await h.fileItem(`pipeline_state#${WORKFLOW}`);
    expect(state?.consecutive_failed_runs).toEqual({ N: "0" });
    expect(state?.last_failed_run_id).toBeUndefined();
  });
});

describe("Glue retries", () => {
  it("does not take a retried attempt's failure for the run's end, and follows up after the last attempt", async () => {
    // Prepare: max_retries 1; attempt 0 fails while Glue keeps the run RUNNING for the retry.
    const env = { GLUE_MAX_RETRIES: "1" };
    await h.invoke([s3Event(s3Record(FILE_A))], { env });
    await sleep(10);
    const firstAttempt = glueJobEvent(BRONZE, "FAILED", new Date().toISOString());
    h.glue.jobRunAttempts.set("jr_0123_attempt_1", 1);

    // Act
    const [retried] = await h.invoke([firstAttempt], { env });
    completeRun(String(h.glue.runs[0]?.WorkflowRunId));
    const lastAttempt = glueJobEvent(BRONZE, "FAILED", new Date().toISOString());
    (lastAttempt.detail as Record<string, unknown>).jobRunId = "jr_0123_attempt_1";
    const [ended] = await h.invoke([lastAttempt], { env });

    // Assess
    expect(retried).toEqual({
      returned: {
        workflowName: WORKFLOW,
        runId: null,
        triggerSource: "glue_run_end",
        status: "skipped",
        message: `Attempt 0 of job ${BRONZE} FAILED failed and Glue retries it (max_retries 1); not the end of the run.`,
        activeRunId: runIds()[0],
      },
    });
    expect(ended?.returned).toMatchObject({ status: "started", triggerSource: "glue_run_end" });
    expect(h.glue.requests.filter((request) => request.target === "GetJobRun").map((request) => request.body.RunId)).toEqual([
      "jr_0123",
      "jr_0123_attempt_1",
    ]);
  });
});

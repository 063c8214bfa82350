// A stand-in for the Glue workflow-run and job-run API (JSON 1.1 protocol) for the bundle's black-box tests
// (bundle-harness.ts).
// It models what the AWS Glue API reference documents for GetWorkflowRuns, StartWorkflowRun (a workflow with
// MaxConcurrentRuns = 1 refuses a second run with ConcurrentRunsExceededException) and GetJobRun (`Attempt`: 0
// for the first attempt, 1 for the first retry). moto 5.2.5, which the tests use for DynamoDB, SNS and the
// Glue calls it can answer, cannot reach these branches: its workflow runs stay RUNNING for ever
// (moto/glue/models.py FakeWorkflowRun; StopWorkflowRun changes nothing), StartWorkflowRun ignores
// MaxConcurrentRuns, and GetJobRun always answers Attempt 0. The run ends, races and retries are those branches.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** A workflow run as GetWorkflowRuns returns it; `StartedOn` in epoch seconds, as the JSON protocol encodes timestamps. */
export interface FakeWorkflowRun {
  WorkflowRunId: string;
  Status: "RUNNING" | "COMPLETED" | "STOPPING" | "STOPPED" | "ERROR";
  StartedOn: number;
  /** As the start request sent them. */
  WorkflowRunProperties?: unknown;
}

/** A Glue error to answer with, as `{"__type": ..., "message": ...}`. */
export interface FakeError {
  readonly type: string;
  readonly message: string;
  /** @default 400 */
  readonly status?: number;
}

export interface FakeGlue {
  readonly endpoint: string;
  /** Every request: `X-Amz-Target` without the `AWSGlue.` prefix, and the JSON body. */
  readonly requests: { target: string; body: Record<string, unknown> }[];
  /** Runs, newest first. StartWorkflowRun adds a RUNNING one, or answers ConcurrentRunsExceededException. */
  readonly runs: FakeWorkflowRun[];
  /** GetJobRun answers: `Attempt` by job run id (absent: 0). */
  readonly jobRunAttempts: Map<string, number>;
  /** Answers the next call of `target` with an error instead. */
  failNext(target: "GetWorkflowRuns" | "StartWorkflowRun" | "GetJobRun", error: FakeError): void;
  close(): Promise<void>;
}

/** A Glue endpoint with one workflow, max_concurrent_runs = 1. */
export async function startFakeGlue(): Promise<FakeGlue> {
  const requests: FakeGlue["requests"] = [];
  const runs: FakeWorkflowRun[] = [];
  const failures = new Map<string, FakeError>();
  const jobRunAttempts = new Map<string, number>();
  let runCount = 0;
  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const target = String(request.headers["x-amz-target"] ?? "").replace(/^AWSGlue\./, "");
      const body: Record<string, unknown> = JSON.parse(raw === "" ? "{}" : raw);
      requests.push({ target, body });
      const failure = failures.get(target);
      if (failure !== undefined) {
        failures.delete(target);
        return sendGlueError(response, failure);
      }
      if (target === "GetWorkflowRuns") {
        return sendJson(response, 200, { Runs: runs });
      }
      if (target === "GetJobRun") {
        const runId = String(body.RunId);
        return sendJson(response, 200, {
          JobRun: { Id: runId, JobName: body.JobName, Attempt: jobRunAttempts.get(runId) ?? 0, JobRunState: "FAILED" },
        });
      }
      if (target === "StartWorkflowRun") {
        if (runs.some((run) => run.Status === "RUNNING" || run.Status === "STOPPING")) {
          return sendGlueError(response, {
            type: "ConcurrentRunsExceededException",
            message: "Concurrent runs exceeded for workflow",
          });
        }
        runCount += 1;
        const run: FakeWorkflowRun = {
          WorkflowRunId: `wr_${runCount}`,
          Status: "RUNNING",
          StartedOn: Date.now() / 1000,
          WorkflowRunProperties: body.RunProperties,
        };
        runs.unshift(run);
        return sendJson(response, 200, { RunId: run.WorkflowRunId });
      }
      return sendGlueError(response, {
        type: "UnknownOperationException",
        message: `Fake Glue does not know ${target}`,
      });
    });
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    requests,
    runs,
    jobRunAttempts,
    failNext: (target, error) => failures.set(target, error),
    close: () => close(server),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "fake-request" });
  response.end(JSON.stringify(body));
}

function sendGlueError(response: ServerResponse, error: FakeError): void {
  response.writeHead(error.status ?? 400, {
    "content-type": "application/x-amz-json-1.1",
    "x-amzn-errortype": error.type,
    "x-amzn-requestid": "fake-request",
  });
  response.end(JSON.stringify({ __type: error.type, message: error.message }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Listens on a free port of 127.0.0.1 and returns the endpoint URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error(`Expected a TCP address, got ${String(address)}.`);
  }
  return `http://127.0.0.1:${address.port}`;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

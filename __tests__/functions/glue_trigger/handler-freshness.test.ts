import "./environment-at-load";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { GetWorkflowRunsCommand, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
import { PublishCommand } from "@aws-sdk/client-sns";
import { handler } from "../../../functions/glue_trigger";
import { minutesSince } from "../../../functions/glue_trigger/freshness-check";
import { METRICS_NAMESPACE, NOW, WORKFLOW } from "./fixtures";
import { useHandlerHarness } from "./harness";

const mocks = useHandlerHarness();
const CHECK = { check: "freshness" };

/** The status index answers each status's query with one file received at the given time (oldest or newest end alike). */
function filesReceived(byStatus: Record<string, string>): void {
  mocks.dynamodb.on(QueryCommand).resolves({ Items: [] });
  for (const [status, receivedAt] of Object.entries(byStatus)) {
    mocks.dynamodb
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: status } } })
      .resolves({ Items: [{ file_key: { S: `s3://raw/fhir/${status}.json#v1` }, received_at: { S: receivedAt } }] });
  }
}

function goldBehindSince(time: string | undefined): void {
  mocks.dynamodb.on(GetItemCommand).resolves({
    Item: { file_key: { S: `pipeline_state#${WORKFLOW}` }, ...(time === undefined ? {} : { gold_behind_since: { S: time } }) },
  });
}

describe("handler on a freshness check", () => {
  it("publishes the oldest waiting file's age, Gold's lag and the newest file's age, in minutes, and starts nothing", async () => {
    // Prepare: the clock reads 10:15:00. PENDING since 09:00 (75 min), WAITING since 08:30 (105 min): the oldest waits 105.
    // Gold behind since 09:45 (30 min); the newest file, IN_PROGRESS, came at 10:09:30 (5.5 min ago).
    filesReceived({
      PENDING: "2026-11-22T09:00:00.000Z",
      WAITING: "2026-11-22T08:30:00.000Z",
      IN_PROGRESS: "2026-11-22T10:09:30.000Z",
      PROCESSED: "2026-11-22T07:00:00.000Z",
    });
    goldBehindSince("2026-11-22T09:45:00.000Z");
    mocks.cloudwatch.on(PutMetricDataCommand).resolves({});

    // Act
    const result = await handler(CHECK);

    // Assess
    expect(result).toStrictEqual({
      workflowName: WORKFLOW,
      runId: null,
      triggerSource: "freshness_check",
      status: "checked",
      message: `Freshness of workflow ${WORKFLOW}: oldest waiting file 105 min, Gold behind 30 min, newest file 5.5 min ago; published to ${METRICS_NAMESPACE}.`,
      freshness: { oldestWaitingFile: 105, goldBehind: 30, sinceNewestFile: 5.5 },
    });
    expect(mocks.cloudwatch).toHaveReceivedCommandTimes(PutMetricDataCommand, 1);
    expect(mocks.cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: METRICS_NAMESPACE,
      MetricData: [
        { MetricName: "OldestWaitingFileMinutes", Value: 105, Unit: "None", Timestamp: NOW },
        { MetricName: "GoldBehindMinutes", Value: 30, Unit: "None", Timestamp: NOW },
        { MetricName: "MinutesSinceNewestFile", Value: 5.5, Unit: "None", Timestamp: NOW },
      ],
    });
    expect(mocks.glue).not.toHaveReceivedCommand(GetWorkflowRunsCommand);
    expect(mocks.glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
  });

  it("publishes 0 for no waiting file and a current Gold, and no newest-file age while the table holds no file", async () => {
    // Prepare
    filesReceived({});
    goldBehindSince(undefined);
    mocks.cloudwatch.on(PutMetricDataCommand).resolves({});

    // Act
    const result = await handler(CHECK);

    // Assess
    expect(result).toMatchObject({
      status: "checked",
      message: `Freshness of workflow ${WORKFLOW}: oldest waiting file 0.0 min, Gold behind 0.0 min, no file recorded; published to ${METRICS_NAMESPACE}.`,
      freshness: { oldestWaitingFile: 0, goldBehind: 0 },
    });
    expect(mocks.cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, {
      MetricData: [
        { MetricName: "OldestWaitingFileMinutes", Value: 0, Unit: "None", Timestamp: NOW },
        { MetricName: "GoldBehindMinutes", Value: 0, Unit: "None", Timestamp: NOW },
      ],
    });
  });

  it("alerts once and returns failed when CloudWatch refuses the metrics (a missing permission is not retried)", async () => {
    // Prepare
    filesReceived({});
    goldBehindSince(undefined);
    mocks.cloudwatch.on(PutMetricDataCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
    mocks.sns.on(PublishCommand).resolves({ MessageId: "m-1" });

    // Act
    const result = await handler(CHECK);

    // Assess
    expect(result).toMatchObject({ triggerSource: "freshness_check", status: "failed", errorName: "AccessDenied" });
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});

describe("minutesSince", () => {
  it.each([
    ["no time", undefined, 0],
    ["90 seconds", "2026-11-22T10:13:30.000Z", 1.5],
    ["2 h 3 min 6 s", "2026-11-22T08:11:54.000Z", 123.1],
    ["a clock 20 s ahead", "2026-11-22T10:15:20.000Z", 0],
  ])("%s before 10:15:00 is %p minutes (tenths)", (_, since, expected) => {
    // Act
    const minutes = minutesSince(since === undefined ? undefined : new Date(since), NOW);

    // Assess
    expect(minutes).toBe(expected);
  });
});

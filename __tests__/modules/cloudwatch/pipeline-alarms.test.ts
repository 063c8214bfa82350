import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ref, Token } from "cdktf";
import { PipelineAlarms, TRIGGER_FAILED_EVENTS_MEANING, type PipelineAlarmsProps } from "../../../modules/cloudwatch/pipeline-alarms";
import type { LambdaFunctionProps } from "../../../modules/lambda_function/lambda-function";
import { DeadLetterQueue } from "../../../modules/sqs/dead-letter-queue";
import { testFunction, testTopic } from "../../support/construct-fixtures";
import { synthConstruct, type SynthesizedConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS, testKey } from "../../support/test-context";

/** Alarms on the fixture function ("fn", 60 s), two queues and two jobs, notifying the fixture topic. */
function alarms(props: Partial<PipelineAlarmsProps> = {}, fnProps: Partial<LambdaFunctionProps> = {}) {
  return synthConstruct((scope) => {
    const key = testKey(scope);
    const fn = testFunction(scope, key, fnProps);
    return new PipelineAlarms(scope, "cloudwatch", {
      region: "eu-west-1",
      namePrefix: "metriccare",
      nameSuffix: "dev",
      alertsTopic: testTopic(scope, key),
      triggerFunction: fn,
      deadLetterQueues: {
        trigger_failed_events: fn.onFailureQueue as DeadLetterQueue,
        event_delivery: new DeadLetterQueue(scope, "event_dlq", { aws: TEST_AWS, queueName: "metriccare_event_dlq_dev", kmsKey: key }),
      },
      glueJobs: { bronze: { jobName: "metriccare_bronze_job_dev" }, gold: { jobName: "metriccare_gold_job_dev" } },
      ...props,
    });
  });
}

/** What every alarm shares: five-minute periods, quiet without data, the topic on alarm and on recovery. */
function common(synthesized: SynthesizedConstruct<PipelineAlarms>) {
  const topic = synthesized.ref("aws_sns_topic", "alerts/topic", "arn");
  return { period: 300, treat_missing_data: "notBreaching", alarm_actions: [topic], ok_actions: [topic] };
}

describe("PipelineAlarms", () => {
  it("alarms when the trigger Lambda failed in 2 of the last 3 periods", () => {
    // Act
    const synthesized = alarms();
    // Assess
    expect(synthesized.resource("aws_cloudwatch_metric_alarm", "cloudwatch/trigger_errors")).toEqual(
      expect.objectContaining({
        ...common(synthesized),
        alarm_name: "metriccare_trigger_errors_dev",
        alarm_description:
          "The Glue trigger Lambda failed in 2 of the last 3 five-minute periods. A single error can be a run Glue still reported active after the function's wait (the retry a minute later starts the follow-up); repeated ones mean throttling, an outage or a permission missing; events that fail every retry reach the on-failure queue, whose alarm fires at once.",
        namespace: "AWS/Lambda",
        metric_name: "Errors",
        dimensions: { FunctionName: synthesized.ref("aws_lambda_function", "fn/function", "function_name") },
        statistic: "Sum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        evaluation_periods: 3,
        datapoints_to_alarm: 2,
      }),
    );
  });

  it("alarms at once when the trigger Lambda is throttled", () => {
    // Act
    const synthesized = alarms();
    // Assess
    const alarm = synthesized.resource("aws_cloudwatch_metric_alarm", "cloudwatch/trigger_throttles");
    expect(alarm).toEqual(
      expect.objectContaining({
        ...common(synthesized),
        alarm_name: "metriccare_trigger_throttles_dev",
        alarm_description: "The Glue trigger Lambda was throttled (reserved concurrency reached).",
        namespace: "AWS/Lambda",
        metric_name: "Throttles",
        statistic: "Sum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        evaluation_periods: 1,
      }),
    );
    expect(alarm).not.toHaveProperty("datapoints_to_alarm");
  });

  it("alarms when the trigger Lambda runs 80% of its timeout by default, computing the milliseconds in Terraform", () => {
    // Act
    const synthesized = alarms();
    // Assess
    expect(synthesized.resource("aws_cloudwatch_metric_alarm", "cloudwatch/trigger_duration")).toEqual(
      expect.objectContaining({
        ...common(synthesized),
        alarm_name: "metriccare_trigger_duration_dev",
        alarm_description: "The Glue trigger Lambda ran longer than 80% of its timeout.",
        namespace: "AWS/Lambda",
        metric_name: "Duration",
        statistic: "Maximum",
        threshold: "${(60 * 800)}",
        comparison_operator: "GreaterThanOrEqualToThreshold",
        evaluation_periods: 1,
      }),
    );
  });

  it("uses the share of the timeout given, and a per-workspace timeout", () => {
    // Act
    const { resource } = alarms(
      { durationAlarmShareOfTimeout: 0.5 },
      { timeoutSeconds: Token.asNumber(ref("local.environment.lambda.timeoutSeconds")) },
    );
    // Assess
    expect(resource("aws_cloudwatch_metric_alarm", "cloudwatch/trigger_duration")).toMatchObject({
      alarm_description: "The Glue trigger Lambda ran longer than 50% of its timeout.",
      threshold: "${(local.environment.lambda.timeoutSeconds * 500)}",
    });
  });

  it("alarms as soon as any dead-letter queue holds a message, one alarm per queue", () => {
    // Act
    const synthesized = alarms();
    // Assess
    for (const [label, queue, meaning] of [
      ["trigger_failed_events", "fn/on_failure/queue", TRIGGER_FAILED_EVENTS_MEANING],
      ["event_delivery", "event_dlq/queue", "A dead-letter queue holds events that were never processed: inspect and redrive them."],
    ] as const) {
      expect(synthesized.resource("aws_cloudwatch_metric_alarm", `cloudwatch/${label}_dlq_depth`)).toEqual(
        expect.objectContaining({
          ...common(synthesized),
          alarm_name: `metriccare_${label}_dlq_depth_dev`,
          alarm_description: meaning,
          namespace: "AWS/SQS",
          metric_name: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: synthesized.ref("aws_sqs_queue", queue, "name") },
          statistic: "Maximum",
          threshold: 0,
          comparison_operator: "GreaterThanThreshold",
          evaluation_periods: 1,
        }),
      );
    }
  });

  it("says what a message in the trigger's on-failure queue means and what to do, within CloudWatch's 1024 characters", () => {
    // Assess
    expect(TRIGGER_FAILED_EVENTS_MEANING.length).toBeLessThanOrEqual(1024);
    expect(TRIGGER_FAILED_EVENTS_MEANING).toContain("could not handle an event even after its asynchronous retries");
    expect(TRIGGER_FAILED_EVENTS_MEANING).toContain("Retried Glue attempts, runs with nothing to do and a stuck pipeline never land here.");
    expect(TRIGGER_FAILED_EVENTS_MEANING).toContain("What to do: read the error in the message, fix the cause, then redrive the queue");
  });

  it("alarms when a Glue job run reports errors, one alarm per job", () => {
    // Act
    const synthesized = alarms();
    // Assess
    for (const layer of ["bronze", "gold"]) {
      expect(synthesized.resource("aws_cloudwatch_metric_alarm", `cloudwatch/glue_${layer}_errors`)).toEqual(
        expect.objectContaining({
          ...common(synthesized),
          alarm_name: `metriccare_glue_${layer}_errors_dev`,
          alarm_description: "A Glue job run reported errors (Glue observability metrics).",
          namespace: "Glue",
          metric_name: "glue.error.ALL",
          dimensions: { JobName: `metriccare_${layer}_job_dev`, JobRunId: "ALL", Type: "count", ObservabilityGroup: "error" },
          statistic: "Sum",
          threshold: 0,
          comparison_operator: "GreaterThanThreshold",
          evaluation_periods: 1,
        }),
      );
    }
  });

  it("exposes the alarms by short name, and creates no others", () => {
    // Act
    const { built, resourcesByPath } = alarms();
    // Assess
    const names = [
      "trigger_errors",
      "trigger_throttles",
      "trigger_duration",
      "trigger_failed_events_dlq_depth",
      "event_delivery_dlq_depth",
      "glue_bronze_errors",
      "glue_gold_errors",
    ];
    expect(Object.keys(built.alarms)).toEqual(names);
    expect(Object.values(built.alarms).every((a) => a instanceof CloudwatchMetricAlarm)).toBe(true);
    expect(Object.keys(resourcesByPath("aws_cloudwatch_metric_alarm")).sort()).toEqual(names.map((n) => `cloudwatch/${n}`).sort());
  });

  it("lets the alarms named <prefix>_*_<suffix> publish to the topic", () => {
    // Act
    const { json, dataRef } = alarms();
    // Assess
    const statements = policyStatements(json, dataRef("aws_iam_policy_document", "alerts/policy_document/document", "json"));
    expect(statements.find((s) => s.sid === "CloudWatchAlarmsPublish")?.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:metriccare_*_dev"] },
    ]);
  });

  it("creates a dashboard of the same metrics by default", () => {
    // Act
    const { resource, ref, built } = alarms();
    // Assess
    const fn = ref("aws_lambda_function", "fn/function", "function_name");
    const widget = (title: string, metrics: unknown[], x: number, y: number) => ({
      type: "metric",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: "eu-west-1", view: "timeSeries", stacked: false, period: 300, metrics },
    });
    const dashboard = resource("aws_cloudwatch_dashboard", "cloudwatch/dashboard");
    expect(dashboard.dashboard_name).toBe("metriccare_pipeline_dev");
    expect(JSON.parse(String(dashboard.dashboard_body))).toEqual({
      widgets: [
        widget(
          "Trigger Lambda invocations and errors",
          [
            ["AWS/Lambda", "Invocations", "FunctionName", fn, { stat: "Sum" }],
            ["AWS/Lambda", "Errors", "FunctionName", fn, { stat: "Sum" }],
            ["AWS/Lambda", "Throttles", "FunctionName", fn, { stat: "Sum" }],
          ],
          0,
          0,
        ),
        widget("Trigger Lambda duration (ms)", [["AWS/Lambda", "Duration", "FunctionName", fn, { stat: "Maximum" }]], 12, 0),
        widget(
          "Dead-letter queue depth",
          [
            [
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "QueueName",
              ref("aws_sqs_queue", "fn/on_failure/queue", "name"),
              { stat: "Maximum" },
            ],
            [
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "QueueName",
              ref("aws_sqs_queue", "event_dlq/queue", "name"),
              { stat: "Maximum" },
            ],
          ],
          0,
          6,
        ),
        widget(
          "Glue job errors",
          [
            [
              "Glue",
              "glue.error.ALL",
              "JobName",
              "metriccare_bronze_job_dev",
              "JobRunId",
              "ALL",
              "Type",
              "count",
              "ObservabilityGroup",
              "error",
              { stat: "Sum" },
            ],
            [
              "Glue",
              "glue.error.ALL",
              "JobName",
              "metriccare_gold_job_dev",
              "JobRunId",
              "ALL",
              "Type",
              "count",
              "ObservabilityGroup",
              "error",
              { stat: "Sum" },
            ],
          ],
          12,
          6,
        ),
      ],
    });
    expect(built.dashboard).toBeInstanceOf(CloudwatchDashboard);
  });

  it("creates no dashboard when createDashboard is false", () => {
    // Act
    const { json, built } = alarms({ createDashboard: false });
    // Assess
    expect(json.resource?.aws_cloudwatch_dashboard).toBeUndefined();
    expect(built.dashboard).toBeUndefined();
  });

  it("accepts a share of the whole timeout", () => {
    // Act
    const { resource } = alarms({ durationAlarmShareOfTimeout: 1 });
    // Assess
    expect(resource("aws_cloudwatch_metric_alarm", "cloudwatch/trigger_duration").threshold).toBe("${(60 * 1000)}");
  });

  it.each([0, -0.5, 1.01, Number.NaN])("rejects a share of the timeout of %p", (share) => {
    // Act
    const act = () => alarms({ durationAlarmShareOfTimeout: share });
    // Assess
    expect(act).toThrow(`PipelineAlarms "cloudwatch": \`durationAlarmShareOfTimeout\` must be above 0 and at most 1, got ${share}.`);
  });

  it("refuses a per-workspace token for the share, which the alarm description names, with a clear message", () => {
    // Act
    const act = () => alarms({ durationAlarmShareOfTimeout: Token.asNumber(ref("local.share")) });
    // Assess
    expect(act).toThrow('PipelineAlarms "cloudwatch": `durationAlarmShareOfTimeout` must be a number, not a Terraform expression.');
  });
});

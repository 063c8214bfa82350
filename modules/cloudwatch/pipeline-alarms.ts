import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Op, Token } from "cdktf";
import { Construct } from "constructs";
import type { AlertsTopic } from "../aws_sns/alerts-topic";
import type { LambdaFunction } from "../lambda_function/lambda-function";
import { MetricCareValidationError } from "../shared/errors";
import type { DeadLetterQueue } from "../sqs/dead-letter-queue";
import { dashboardBody, metricWidget, type DashboardWidget } from "./dashboard-widget";

/** Props for {@link PipelineAlarms}. */
export interface PipelineAlarmsProps {
  /** Region of the dashboard's metrics. */
  readonly region: string;
  /** Alarm and dashboard names are `<namePrefix>_<what>_<nameSuffix>`, e.g. `metriccare` … `dev`. */
  readonly namePrefix: string;
  /** See `namePrefix`. */
  readonly nameSuffix: string;
  /** Topic every alarm notifies (on alarm and on recovery). */
  readonly alertsTopic: AlertsTopic;
  /** The trigger Lambda. */
  readonly triggerFunction: LambdaFunction;
  /** Queues that should stay empty (any message is an event nobody processed), by short name. */
  readonly deadLetterQueues: Readonly<Record<string, DeadLetterQueue>>;
  /** The ETL jobs by short name (`bronze`, ...); each gets a failure alarm. */
  readonly glueJobs: Readonly<Record<string, { readonly jobName: string }>>;
  /**
   * Share of the Lambda timeout at which the duration alarm fires.
   * @default 0.8
   */
  readonly durationAlarmShareOfTimeout?: number;
  /**
   * Create a CloudWatch dashboard of the same metrics.
   * @default true
   */
  readonly createDashboard?: boolean;
  /**
   * Rows the dashboard shows below its own, e.g. the data-quality row.
   * @default - none
   */
  readonly moreWidgets?: readonly DashboardWidget[];
}

/** What a message in a dead-letter queue means, unless the queue is the trigger's on-failure queue. */
export const DEAD_LETTER_QUEUE_MEANING = "A dead-letter queue holds events that were never processed: inspect and redrive them.";

/** What a message in the trigger Lambda's on-failure queue means and what to do (alarm descriptions take 1024 characters). */
export const TRIGGER_FAILED_EVENTS_MEANING =
  "The Glue trigger Lambda could not handle an event even after its asynchronous retries (about 3 minutes): each message " +
  "is one S3, schedule or Glue event with its last error (requestContext, responsePayload). Causes: Glue, DynamoDB or SNS " +
  "throttling or an outage that outlasted the retries, or Glue reporting a run active for minutes after its final job. " +
  "Retried Glue attempts, runs with nothing to do and a stuck pipeline never land here. Files already in the " +
  "processed-files table are safe: the next run, schedule or new file picks them up; an S3 event here may carry a file " +
  "not yet recorded. What to do: read the error in the message, fix the cause, then redrive the queue (aws sqs " +
  'start-message-move-task) so every event is handled again, or invoke the trigger with {"force": true}.';

type AlarmMetric = Pick<
  CloudwatchMetricAlarmConfig,
  "namespace" | "metricName" | "dimensions" | "statistic" | "threshold" | "comparisonOperator" | "datapointsToAlarm"
> &
  Partial<Pick<CloudwatchMetricAlarmConfig, "evaluationPeriods">>;

/**
 * The seed's planned `cloudwatch` module: alarms on the trigger Lambda (errors, throttles,
 * duration near the timeout), on every dead-letter queue (depth above 0) and on every Glue job
 * (errors reported by Glue observability metrics), all notifying the alerts topic; plus a small
 * dashboard.
 */
export class PipelineAlarms extends Construct {
  /** The alarms, by short name. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  /** The dashboard, if created. */
  public readonly dashboard?: CloudwatchDashboard;

  public constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const share = props.durationAlarmShareOfTimeout ?? 0.8;
    if (Token.isUnresolved(share)) {
      // It also names the share in the alarm description, so it must be known at synth.
      throw new MetricCareValidationError(
        `PipelineAlarms "${id}"`,
        "`durationAlarmShareOfTimeout` must be a number, not a Terraform expression.",
      );
    }
    if (!(share > 0 && share <= 1)) {
      throw new MetricCareValidationError(
        `PipelineAlarms "${id}"`,
        `\`durationAlarmShareOfTimeout\` must be above 0 and at most 1, got ${share}.`,
      );
    }
    const name = (what: string): string => `${props.namePrefix}_${what}_${props.nameSuffix}`;
    const topicArn = props.alertsTopic.topicArn;
    const fn = props.triggerFunction;
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const alarm = (key: string, description: string, metric: AlarmMetric): void => {
      alarms[key] = new CloudwatchMetricAlarm(this, key, {
        alarmName: name(key),
        alarmDescription: description,
        period: 300,
        treatMissingData: "notBreaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
        ...metric,
        evaluationPeriods: metric.evaluationPeriods ?? 1,
      });
    };

    const lambdaDimensions = { FunctionName: fn.lambdaName };
    alarm(
      "trigger_errors",
      "The Glue trigger Lambda failed in 2 of the last 3 five-minute periods. A single error can be a run Glue still reported active after the function's wait (the retry a minute later starts the follow-up); repeated ones mean throttling, an outage or a permission missing; events that fail every retry reach the on-failure queue, whose alarm fires at once.",
      {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: lambdaDimensions,
        statistic: "Sum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      },
    );
    alarm("trigger_throttles", "The Glue trigger Lambda was throttled (reserved concurrency reached).", {
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: lambdaDimensions,
      statistic: "Sum",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
    alarm("trigger_duration", `The Glue trigger Lambda ran longer than ${Math.round(share * 100)}% of its timeout.`, {
      namespace: "AWS/Lambda",
      metricName: "Duration",
      dimensions: lambdaDimensions,
      statistic: "Maximum",
      // Milliseconds; the timeout may be a per-workspace expression, so the product is Terraform's.
      threshold: Op.mul(fn.timeoutSeconds, share * 1000),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    for (const [label, queue] of Object.entries(props.deadLetterQueues)) {
      const meaning = queue === fn.onFailureQueue ? TRIGGER_FAILED_EVENTS_MEANING : DEAD_LETTER_QUEUE_MEANING;
      alarm(`${label}_dlq_depth`, meaning, {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.queueName },
        statistic: "Maximum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
    }
    for (const [label, job] of Object.entries(props.glueJobs)) {
      alarm(`glue_${label}_errors`, "A Glue job run reported errors (Glue observability metrics).", {
        namespace: "Glue",
        metricName: "glue.error.ALL",
        dimensions: { JobName: job.jobName, JobRunId: "ALL", Type: "count", ObservabilityGroup: "error" },
        statistic: "Sum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
    }
    this.alarms = alarms;
    props.alertsTopic.allowCloudWatchAlarms(name("*"));

    if (props.createDashboard ?? true) {
      const region = props.region;
      const lambda = (metricName: string, stat: string): unknown[] => ["AWS/Lambda", metricName, "FunctionName", fn.lambdaName, { stat }];
      this.dashboard = new CloudwatchDashboard(this, "dashboard", {
        dashboardName: name("pipeline"),
        dashboardBody: dashboardBody([
          metricWidget(region, "Trigger Lambda invocations and errors", [
            lambda("Invocations", "Sum"),
            lambda("Errors", "Sum"),
            lambda("Throttles", "Sum"),
          ]),
          metricWidget(region, "Trigger Lambda duration (ms)", [lambda("Duration", "Maximum")]),
          metricWidget(
            region,
            "Dead-letter queue depth",
            Object.values(props.deadLetterQueues).map((q) => [
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "QueueName",
              q.queueName,
              { stat: "Maximum" },
            ]),
          ),
          metricWidget(
            region,
            "Glue job errors",
            Object.values(props.glueJobs).map((j) => [
              "Glue",
              "glue.error.ALL",
              "JobName",
              j.jobName,
              "JobRunId",
              "ALL",
              "Type",
              "count",
              "ObservabilityGroup",
              "error",
              { stat: "Sum" },
            ]),
          ),
          ...(props.moreWidgets ?? []),
        ]),
      });
    }
  }
}

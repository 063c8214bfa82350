import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget, type CloudwatchEventTargetRetryPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import type { AlertsTopic } from "../aws_sns/alerts-topic";
import type { DataLakeKey } from "../kms/kms-key";
import type { LambdaFunction } from "../lambda_function/lambda-function";
import { arn, servicePrincipal, type AwsContext } from "../shared/aws-context";
import { DeadLetterQueue } from "../sqs/dead-letter-queue";
import { MetricCareValidationError } from "../shared/errors";
import { validateIntegerRange } from "../shared/validation";
import { validateScheduleExpression } from "./schedule-expression";

/** Terminal states of a Glue job run, as `Glue Job State Change` events report them. */
export const GLUE_JOB_TERMINAL_STATES = ["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"] as const;

/**
 * The alert text of a job's end (EventBridge input transformer placeholders <job>, <state>, <run>,
 * <time>): job, state, run id, environment and a console link, never the job's error message.
 */
export function alertTemplate(environment: string, region: string): string {
  const console = `https://${region}.console.aws.amazon.com/gluestudio/home?region=${region}#/job/<job>/run/<run>`;
  return `MetricCare ${environment}: Glue job <job> ended <state> at <time> (run <run>). Details and logs: ${console}`;
}

/** A rule that invokes the trigger Lambda with a constant event on a schedule. */
export interface FreshnessCheckRule {
  /** Rule name, e.g. `metriccare_freshness_check_dev`. */
  readonly ruleName: string;
  /** `rate(...)` or `cron(...)` expression (UTC). */
  readonly scheduleExpression: string;
  /** The event the function receives instead of EventBridge's (the target's constant input). */
  readonly input: Readonly<Record<string, unknown>>;
}

/** Props for {@link EventBridge}. */
export interface EventBridgeProps {
  /** Where the rules live. */
  readonly aws: AwsContext;
  /** Environment name shown in alert messages. */
  readonly environment: string;
  /** Name of the schedule rule, e.g. `metriccare_schedule_dev`. */
  readonly scheduleRuleName: string;
  /** `cron(...)` or `rate(...)` expression of scheduled runs (UTC). */
  readonly scheduleExpression: string;
  /** Name of the Glue job state rule, e.g. `metriccare_glue_job_state_dev`. */
  readonly jobStateRuleName: string;
  /** The jobs whose terminal state changes are routed. */
  readonly glueJobs: readonly { readonly jobName: string }[];
  /** The trigger Lambda: runs on schedule, and after each job ends to start a follow-up run. */
  readonly triggerFunction: LambdaFunction;
  /** Topic that receives a readable message for each job's end. */
  readonly alertsTopic: AlertsTopic;
  /** Key for the dead-letter queue. */
  readonly kmsKey: DataLakeKey;
  /** Name of the dead-letter queue of undeliverable events. */
  readonly deadLetterQueueName: string;
  /**
   * A rule that invokes the trigger Lambda on its own schedule with a constant event, e.g. the freshness check.
   * @default - no such rule
   */
  readonly freshnessCheck?: FreshnessCheckRule;
  /**
   * Retries of a failed delivery to a target.
   * @default 8
   */
  readonly maximumRetryAttempts?: number;
  /**
   * How long EventBridge keeps retrying a delivery, in seconds.
   * @default 3600
   */
  readonly maximumEventAgeSeconds?: number;
}

/**
 * The seed's `event_bridge` module: a schedule rule that starts the pipeline, and a rule on this
 * environment's Glue job state changes that (1) tells the alerts topic, with a readable message,
 * and (2) invokes the trigger Lambda, which starts a follow-up run for files that arrived during
 * the run; optionally a rule that has the Lambda check freshness. Every target retries and has a
 * dead-letter queue.
 */
export class EventBridge extends Construct {
  /** The schedule rule. */
  public readonly scheduleRule: CloudwatchEventRule;
  /** The Glue job state change rule. */
  public readonly jobStateRule: CloudwatchEventRule;
  /** The freshness check rule, if asked for. */
  public readonly freshnessCheckRule?: CloudwatchEventRule;
  /** Queue of events no target could take. */
  public readonly deadLetterQueue: DeadLetterQueue;

  public constructor(scope: Construct, id: string, props: EventBridgeProps) {
    super(scope, id);
    const owner = `EventBridge "${id}"`;
    const maximumRetryAttempts = props.maximumRetryAttempts ?? 8;
    const maximumEventAgeSeconds = props.maximumEventAgeSeconds ?? 3600;
    validateScheduleExpression(owner, "scheduleExpression", props.scheduleExpression);
    validateIntegerRange(owner, "maximumRetryAttempts", maximumRetryAttempts, 0, 185);
    validateIntegerRange(owner, "maximumEventAgeSeconds", maximumEventAgeSeconds, 60, 86400, "seconds");
    if (props.glueJobs.length === 0) throw new MetricCareValidationError(owner, "`glueJobs` must name at least one job.");

    const retryPolicy: CloudwatchEventTargetRetryPolicy = { maximumRetryAttempts, maximumEventAgeInSeconds: maximumEventAgeSeconds };
    this.deadLetterQueue = new DeadLetterQueue(this, "dead_letter_queue", {
      aws: props.aws,
      queueName: props.deadLetterQueueName,
      kmsKey: props.kmsKey,
    });
    const deadLetterConfig = { arn: this.deadLetterQueue.queueArn };
    const fn = props.triggerFunction;

    this.scheduleRule = new CloudwatchEventRule(this, "schedule", {
      name: props.scheduleRuleName,
      description: "Scheduled MetricCare ETL run",
      scheduleExpression: props.scheduleExpression,
    });
    new CloudwatchEventTarget(this, "schedule_to_lambda", {
      rule: this.scheduleRule.name,
      targetId: "trigger-lambda",
      arn: fn.lambdaArn,
      retryPolicy,
      deadLetterConfig,
    });
    fn.allowInvocation({ statementId: "schedule", principal: servicePrincipal(props.aws, "events"), sourceArn: this.scheduleRule.arn });

    this.jobStateRule = new CloudwatchEventRule(this, "job_state", {
      name: props.jobStateRuleName,
      description: "MetricCare Glue jobs reaching a terminal state",
      eventPattern: JSON.stringify({
        source: ["aws.glue"],
        "detail-type": ["Glue Job State Change"],
        detail: { jobName: props.glueJobs.map((job) => job.jobName), state: [...GLUE_JOB_TERMINAL_STATES] },
      }),
    });
    new CloudwatchEventTarget(this, "job_state_to_sns", {
      rule: this.jobStateRule.name,
      targetId: "alerts-topic",
      arn: props.alertsTopic.topicArn,
      retryPolicy,
      deadLetterConfig,
      inputTransformer: {
        // No $.detail.message: Spark errors can echo record values, and SNS e-mail leaves the
        // protected boundary. The console link leads to the run's logs, which stay encrypted.
        inputPaths: { job: "$.detail.jobName", state: "$.detail.state", run: "$.detail.jobRunId", time: "$.time" },
        inputTemplate: `"${alertTemplate(props.environment, props.aws.region)}"`,
      },
    });
    new CloudwatchEventTarget(this, "job_state_to_lambda", {
      rule: this.jobStateRule.name,
      targetId: "trigger-lambda",
      arn: fn.lambdaArn,
      retryPolicy,
      deadLetterConfig,
    });
    fn.allowInvocation({
      statementId: "glue_job_state",
      principal: servicePrincipal(props.aws, "events"),
      sourceArn: this.jobStateRule.arn,
    });

    const check = props.freshnessCheck;
    if (check !== undefined) {
      validateScheduleExpression(owner, "freshnessCheck.scheduleExpression", check.scheduleExpression);
      this.freshnessCheckRule = new CloudwatchEventRule(this, "freshness_check", {
        name: check.ruleName,
        description: "MetricCare freshness check: the trigger Lambda measures waiting files and Gold's lag and publishes them",
        scheduleExpression: check.scheduleExpression,
      });
      new CloudwatchEventTarget(this, "freshness_check_to_lambda", {
        rule: this.freshnessCheckRule.name,
        targetId: "trigger-lambda",
        arn: fn.lambdaArn,
        input: JSON.stringify(check.input),
        retryPolicy,
        deadLetterConfig,
      });
      fn.allowInvocation({
        statementId: "freshness_check",
        principal: servicePrincipal(props.aws, "events"),
        sourceArn: this.freshnessCheckRule.arn,
      });
    }

    props.alertsTopic.allowEventBridgeRule(this.jobStateRule.arn);
    // ARNs built from the names: the key policy may not refer to the job state rule, whose pattern names the jobs that use the key.
    for (const ruleName of [props.scheduleRuleName, props.jobStateRuleName, ...(check === undefined ? [] : [check.ruleName])])
      this.deadLetterQueue.acceptFromEventBridgeRule(arn(props.aws, "events", `rule/${ruleName}`));
  }
}

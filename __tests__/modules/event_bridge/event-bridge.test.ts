import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { ref, Token } from "cdktf";
import { EventBridge, GLUE_JOB_TERMINAL_STATES, type EventBridgeProps } from "../../../modules/event_bridge/event-bridge";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { DeadLetterQueue } from "../../../modules/sqs/dead-letter-queue";
import { testFunction, testTopic } from "../../support/construct-fixtures";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS, testKey } from "../../support/test-context";

/** EventBridge for two jobs with the fixture function ("fn") and topic ("alerts"), `props` on top. */
function events(props: Partial<EventBridgeProps> = {}) {
  return synthConstruct((scope) => {
    const key = testKey(scope);
    return new EventBridge(scope, "event_bridge", {
      aws: TEST_AWS,
      environment: "dev",
      scheduleRuleName: "metriccare_schedule_dev",
      scheduleExpression: "cron(0 6 * * ? *)",
      jobStateRuleName: "metriccare_glue_job_state_dev",
      glueJobs: [{ jobName: "metriccare_bronze_job_dev" }, { jobName: "metriccare_gold_job_dev" }],
      triggerFunction: testFunction(scope, key),
      alertsTopic: testTopic(scope, key),
      kmsKey: key,
      deadLetterQueueName: "metriccare_event_dlq_dev",
      ...props,
    });
  });
}

describe("EventBridge", () => {
  it("runs the pipeline on the schedule", () => {
    // Act
    const { synth } = events();
    // Assess
    expect(synth).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "metriccare_schedule_dev",
      description: "Scheduled MetricCare ETL run",
      schedule_expression: "cron(0 6 * * ? *)",
    });
  });

  it("matches terminal state changes of exactly the given Glue jobs", () => {
    // Act
    const { resource } = events();
    // Assess
    const rule = resource("aws_cloudwatch_event_rule", "event_bridge/job_state");
    expect(rule).toMatchObject({ name: "metriccare_glue_job_state_dev", description: "MetricCare Glue jobs reaching a terminal state" });
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ["aws.glue"],
      "detail-type": ["Glue Job State Change"],
      detail: { jobName: ["metriccare_bronze_job_dev", "metriccare_gold_job_dev"], state: ["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"] },
    });
    expect(GLUE_JOB_TERMINAL_STATES).toEqual(["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"]);
  });

  it("invokes the trigger Lambda on schedule and after each job ends, retrying 8 times for an hour, then dead-lettering", () => {
    // Act
    const { resource, ref } = events();
    // Assess
    const target = {
      target_id: "trigger-lambda",
      arn: ref("aws_lambda_function", "fn/function", "arn"),
      retry_policy: { maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 },
      dead_letter_config: { arn: ref("aws_sqs_queue", "event_bridge/dead_letter_queue/queue", "arn") },
    };
    expect(resource("aws_cloudwatch_event_target", "event_bridge/schedule_to_lambda")).toEqual(
      expect.objectContaining({ ...target, rule: ref("aws_cloudwatch_event_rule", "event_bridge/schedule", "name") }),
    );
    expect(resource("aws_cloudwatch_event_target", "event_bridge/job_state_to_lambda")).toEqual(
      expect.objectContaining({ ...target, rule: ref("aws_cloudwatch_event_rule", "event_bridge/job_state", "name") }),
    );
  });

  it("lets each rule invoke the function, scoped to the rule", () => {
    // Act
    const { resource, ref } = events();
    // Assess
    const functionName = ref("aws_lambda_function", "fn/function", "function_name");
    expect(resource("aws_lambda_permission", "fn/allow_schedule")).toEqual(
      expect.objectContaining({
        statement_id: "schedule",
        action: "lambda:InvokeFunction",
        function_name: functionName,
        principal: "events.amazonaws.com",
        source_arn: ref("aws_cloudwatch_event_rule", "event_bridge/schedule", "arn"),
      }),
    );
    expect(resource("aws_lambda_permission", "fn/allow_glue_job_state")).toEqual(
      expect.objectContaining({
        statement_id: "glue_job_state",
        function_name: functionName,
        principal: "events.amazonaws.com",
        source_arn: ref("aws_cloudwatch_event_rule", "event_bridge/job_state", "arn"),
      }),
    );
  });

  it("sends job, state, run id, environment and a console link to the alerts topic when a job ends, never the job's error message", () => {
    // Act
    const { synth, ref } = events();
    // Assess
    expect(synth).toHaveResourceWithProperties(CloudwatchEventTarget, {
      rule: ref("aws_cloudwatch_event_rule", "event_bridge/job_state", "name"),
      target_id: "alerts-topic",
      arn: ref("aws_sns_topic", "alerts/topic", "arn"),
      retry_policy: { maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 },
      dead_letter_config: { arn: ref("aws_sqs_queue", "event_bridge/dead_letter_queue/queue", "arn") },
      input_transformer: {
        input_paths: { job: "$.detail.jobName", state: "$.detail.state", run: "$.detail.jobRunId", time: "$.time" },
        input_template:
          '"MetricCare dev: Glue job <job> ended <state> at <time> (run <run>). Details and logs: https://eu-west-1.console.aws.amazon.com/gluestudio/home?region=eu-west-1#/job/<job>/run/<run>"',
      },
    });
  });

  it("lets the job state rule publish to the topic", () => {
    // Act
    const { json, ref, dataRef } = events();
    // Assess
    const statements = policyStatements(json, dataRef("aws_iam_policy_document", "alerts/policy_document/document", "json"));
    expect(statements.find((s) => s.sid === "EventBridgeRulesPublish")?.condition).toEqual([
      { test: "ArnEquals", variable: "aws:SourceArn", values: [ref("aws_cloudwatch_event_rule", "event_bridge/job_state", "arn")] },
    ]);
  });

  it("keeps undeliverable events of both rules in an encrypted dead-letter queue", () => {
    // Act
    const { synth, json, ref, dataRef, resourcesByPath } = events();
    // Assess
    const RULE_ARNS = [
      "arn:aws:events:eu-west-1:123456789012:rule/metriccare_schedule_dev",
      "arn:aws:events:eu-west-1:123456789012:rule/metriccare_glue_job_state_dev",
    ];
    expect(synth).toHaveResourceWithProperties(SqsQueue, {
      name: "metriccare_event_dlq_dev",
      kms_master_key_id: ref("aws_kms_key", "key/key", "arn"),
    });
    const statements = policyStatements(
      json,
      dataRef("aws_iam_policy_document", "event_bridge/dead_letter_queue/policy_document/document", "json"),
    );
    expect(statements.find((s) => s.sid === "EventBridgeRulesSendUndeliveredEvents")?.condition).toEqual([
      {
        test: "ArnEquals",
        variable: "aws:SourceArn",
        values: RULE_ARNS,
      },
    ]);
    // The key lets EventBridge encrypt for the same rules, named by ARN: its policy may not refer to the
    // job state rule, whose pattern names the jobs that use the key (a cycle Terraform refuses).
    const keyStatements = policyStatements(json, resourcesByPath("aws_kms_key")["key/key"]?.policy);
    expect(keyStatements.find((s) => s.sid === "EventBridgeSendsToThisEnvironmentsDeadLetterQueues")?.condition).toEqual([
      { test: "ArnEquals", variable: "aws:SourceArn", values: RULE_ARNS },
    ]);
  });

  it("uses the retries and event age given for every target", () => {
    // Act
    const { resourcesByPath } = events({ maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 });
    // Assess
    const targets = Object.values(resourcesByPath("aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(3);
    for (const target of targets) expect(target.retry_policy).toEqual({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 });
  });

  it("exposes the two rules and the dead-letter queue", () => {
    // Act
    const { built, resolve, ref } = events();
    // Assess
    expect(resolve(built.scheduleRule.arn)).toBe(ref("aws_cloudwatch_event_rule", "event_bridge/schedule", "arn"));
    expect(resolve(built.jobStateRule.arn)).toBe(ref("aws_cloudwatch_event_rule", "event_bridge/job_state", "arn"));
    expect(built.deadLetterQueue).toBeInstanceOf(DeadLetterQueue);
    expect(resolve(built.deadLetterQueue.queueArn)).toBe(ref("aws_sqs_queue", "event_bridge/dead_letter_queue/queue", "arn"));
  });

  describe("validation", () => {
    it("rejects an invalid schedule expression, saying why", () => {
      // Act
      const act = () => events({ scheduleExpression: "cron(0 6 * * *)" });
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(
        'EventBridge "event_bridge": `scheduleExpression` must be a valid EventBridge schedule, "rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)", got "cron(0 6 * * *)": a cron expression has 6 fields, this one has 5.',
      );
    });

    it.each<[Partial<EventBridgeProps>, string]>([
      [{ maximumRetryAttempts: 186 }, "`maximumRetryAttempts` must be an integer between 0 and 185, got 186."],
      [{ maximumRetryAttempts: -1 }, "`maximumRetryAttempts` must be an integer between 0 and 185, got -1."],
      [{ maximumEventAgeSeconds: 59 }, "`maximumEventAgeSeconds` must be an integer between 60 and 86400 seconds, got 59."],
      [{ maximumEventAgeSeconds: 86401 }, "`maximumEventAgeSeconds` must be an integer between 60 and 86400 seconds, got 86401."],
    ])("rejects the retry setting %p", (props, message) => {
      // Act
      const act = () => events(props);
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`EventBridge "event_bridge": ${message}`);
    });

    it("rejects an empty job list", () => {
      // Act
      const act = () => events({ glueJobs: [] });
      // Assess
      expect(act).toThrow('EventBridge "event_bridge": `glueJobs` must name at least one job.');
    });

    it("skips unresolved tokens (a per-workspace schedule)", () => {
      // Act
      const { synth } = events({
        scheduleExpression: Token.asString(ref("local.environment.scheduleExpression")),
        maximumRetryAttempts: Token.asNumber(ref("local.retries")),
        maximumEventAgeSeconds: Token.asNumber(ref("local.age")),
      });
      // Assess
      expect(synth).toHaveResourceWithProperties(CloudwatchEventRule, { schedule_expression: "${local.environment.scheduleExpression}" });
      expect(synth).toHaveResourceWithProperties(CloudwatchEventTarget, {
        retry_policy: { maximum_retry_attempts: "${local.retries}", maximum_event_age_in_seconds: "${local.age}" },
      });
    });
  });
});

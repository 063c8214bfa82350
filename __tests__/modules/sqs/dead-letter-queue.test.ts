import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { ref, Token } from "cdktf";
import type { Construct } from "constructs";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { DeadLetterQueue, type DeadLetterQueueProps } from "../../../modules/sqs/dead-letter-queue";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS, testKey } from "../../support/test-context";

function queue(scope: Construct, props: Partial<DeadLetterQueueProps> = {}): DeadLetterQueue {
  return new DeadLetterQueue(scope, "dlq", { aws: TEST_AWS, queueName: "metriccare_event_dlq_dev", kmsKey: testKey(scope), ...props });
}

describe("DeadLetterQueue", () => {
  it("creates a queue encrypted with the key that keeps messages 14 days (the SQS maximum) by default", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => queue(scope));
    // Assess
    expect(synth).toHaveResourceWithProperties(SqsQueue, {
      name: "metriccare_event_dlq_dev",
      kms_master_key_id: ref("aws_kms_key", "key/key", "arn"),
      kms_data_key_reuse_period_seconds: 300,
      message_retention_seconds: 1209600,
    });
  });

  it("keeps messages for the retention given", () => {
    // Act
    const { synth } = synthConstruct((scope) => queue(scope, { messageRetentionSeconds: 60 }));
    // Assess
    expect(synth).toHaveResourceWithProperties(SqsQueue, { message_retention_seconds: 60 });
  });

  it("attaches a queue policy that only denies requests without TLS", () => {
    // Act
    const { synth, json, ref, dataRef } = synthConstruct((scope) => queue(scope));
    // Assess
    const policy = dataRef("aws_iam_policy_document", "dlq/policy_document/document", "json");
    expect(synth).toHaveResourceWithProperties(SqsQueuePolicy, { queue_url: ref("aws_sqs_queue", "dlq/queue", "url"), policy });
    expect(policyStatements(json, policy)).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["sqs:*"],
        resources: [ref("aws_sqs_queue", "dlq/queue", "arn")],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("exposes the queue, its ARN and its name", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => queue(scope));
    // Assess
    expect(built.queue).toBeInstanceOf(SqsQueue);
    expect(resolve(built.queueArn)).toBe(ref("aws_sqs_queue", "dlq/queue", "arn"));
    expect(resolve(built.queueName)).toBe(ref("aws_sqs_queue", "dlq/queue", "name"));
  });

  it("sendStatement lets a role send messages to this queue only", () => {
    // Prepare
    const { built, resolve, ref } = synthConstruct((scope) => queue(scope));
    // Act
    const statement = built.sendStatement();
    // Assess
    expect(resolve(statement)).toEqual({
      sid: "SendToDeadLetterQueue",
      effect: "Allow",
      actions: ["sqs:SendMessage"],
      resources: [ref("aws_sqs_queue", "dlq/queue", "arn")],
    });
  });

  it("acceptFromEventBridgeRule lets EventBridge send for each accepted rule, in one statement", () => {
    // Prepare
    const { json, ref, dataRef } = synthConstruct((scope) => {
      const dlq = queue(scope);
      // Act
      dlq.acceptFromEventBridgeRule("arn:aws:events:eu-west-1:123456789012:rule/schedule");
      dlq.acceptFromEventBridgeRule("arn:aws:events:eu-west-1:123456789012:rule/job_state");
    });
    // Assess
    const statements = policyStatements(json, dataRef("aws_iam_policy_document", "dlq/policy_document/document", "json"));
    expect(statements).toHaveLength(2);
    expect(statements[1]).toEqual({
      sid: "EventBridgeRulesSendUndeliveredEvents",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["sqs:SendMessage"],
      resources: [ref("aws_sqs_queue", "dlq/queue", "arn")],
      condition: [
        {
          test: "ArnEquals",
          variable: "aws:SourceArn",
          values: ["arn:aws:events:eu-west-1:123456789012:rule/schedule", "arn:aws:events:eu-west-1:123456789012:rule/job_state"],
        },
      ],
    });
  });

  it.each([59, 1209601])("rejects a retention of %p seconds", (seconds) => {
    // Act
    const act = () => synthConstruct((scope) => queue(scope, { messageRetentionSeconds: seconds }));
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      `DeadLetterQueue "dlq": \`messageRetentionSeconds\` must be an integer between 60 and 1209600 seconds, got ${seconds}.`,
    );
  });

  it("skips an unresolved retention token", () => {
    // Act
    const { synth } = synthConstruct((scope) => queue(scope, { messageRetentionSeconds: Token.asNumber(ref("local.retention")) }));
    // Assess
    expect(synth).toHaveResourceWithProperties(SqsQueue, { message_retention_seconds: "${local.retention}" });
  });
});

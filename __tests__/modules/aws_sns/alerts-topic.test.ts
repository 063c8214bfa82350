import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ref, Token } from "cdktf";
import type { Construct } from "constructs";
import { AlertsTopic, type AlertsTopicProps } from "../../../modules/aws_sns/alerts-topic";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS, testKey } from "../../support/test-context";

function topic(scope: Construct, props: Partial<AlertsTopicProps> = {}): AlertsTopic {
  return new AlertsTopic(scope, "alerts", { aws: TEST_AWS, topicName: "metriccare_alerts_dev", kmsKey: testKey(scope), ...props });
}

const POLICY = ["aws_iam_policy_document", "alerts/policy_document/document", "json"] as const;

describe("AlertsTopic", () => {
  it("creates the topic encrypted with the key", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => topic(scope));
    // Assess
    expect(synth).toHaveResourceWithProperties(SnsTopic, {
      name: "metriccare_alerts_dev",
      kms_master_key_id: ref("aws_kms_key", "key/key", "arn"),
    });
  });

  it("lets the account manage and publish to the topic and denies publishing without TLS", () => {
    // Act
    const { synth, json, ref, dataRef } = synthConstruct((scope) => topic(scope));
    // Assess
    const topicArn = ref("aws_sns_topic", "alerts/topic", "arn");
    expect(synth).toHaveResourceWithProperties(SnsTopicPolicy, { arn: topicArn, policy: dataRef(...POLICY) });
    expect(policyStatements(json, dataRef(...POLICY))).toEqual([
      {
        sid: "AccountManagesTopic",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }],
        actions: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        resources: [topicArn],
      },
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["sns:Publish"],
        resources: [topicArn],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("subscribes no one by default", () => {
    // Act
    const { json } = synthConstruct((scope) => topic(scope));
    // Assess
    expect(json.resource?.aws_sns_topic_subscription).toBeUndefined();
  });

  it("subscribes each e-mail address given, one subscription per distinct address", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => topic(scope, { emailAddresses: ["data-platform@example.org", "oncall@example.org"] }));
    // Assess
    expect(synth).toHaveResourceWithProperties(SnsTopicSubscription, {
      for_each: '${toset(toset(["data-platform@example.org", "oncall@example.org"]))}',
      topic_arn: ref("aws_sns_topic", "alerts/topic", "arn"),
      protocol: "email",
      endpoint: "${each.value}",
    });
  });

  it("subscribes a per-workspace list of addresses without checking it (the configuration loader does)", () => {
    // Act
    const { synth } = synthConstruct((scope) => topic(scope, { emailAddresses: Token.asList(ref("local.environment.alertEmails")) }));
    // Assess
    expect(synth).toHaveResourceWithProperties(SnsTopicSubscription, { for_each: "${toset(toset(local.environment.alertEmails))}" });
  });

  it("rejects an address that is not an e-mail address, naming its position", () => {
    // Act
    const act = () => synthConstruct((scope) => topic(scope, { emailAddresses: ["data-platform@example.org", "oncall at example.org"] }));
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      'AlertsTopic "alerts": `emailAddresses[1]` must be an e-mail address such as data-platform@example.org, got "oncall at example.org".',
    );
  });

  it("exposes the topic, its ARN and its name", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => topic(scope));
    // Assess
    expect(built.topic).toBeInstanceOf(SnsTopic);
    expect(resolve(built.topicArn)).toBe(ref("aws_sns_topic", "alerts/topic", "arn"));
    expect(resolve(built.topicName)).toBe(ref("aws_sns_topic", "alerts/topic", "name"));
  });

  it("publishStatement lets a role publish to this topic only", () => {
    // Prepare
    const { built, resolve, ref } = synthConstruct((scope) => topic(scope));
    // Act
    const statement = built.publishStatement();
    // Assess
    expect(resolve(statement)).toEqual({
      sid: "PublishAlerts",
      effect: "Allow",
      actions: ["sns:Publish"],
      resources: [ref("aws_sns_topic", "alerts/topic", "arn")],
    });
  });

  it("allowEventBridgeRule lets EventBridge publish for each allowed rule, in one statement", () => {
    // Prepare
    const { json, ref, dataRef } = synthConstruct((scope) => {
      const alerts = topic(scope);
      // Act
      alerts.allowEventBridgeRule("arn:aws:events:eu-west-1:123456789012:rule/job_state");
      alerts.allowEventBridgeRule("arn:aws:events:eu-west-1:123456789012:rule/other");
    });
    // Assess
    const statements = policyStatements(json, dataRef(...POLICY));
    expect(statements).toHaveLength(3);
    expect(statements[2]).toEqual({
      sid: "EventBridgeRulesPublish",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["sns:Publish"],
      resources: [ref("aws_sns_topic", "alerts/topic", "arn")],
      condition: [
        {
          test: "ArnEquals",
          variable: "aws:SourceArn",
          values: ["arn:aws:events:eu-west-1:123456789012:rule/job_state", "arn:aws:events:eu-west-1:123456789012:rule/other"],
        },
      ],
    });
  });

  it("allowCloudWatchAlarms lets this account's alarms whose names match the pattern publish", () => {
    // Prepare
    const { json, ref, dataRef } = synthConstruct((scope) => {
      const alerts = topic(scope);
      // Act
      alerts.allowCloudWatchAlarms("metriccare_*_dev");
    });
    // Assess
    const statements = policyStatements(json, dataRef(...POLICY));
    expect(statements).toHaveLength(3);
    expect(statements[2]).toEqual({
      sid: "CloudWatchAlarmsPublish",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      actions: ["sns:Publish"],
      resources: [ref("aws_sns_topic", "alerts/topic", "arn")],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
        { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:metriccare_*_dev"] },
      ],
    });
  });

  it("allowCloudWatchAlarms keeps earlier patterns when called again", () => {
    // Prepare
    const { json, dataRef } = synthConstruct((scope) => {
      const alerts = topic(scope);
      // Act
      alerts.allowCloudWatchAlarms("metriccare_*_dev");
      alerts.allowCloudWatchAlarms("billing_*_dev");
    });
    // Assess
    const statement = policyStatements(json, dataRef(...POLICY)).find((s) => s.sid === "CloudWatchAlarmsPublish");
    expect(statement?.condition).toContainEqual({
      test: "ArnLike",
      variable: "aws:SourceArn",
      values: [
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:metriccare_*_dev",
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:billing_*_dev",
      ],
    });
  });
});

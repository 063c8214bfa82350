import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import type { DataLakeKey } from "../kms/kms-key";
import { accountRootArn, arn, servicePrincipal, sourceAccountCondition, type AwsContext } from "../shared/aws-context";
import { denyInsecureTransport, ResourcePolicyDocument, type PolicyStatement } from "../shared/policy-document";
import { validatePattern } from "../shared/validation";

/** Props for {@link AlertsTopic}. */
export interface AlertsTopicProps {
  /** Where the topic lives. */
  readonly aws: AwsContext;
  /** Topic name, e.g. `metriccare_alerts_dev`. */
  readonly topicName: string;
  /** Key the topic is encrypted with. */
  readonly kmsKey: DataLakeKey;
  /**
   * E-mail addresses subscribed to the topic (each must confirm the subscription mail).
   * A list token (per-workspace setting) or literal addresses.
   * @default - no subscriptions
   */
  readonly emailAddresses?: string[];
}

/** A simple e-mail address check: one `@`, a dot in the domain, no spaces. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The alerts topic: Glue job state changes (EventBridge), CloudWatch alarms and the trigger
 * Lambda publish here; e-mail subscriptions come from configuration. Encrypted with the
 * environment key; the topic policy names each publishing service and binds it to this
 * account's rules and alarms.
 */
export class AlertsTopic extends Construct {
  /** The topic. */
  public readonly topic: SnsTopic;
  /** ARN of the topic. */
  public readonly topicArn: string;
  /** Name of the topic. */
  public readonly topicName: string;
  private readonly aws: AwsContext;
  private readonly policy: ResourcePolicyDocument;
  private readonly alarmNamePatterns = new Set<string>();

  public constructor(scope: Construct, id: string, props: AlertsTopicProps) {
    super(scope, id);
    // A per-workspace list is one token; the configuration loader checks its addresses.
    const literalAddresses = props.emailAddresses !== undefined && !Token.isUnresolved(props.emailAddresses) ? props.emailAddresses : [];
    for (const [index, address] of literalAddresses.entries()) {
      validatePattern(
        `AlertsTopic "${id}"`,
        `emailAddresses[${index}]`,
        address,
        EMAIL_PATTERN,
        "an e-mail address such as data-platform@example.org",
      );
    }

    this.aws = props.aws;
    this.topic = new SnsTopic(this, "topic", { name: props.topicName, kmsMasterKeyId: props.kmsKey.keyArn });
    props.kmsKey.allowPublishingTo(props.topicName);
    this.topicArn = this.topic.arn;
    this.topicName = this.topic.name;

    this.policy = new ResourcePolicyDocument(this, "policy_document", [
      {
        sid: "AccountManagesTopic",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [accountRootArn(this.aws)] }],
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
        resources: [this.topicArn],
      },
      denyInsecureTransport(["sns:Publish"], [this.topicArn]),
    ]);
    new SnsTopicPolicy(this, "policy", { arn: this.topicArn, policy: this.policy.json });

    if (props.emailAddresses !== undefined) {
      const addresses = TerraformIterator.fromList(Fn.toset(props.emailAddresses));
      new SnsTopicSubscription(this, "email", {
        forEach: addresses,
        topicArn: this.topicArn,
        protocol: "email",
        endpoint: addresses.value,
      });
    }
  }

  /** IAM statement for a role that publishes alerts (it also needs the key: `DataLakeKey.encryptDecryptStatement`). */
  public publishStatement(): PolicyStatement {
    return { sid: "PublishAlerts", effect: "Allow", actions: ["sns:Publish"], resources: [this.topicArn] };
  }

  /** Lets an EventBridge rule publish (rule targets need a resource policy). */
  public allowEventBridgeRule(ruleArn: string): void {
    this.policy.allowServiceFrom({
      sid: "EventBridgeRulesPublish",
      servicePrincipal: servicePrincipal(this.aws, "events"),
      actions: ["sns:Publish"],
      resources: [this.topicArn],
      sourceArn: ruleArn,
    });
  }

  /** Lets this account's CloudWatch alarms whose names match `alarmNamePattern` (`*` wildcards) publish. */
  public allowCloudWatchAlarms(alarmNamePattern: string): void {
    // Every construct with alarms asks; one statement covers one name pattern.
    if (this.alarmNamePatterns.has(alarmNamePattern)) return;
    this.alarmNamePatterns.add(alarmNamePattern);
    this.policy.allowServiceFrom({
      sid: "CloudWatchAlarmsPublish",
      servicePrincipal: servicePrincipal(this.aws, "cloudwatch"),
      actions: ["sns:Publish"],
      resources: [this.topicArn],
      sourceArn: arn(this.aws, "cloudwatch", `alarm:${alarmNamePattern}`),
      sourceArnPattern: true,
      conditions: [sourceAccountCondition(this.aws)],
    });
  }
}

import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import type { DataLakeKey } from "../kms/kms-key";
import { servicePrincipal, type AwsContext } from "../shared/aws-context";
import { denyInsecureTransport, ResourcePolicyDocument, type PolicyStatement } from "../shared/policy-document";
import { validateIntegerRange } from "../shared/validation";

/** Props for {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /** Where the queue lives. */
  readonly aws: AwsContext;
  /** Queue name. */
  readonly queueName: string;
  /** Key the messages are encrypted with. */
  readonly kmsKey: DataLakeKey;
  /**
   * How long failed events are kept, in seconds.
   * @default 1209600 (14 days, the SQS maximum)
   */
  readonly messageRetentionSeconds?: number;
}

/**
 * An SQS queue that keeps events a service could not deliver (Lambda's on-failure destination,
 * EventBridge target dead-letter queues), encrypted with the environment key, TLS only.
 */
export class DeadLetterQueue extends Construct {
  /** The queue. */
  public readonly queue: SqsQueue;
  /** ARN of the queue. */
  public readonly queueArn: string;
  /** Name of the queue. */
  public readonly queueName: string;
  private readonly aws: AwsContext;
  private readonly kmsKey: DataLakeKey;
  private readonly policy: ResourcePolicyDocument;

  public constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const messageRetentionSeconds = props.messageRetentionSeconds ?? 1209600;
    validateIntegerRange(`DeadLetterQueue "${id}"`, "messageRetentionSeconds", messageRetentionSeconds, 60, 1209600, "seconds");

    this.aws = props.aws;
    this.kmsKey = props.kmsKey;
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      kmsMasterKeyId: props.kmsKey.keyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds,
    });
    this.queueArn = this.queue.arn;
    this.queueName = this.queue.name;
    this.policy = new ResourcePolicyDocument(this, "policy_document", [denyInsecureTransport(["sqs:*"], [this.queueArn])]);
    new SqsQueuePolicy(this, "policy", { queueUrl: this.queue.url, policy: this.policy.json });
  }

  /** IAM statement for a role that sends failed events here (it also needs the key). */
  public sendStatement(): PolicyStatement {
    return { sid: "SendToDeadLetterQueue", effect: "Allow", actions: ["sqs:SendMessage"], resources: [this.queueArn] };
  }

  /** Lets an EventBridge rule send the events its targets could not take. */
  public acceptFromEventBridgeRule(ruleArn: string): void {
    this.kmsKey.allowEventBridgeDeadLetters(ruleArn);
    this.policy.allowServiceFrom({
      sid: "EventBridgeRulesSendUndeliveredEvents",
      servicePrincipal: servicePrincipal(this.aws, "events"),
      actions: ["sqs:SendMessage"],
      resources: [this.queueArn],
      sourceArn: ruleArn,
    });
  }
}

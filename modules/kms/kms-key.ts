import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import { arn, servicePrincipal } from "../shared/aws-context";
import type { PolicyStatement } from "../shared/policy-document";
import { CustomerManagedKey, KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_ACTIONS, type CustomerManagedKeyProps } from "./customer-managed-key";

export { KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_ACTIONS } from "./customer-managed-key";

/** Props for {@link DataLakeKey}. */
export type DataLakeKeyProps = CustomerManagedKeyProps;

const PUBLISH_TO_ENCRYPTED = ["kms:Decrypt", "kms:GenerateDataKey"];
/** Services the pipeline roles use the key through (kms:ViaService). */
const KEY_SERVICES = ["s3", "dynamodb", "sns", "sqs", "lambda", "glue"];
/** What an uploader needs for single and multipart SSE-KMS uploads (S3 User Guide, multipart upload permissions). */
const UPLOAD_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

/** Principals that deliver files into one bucket prefix, and nothing else, with the key. */
export interface KeyUploaders {
  /** The uploaders (a list token: the per-workspace setting, or its fallback); never empty. */
  readonly principalArns: string[];
  /** The bucket they upload to. */
  readonly bucketArn: string;
  /** The key prefix they upload under, ending in `/`. */
  readonly prefix: string;
}

/**
 * The environment's key for protected health information: the raw and lakehouse buckets, the
 * processed-files table, logs, queues and alerts. The key policy grants each AWS service principal
 * only what it uses and only for this environment's log groups, topic and queues, and denies the
 * key's data operations to every principal that is not a pipeline role, a named data-access role,
 * an uploader (through S3, into its bucket only) or an AWS service. Deployment artifacts and the
 * audit trail have keys of their own (`ArtifactsKey`, `AuditLogKey`).
 */
export class DataLakeKey extends CustomerManagedKey {
  private readonly logGroupArns: string[] = [];
  private readonly topicArns: string[] = [];
  private readonly deadLetterRuleArns: string[] = [];
  private readonly dataPrincipals: string[] = [];
  // Per-workspace lists (tokens) of further principals, concatenated in the policy.
  private readonly dataPrincipalLists: string[][] = [];
  private uploaders?: KeyUploaders;

  public constructor(scope: Construct, id: string, props: DataLakeKeyProps) {
    super(scope, id, props);
    this.updateDataOperationStatements();
  }

  /**
   * IAM statements for a pipeline role that reads and writes data encrypted with this key through
   * the services that encrypt for it (S3, DynamoDB, SNS, SQS, Lambda, Glue). The role must also be
   * named with {@link allowDataAccess}.
   */
  public encryptDecryptStatement(): PolicyStatement {
    return this.useThroughServicesStatement(
      "UseEnvironmentKeyThroughServices",
      ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      KEY_SERVICES,
    );
  }

  /**
   * Lets `principalArns` (pipeline roles, an analyst or break-glass role) use the key's data
   * operations; a list token (a per-workspace setting) is concatenated as a whole.
   */
  public allowDataAccess(...principalArns: string[]): void {
    for (const principal of principalArns) this.dataPrincipals.push(principal);
    this.updateDataOperationStatements();
  }

  /** Like {@link allowDataAccess}, for a list token (a per-workspace setting). */
  public allowDataAccessList(principalArns: string[]): void {
    this.dataPrincipalLists.push(principalArns);
    this.updateDataOperationStatements();
  }

  /**
   * Lets uploaders encrypt what they put under one prefix of one bucket, single and multipart (S3
   * needs kms:Decrypt to assemble SSE-KMS parts), and nothing else: through S3 only, with that
   * bucket's encryption context. Named directly, so that an uploader needs no KMS rights of its own.
   */
  public allowUploadsThroughS3(uploaders: KeyUploaders): void {
    this.uploaders = uploaders;
    const who = { test: "ArnLike", variable: "aws:PrincipalArn", values: uploaders.principalArns };
    const denyUploaders = (sid: string, condition: PolicyStatement["condition"]): PolicyStatement => ({
      sid,
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: [...KEY_DECRYPT_ACTIONS, ...KEY_ENCRYPT_ACTIONS],
      resources: ["*"],
      condition,
    });
    this.policy.upsert({
      sid: "UploadersEncryptThroughS3",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: uploaders.principalArns }],
      actions: UPLOAD_ACTIONS,
      resources: ["*"],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [servicePrincipal(this.aws, "s3", { regional: true })] }],
    });
    this.policy.upsert(
      denyUploaders("UploadersOnlyThroughS3", [
        who,
        { test: "StringNotEquals", variable: "kms:ViaService", values: [servicePrincipal(this.aws, "s3", { regional: true })] },
      ]),
    );
    // With S3 Bucket Keys the context is the bucket ARN, without them the object's (S3 User Guide, "Encryption context").
    this.policy.upsert(
      denyUploaders("UploadersOnlyIntoTheirBucket", [
        who,
        {
          test: "ArnNotLike",
          variable: "kms:EncryptionContext:aws:s3:arn",
          values: [uploaders.bucketArn, `${uploaders.bucketArn}/${uploaders.prefix}*`],
        },
      ]),
    );
    this.updateDataOperationStatements();
  }

  /** Lets CloudWatch Logs encrypt and read the log group `logGroupName` of this environment. */
  public allowLogGroup(logGroupName: string): void {
    this.logGroupArns.push(arn(this.aws, "logs", `log-group:${logGroupName}`));
    this.policy.upsert({
      sid: "CloudWatchLogsEncryptsThisEnvironmentsLogGroups",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: [servicePrincipal(this.aws, "logs", { regional: true })] }],
      actions: [
        ...KEY_ENCRYPT_ACTIONS.filter((a) => a !== "kms:GenerateDataKeyPair" && a !== "kms:GenerateDataKeyPairWithoutPlaintext"),
        "kms:Decrypt",
        "kms:DescribeKey",
      ],
      resources: ["*"],
      condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: [...this.logGroupArns] }],
    });
  }

  /**
   * Lets EventBridge and CloudWatch alarms publish to this environment's topic `topicName`.
   * Bound by the encryption context SNS sends with each data key request, the topic ARN
   * (`kms:EncryptionContext:aws:sns:topicArn`, as in https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html;
   * SNS does not support aws:SourceArn for EventBridge publishing, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html),
   * built from the name: the topic itself depends on the key.
   */
  public allowPublishingTo(topicName: string): void {
    this.topicArns.push(arn(this.aws, "sns", topicName));
    this.policy.upsert({
      sid: "EventBridgeAndAlarmsPublishToThisEnvironmentsTopic",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["events", "cloudwatch"].map((s) => servicePrincipal(this.aws, s)) }],
      actions: PUBLISH_TO_ENCRYPTED,
      resources: ["*"],
      condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:sns:topicArn", values: [...this.topicArns] }],
    });
  }

  /**
   * Lets EventBridge send the undeliverable events of the rule `ruleArn` to an encrypted queue:
   * bound by `aws:SourceArn`, the rule, as the SQS Developer Guide documents for event sources
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
   */
  public allowEventBridgeDeadLetters(ruleArn: string): void {
    this.deadLetterRuleArns.push(ruleArn);
    this.policy.upsert({
      sid: "EventBridgeSendsToThisEnvironmentsDeadLetterQueues",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: [servicePrincipal(this.aws, "events")] }],
      actions: PUBLISH_TO_ENCRYPTED,
      resources: ["*"],
      condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [...this.deadLetterRuleArns] }],
    });
  }

  private updateDataOperationStatements(): void {
    const lists = [...this.dataPrincipalLists, ...(this.uploaders ? [this.uploaders.principalArns] : [])];
    const principalArns = lists.length === 0 ? this.dataPrincipals : Token.asList(Fn.concat([this.dataPrincipals, ...lists]));
    const deny = (sid: string, actions: string[]): PolicyStatement => ({
      sid,
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions,
      resources: ["*"],
      condition: [
        ...(principalArns.length > 0 || Token.isUnresolved(principalArns)
          ? [{ test: "ArnNotLike", variable: "aws:PrincipalArn", values: [...principalArns] }]
          : []),
        // AWS services acting on their own behalf (CloudWatch Logs, EventBridge); a service acting
        // for a caller (S3, DynamoDB) calls KMS as that caller, which the ARN list decides.
        { test: "Bool", variable: "aws:PrincipalIsAWSService", values: ["false"] },
      ],
    });
    this.policy.upsert(deny("DecryptOnlyForPipelineDataAccessAndUploaderRoles", KEY_DECRYPT_ACTIONS));
    this.policy.upsert(deny("EncryptOnlyForPipelineDataAccessAndUploaderRoles", KEY_ENCRYPT_ACTIONS));
  }
}

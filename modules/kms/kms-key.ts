import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { ResourcePolicyDocument, type PolicyStatement } from "../shared/policy-document";
import { accountRootArn, arn, servicePrincipal, sourceAccountCondition, type AwsContext } from "../shared/aws-context";
import { validateIntegerRange, validatePattern } from "../shared/validation";

/** Props for {@link DataLakeKey}. */
export interface DataLakeKeyProps {
  /** Where the key lives. */
  readonly aws: AwsContext;
  /** Alias, e.g. `alias/metriccare-dev`. */
  readonly aliasName: string;
  /** What the key protects. */
  readonly description: string;
  /**
   * Days KMS waits before deleting the key after `terraform destroy`.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
}

const ENCRYPT_DECRYPT = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
const PUBLISH_TO_ENCRYPTED = ["kms:Decrypt", "kms:GenerateDataKey*"];

/**
 * The environment's customer-managed key: S3, DynamoDB, SNS, SQS, CloudWatch Logs, Lambda
 * environment variables and Glue all encrypt with it. Rotation is on; the key policy grants
 * exactly the service principals that encrypt on their own behalf, each bound to this account.
 * IAM roles reach the key through their own policies (the root statement enables that).
 */
export class DataLakeKey extends Construct {
  /** The KMS key. */
  public readonly key: KmsKey;
  /** ARN of the key. */
  public readonly keyArn: string;
  /** Id of the key. */
  public readonly keyId: string;
  private readonly policy: ResourcePolicyDocument;

  public constructor(scope: Construct, id: string, props: DataLakeKeyProps) {
    super(scope, id);
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    validateIntegerRange(`DataLakeKey "${id}"`, "deletionWindowInDays", deletionWindowInDays, 7, 30, "days");
    validatePattern(
      `DataLakeKey "${id}"`,
      "aliasName",
      props.aliasName,
      /^alias\/(?!aws\/)[a-zA-Z0-9/_-]+$/,
      'of the form "alias/<letters, digits, /, _ or ->" and not start with "alias/aws/"',
    );

    const aws = props.aws;
    this.policy = new ResourcePolicyDocument(this, "policy", [
      {
        sid: "AccountAdministersKeyThroughIam",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [accountRootArn(aws)] }],
        // Key policies require this statement or the key becomes unmanageable; in a key policy
        // "*" means this key only. IAM policies then grant the roles exact actions.
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [servicePrincipal(aws, "logs", { regional: true })] }],
        actions: ENCRYPT_DECRYPT,
        resources: ["*"],
        condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: [arn(aws, "logs", "log-group:*")] }],
      },
      // Bound by the encryption context SNS and SQS send with each data key request (the topic or
      // queue ARN), not by aws:SourceAccount, which these publishing services do not always add.
      {
        sid: "EventBridgeAndAlarmsPublishToEncryptedTopics",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["events", "cloudwatch"].map((s) => servicePrincipal(aws, s)) }],
        actions: PUBLISH_TO_ENCRYPTED,
        resources: ["*"],
        condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:sns:topicArn", values: [arn(aws, "sns", "*")] }],
      },
      {
        sid: "EventBridgeSendsToEncryptedDeadLetterQueues",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [servicePrincipal(aws, "events")] }],
        actions: PUBLISH_TO_ENCRYPTED,
        resources: ["*"],
        condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:sqs:arn", values: [arn(aws, "sqs", "*")] }],
      },
      {
        sid: "ServicesDeliverToEncryptedTopicsAndQueues",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["sns", "s3"].map((s) => servicePrincipal(aws, s)) }],
        actions: PUBLISH_TO_ENCRYPTED,
        resources: ["*"],
        condition: [sourceAccountCondition(aws)],
      },
      {
        sid: "DataServicesEncryptForThisAccount",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["dynamodb", "glue"].map((s) => servicePrincipal(aws, s)) }],
        actions: ENCRYPT_DECRYPT,
        resources: ["*"],
        condition: [sourceAccountCondition(aws)],
      },
    ]);
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: this.policy.json,
    });
    new KmsAlias(this, "alias", { name: props.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /** IAM statement for a role that reads and writes data encrypted with this key. */
  public encryptDecryptStatement(): PolicyStatement {
    return { sid: "UseEnvironmentKey", effect: "Allow", actions: ENCRYPT_DECRYPT, resources: [this.keyArn] };
  }

  /** Adds a key policy statement for an optional feature (e.g. the CloudTrail trail). */
  public addToKeyPolicy(statement: PolicyStatement): void {
    this.policy.upsert(statement);
  }
}

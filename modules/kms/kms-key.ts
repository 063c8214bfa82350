import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ResourcePolicyDocument, type PolicyStatement } from "../shared/policy-document";
import { accountRootArn, arn, servicePrincipal, type AwsContext } from "../shared/aws-context";
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
  /**
   * `lifecycle.prevent_destroy`: Terraform refuses to plan the key's deletion.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** Key operations that read data: whoever may call them can read what the key protects. */
export const KEY_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"];
/** Key operations that encrypt new data (a fresh data key reads nothing already stored). */
export const KEY_ENCRYPT_ACTIONS = [
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
];
const PUBLISH_TO_ENCRYPTED = ["kms:Decrypt", "kms:GenerateDataKey"];
/** Services the pipeline roles use the key through (kms:ViaService). */
const KEY_SERVICES = ["s3", "dynamodb", "sns", "sqs", "lambda", "glue"];

/**
 * The environment's customer-managed key: S3, DynamoDB, SNS, SQS, CloudWatch Logs, Lambda
 * environment variables and Glue all encrypt with it. Rotation is on. The key policy keeps key
 * administration with the account (IAM policies), grants each AWS service principal only what it
 * uses and only for this environment's log groups, topic and queues, and denies the key's data
 * operations to every principal that is not a pipeline role, a named data-access role or an AWS
 * service (encryption also to the deployers, who upload the scripts).
 */
export class DataLakeKey extends Construct {
  /** The KMS key. */
  public readonly key: KmsKey;
  /** ARN of the key. */
  public readonly keyArn: string;
  /** Id of the key. */
  public readonly keyId: string;
  private readonly aws: AwsContext;
  private readonly policy: ResourcePolicyDocument;
  private readonly logGroupArns: string[] = [];
  private readonly topicArns: string[] = [];
  private readonly queueArns: string[] = [];
  private readonly dataPrincipals: string[] = [];
  private readonly encryptPrincipals: string[] = [];
  // Per-workspace lists (tokens) of further principals, concatenated in the policy.
  private readonly dataPrincipalLists: string[][] = [];
  private readonly encryptPrincipalLists: string[][] = [];

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

    this.aws = props.aws;
    this.policy = new ResourcePolicyDocument(this, "policy", [
      {
        sid: "AccountAdministersKeyThroughIam",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [accountRootArn(this.aws)] }],
        // Key policies require this statement or the key becomes unmanageable; in a key policy
        // "*" means this key only. The Deny statements below take the data operations back from
        // every principal but the pipeline's.
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "GrantsOnlyForAwsResources",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        // A grant would hand Decrypt to a principal the Deny statements do not name; services
        // (DynamoDB, Lambda) create the grants they need with kms:GrantIsForAWSResource.
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["false"] }],
      },
    ]);
    this.updateDataOperationStatements();
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: this.policy.json,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, "alias", { name: props.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /**
   * IAM statements for a pipeline role that reads and writes data encrypted with this key through
   * the services that encrypt for it (S3, DynamoDB, SNS, SQS, Lambda, Glue). The role must also be
   * named with {@link allowDataAccess}.
   */
  public encryptDecryptStatement(): PolicyStatement {
    return {
      sid: "UseEnvironmentKeyThroughServices",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      resources: [this.keyArn],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: KEY_SERVICES.map((s) => servicePrincipal(this.aws, s, { regional: true })),
        },
      ],
    };
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

  /** Lets deployers (a list, may be a token) encrypt new data, e.g. the scripts Terraform uploads, but not decrypt. */
  public allowEncryptionList(principalArns: string[]): void {
    this.encryptPrincipalLists.push(principalArns);
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
   * Bound by the encryption context SNS sends with each data key request (the topic ARN), built
   * from the name: the topic itself depends on the key.
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

  /** Lets EventBridge send undeliverable events to this environment's queue `queueName` (encryption context: the queue ARN). */
  public allowDeadLetterQueue(queueName: string): void {
    this.queueArns.push(arn(this.aws, "sqs", queueName));
    this.policy.upsert({
      sid: "EventBridgeSendsToThisEnvironmentsDeadLetterQueues",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: [servicePrincipal(this.aws, "events")] }],
      actions: PUBLISH_TO_ENCRYPTED,
      resources: ["*"],
      condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:sqs:arn", values: [...this.queueArns] }],
    });
  }

  private updateDataOperationStatements(): void {
    const arns = (literal: string[], lists: string[][]): string[] =>
      lists.length === 0 ? literal : Token.asList(Fn.concat([literal, ...lists]));
    const deny = (sid: string, actions: string[], principalArns: string[]): PolicyStatement => ({
      sid,
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions,
      resources: ["*"],
      condition: [
        ...(principalArns.length > 0 || Token.isUnresolved(principalArns)
          ? [{ test: "ArnNotLike", variable: "aws:PrincipalArn", values: [...principalArns] }]
          : []),
        // AWS services acting on their own behalf (CloudWatch Logs, EventBridge, CloudTrail); a
        // service acting for a caller (S3, DynamoDB) calls KMS as that caller, which the ARN list decides.
        { test: "Bool", variable: "aws:PrincipalIsAWSService", values: ["false"] },
      ],
    });
    this.policy.upsert(
      deny("DecryptOnlyForPipelineAndDataAccessRoles", KEY_DECRYPT_ACTIONS, arns(this.dataPrincipals, this.dataPrincipalLists)),
    );
    this.policy.upsert(
      deny(
        "EncryptOnlyForPipelineDataAccessAndDeployerRoles",
        KEY_ENCRYPT_ACTIONS,
        arns([...this.dataPrincipals, ...this.encryptPrincipals], [...this.dataPrincipalLists, ...this.encryptPrincipalLists]),
      ),
    );
  }

  /** Adds a key policy statement for an optional feature (e.g. the CloudTrail trail). */
  public addToKeyPolicy(statement: PolicyStatement): void {
    this.policy.upsert(statement);
  }
}

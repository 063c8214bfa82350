import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { accountRootArn, servicePrincipal, type AwsContext } from "../shared/aws-context";
import { ResourcePolicyDocument, type PolicyStatement } from "../shared/policy-document";
import { validateIntegerRange, validatePattern } from "../shared/validation";

/** Props for {@link CustomerManagedKey} and the keys built on it. */
export interface CustomerManagedKeyProps {
  /** Where the key lives. */
  readonly aws: AwsContext;
  /** Alias, e.g. `alias/metriccare_data_dev`. */
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

/**
 * A rotating customer-managed key with an alias, whose key policy keeps administration with the
 * account (IAM policies decide) and lets no principal create a grant for anything but an AWS
 * resource. The keys of this project (patient data, deployment artifacts, the audit trail) each
 * add the statements of their purpose.
 */
export class CustomerManagedKey extends Construct {
  /** The KMS key. */
  public readonly key: KmsKey;
  /** ARN of the key. */
  public readonly keyArn: string;
  /** Id of the key. */
  public readonly keyId: string;
  protected readonly aws: AwsContext;
  protected readonly policy: ResourcePolicyDocument;

  public constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    const owner = `${new.target.name} "${id}"`;
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    validateIntegerRange(owner, "deletionWindowInDays", deletionWindowInDays, 7, 30, "days");
    validatePattern(
      owner,
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
        // "*" means this key only.
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "GrantsOnlyForAwsResources",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        // A grant would hand Decrypt to a principal the policy does not name; services
        // (DynamoDB, Lambda) create the grants they need with kms:GrantIsForAWSResource.
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["false"] }],
      },
    ]);
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
   * IAM statement that lets a role use the key only through `services` (`kms:ViaService`), e.g.
   * `["s3"]` to read objects encrypted with it; the key policy must not deny the role.
   */
  public useThroughServicesStatement(sid: string, actions: readonly string[], services: readonly string[]): PolicyStatement {
    return {
      sid,
      effect: "Allow",
      actions: [...actions],
      resources: [this.keyArn],
      condition: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: services.map((s) => servicePrincipal(this.aws, s, { regional: true })),
        },
      ],
    };
  }

  /** Adds a key policy statement (a statement with the same sid is replaced). */
  public addToKeyPolicy(statement: PolicyStatement): void {
    this.policy.upsert(statement);
  }
}

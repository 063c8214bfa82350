import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

/** Props for {@link ServiceRole}. */
export interface ServiceRoleProps {
  /** Name of the IAM role. */
  readonly roleName: string;
  /** The one service principal allowed to assume the role, e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  /**
   * The account the service must act for (`aws:SourceAccount`, confused-deputy protection).
   * @default - no condition (only for tests of the role shape)
   */
  readonly sourceAccount?: string;
  /**
   * `aws:SourceArn` pattern (ArnLike) of the resources the service acts for, where the service sends it.
   * @default - no condition
   */
  readonly sourceArnPattern?: string;
  /** Inline policy statements: each names exact actions and resources. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /** What the role is for. */
  readonly description: string;
  /**
   * Permissions boundary attached to the role, for accounts that require one.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * An IAM role that one AWS service assumes, with one inline least-privilege policy.
 * Every role in this project is built here so the trust policy shape is written once.
 */
export class ServiceRole extends Construct {
  /** The IAM role. */
  public readonly role: IamRole;
  /** ARN of the role. */
  public readonly roleArn: string;
  /** Name of the role. */
  public readonly roleName: string;
  /** The inline policy: resources that act with the role depend on it. */
  public readonly policy: IamRolePolicy;

  public constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);

    const conditions = [
      ...(props.sourceAccount === undefined
        ? []
        : [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.sourceAccount] }]),
      ...(props.sourceArnPattern === undefined ? [] : [{ test: "ArnLike", variable: "aws:SourceArn", values: [props.sourceArnPattern] }]),
    ];
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [props.servicePrincipal] }],
          ...(conditions.length > 0 ? { condition: conditions } : {}),
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", { statement: props.statements });
    this.policy = new IamRolePolicy(this, "policy", { name: "least-privilege", role: this.role.id, policy: permissions.json });

    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
  }
}

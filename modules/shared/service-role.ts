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
 * The trust policy names the service and nothing else: `aws:SourceArn`/`aws:SourceAccount` are in
 * the request only when a service calls a resource directly for a resource of yours
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn),
 * and neither Lambda (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html)
 * nor Glue (https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html) documents sending them
 * when it assumes a role; a condition on them could keep every run from starting. Who may hand the
 * role to the service is `iam:PassRole`'s to decide.
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

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [props.servicePrincipal] }],
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

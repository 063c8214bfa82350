import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";

export type PolicyStatement = DataAwsIamPolicyDocumentStatement;

/**
 * A resource policy that other constructs can add to after it is created (a bucket that accepts
 * access logs, a topic that EventBridge publishes to). Statements are keyed by `sid`: adding a
 * statement with a known sid replaces it.
 */
export class ResourcePolicyDocument extends Construct {
  /** The policy as JSON, for the resource's `policy` argument. */
  public readonly json: string;
  private readonly document: DataAwsIamPolicyDocument;
  private readonly statements: PolicyStatement[];

  public constructor(scope: Construct, id: string, statements: readonly PolicyStatement[]) {
    super(scope, id);
    this.statements = [...statements];
    this.document = new DataAwsIamPolicyDocument(this, "document", { statement: this.statements });
    this.json = this.document.json;
  }

  /** Adds `statement`, or replaces the statement with the same sid. */
  public upsert(statement: PolicyStatement): void {
    if (statement.sid === undefined) throw new Error("ResourcePolicyDocument: statements need a `sid` so they can be replaced.");
    const existing = this.statements.findIndex((s) => s.sid === statement.sid);
    if (existing >= 0) this.statements.splice(existing, 1, statement);
    else this.statements.push(statement);
    this.document.putStatement(this.statements);
  }
}

/** Denies `actions` on `resources` to any request that does not use TLS. */
export function denyInsecureTransport(actions: string[], resources: string[]): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions,
    resources,
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}

import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";

export type PolicyStatement = DataAwsIamPolicyDocumentStatement;

/** What {@link ResourcePolicyDocument.allowServiceFrom} grants. */
export interface ServiceGrant {
  /** Statement id; grants with the same sid share one statement. */
  readonly sid: string;
  /** The service principal, e.g. `events.amazonaws.com`. */
  readonly servicePrincipal: string;
  readonly actions: string[];
  readonly resources: string[];
  /** The resource the service acts for. */
  readonly sourceArn: string;
  /**
   * `sourceArn` contains `*` wildcards (ArnLike) rather than being one ARN (ArnEquals).
   * @default false
   */
  readonly sourceArnPattern?: boolean;
  /**
   * Conditions that come before the source ARN's, e.g. `sourceAccountCondition()` for sources
   * whose ARN names no account, such as buckets.
   * @default - none
   */
  readonly conditions?: DataAwsIamPolicyDocumentStatementCondition[];
}

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
  private readonly sources = new Map<string, string[]>();

  public constructor(scope: Construct, id: string, statements: readonly PolicyStatement[]) {
    super(scope, id);
    this.statements = [...statements];
    this.document = new DataAwsIamPolicyDocument(this, "document", { statement: this.statements });
    this.json = this.document.json;
  }

  /**
   * Lets an AWS service act on behalf of one more source (an EventBridge rule, a bucket, an alarm
   * pattern): every call with the same sid adds `sourceArn` to that statement's `aws:SourceArn` list.
   */
  public allowServiceFrom(grant: ServiceGrant): void {
    const sources = [...(this.sources.get(grant.sid) ?? []), grant.sourceArn];
    this.sources.set(grant.sid, sources);
    this.upsert({
      sid: grant.sid,
      effect: "Allow",
      principals: [{ type: "Service", identifiers: [grant.servicePrincipal] }],
      actions: grant.actions,
      resources: grant.resources,
      condition: [
        ...(grant.conditions ?? []),
        { test: grant.sourceArnPattern ? "ArnLike" : "ArnEquals", variable: "aws:SourceArn", values: sources },
      ],
    });
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

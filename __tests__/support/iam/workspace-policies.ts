import { createHash } from "node:crypto";
import { metadataPath, type TerraformJson } from "../terraform-json";
import type { PolicyDocument, PolicyStatementJson, Principal, ResourcePolicy } from "./policy-evaluator";
import { descend, evaluateString, type Value } from "./terraform-expressions";

// The policy documents one workspace gets from the synthesized JSON, resolved as Terraform would:
// `local.environment` is the workspace's entry, ARNs are built the way AWS names each resource
// type (attributes AWS computes, such as a key id, get a fixed stand-in), and every
// `aws_iam_policy_document` is rendered the way the provider renders it (statement blocks to
// IAM JSON; https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document).

/** Where the workspace is deployed, and who runs Terraform. */
export interface WorkspaceTarget {
  readonly workspace: string;
  readonly accountId: string;
  /** The role that runs Terraform (`aws_iam_session_context.issuer_arn`). */
  readonly deployerRoleArn: string;
}

/** An IAM role of the stack with its resolved policies. */
export interface StackRole {
  readonly name: string;
  readonly arn: string;
  readonly trust: PolicyDocument;
  readonly policies: readonly PolicyDocument[];
  readonly permissionsBoundaryArn?: string;
}

/** The resolved, workspace-specific view of a synthesized stack. */
export class WorkspacePolicies {
  public readonly region: string;
  public readonly roles: ReadonlyMap<string, StackRole>;
  private readonly json: TerraformJson;
  private readonly target: WorkspaceTarget;
  private readonly cache = new Map<string, Value>();
  private readonly resolving: string[] = [];

  public constructor(json: TerraformJson, target: WorkspaceTarget) {
    this.json = json;
    this.target = target;
    const provider = json.provider?.aws?.[0];
    this.region = String(provider?.region ?? "");
    const roles = new Map<string, StackRole>();
    for (const [id] of Object.entries(json.resource?.aws_iam_role ?? {})) {
      const role = this.resource("aws_iam_role", id);
      const name = String(role.name);
      roles.set(name, {
        name,
        arn: String(role.arn),
        trust: parseDocument(role.assume_role_policy, `aws_iam_role.${id}.assume_role_policy`),
        policies: this.inlinePolicies(name),
        permissionsBoundaryArn: role.permissions_boundary === undefined ? undefined : String(role.permissions_boundary),
      });
    }
    this.roles = roles;
  }

  /** The value of a JSON argument, resolved for the workspace. */
  public resolve(value: unknown, where = "value"): Value {
    if (typeof value === "string") return evaluateString(value, (steps) => this.traverse(steps, where));
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}[${i}]`));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => k !== "//")
          .map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]),
      );
    }
    return (value ?? null) as Value;
  }

  /** A resource's arguments and computed attributes, resolved; `count = 0` resources are reported as absent. */
  public resource(type: string, id: string): Record<string, Value> {
    const key = `${type}.${id}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached as Record<string, Value>;
    const block = this.json.resource?.[type]?.[id];
    if (block === undefined) throw new Error(`No resource ${key} in the synthesized JSON.`);
    if (this.resolving.includes(key)) throw new Error(`Reference cycle: ${[...this.resolving, key].join(" → ")}`);
    this.resolving.push(key);
    // Meta-arguments are not attributes (depends_on names whole resources, lifecycle holds checks).
    const { depends_on: _dependsOn, lifecycle: _lifecycle, provider: _provider, count: _count, ...rest } = block;
    const args = this.resolve(rest, key) as Record<string, Value>;
    const all = { ...args, ...this.arnAttributes(type, args) };
    this.resolving.pop();
    this.cache.set(key, all);
    return all;
  }

  /** Whether a resource exists in this workspace (its `count`, if any, is not 0). */
  public exists(type: string, id: string): boolean {
    const count = this.json.resource?.[type]?.[id]?.count;
    return count === undefined || Number(this.resolve(count)) > 0;
  }

  /** Every resource of `type` that exists in the workspace, resolved. */
  public resources(type: string): Record<string, Value>[] {
    return Object.keys(this.json.resource?.[type] ?? {})
      .filter((id) => this.exists(type, id))
      .map((id) => this.resource(type, id));
  }

  /** The resolved resource of `type` whose construct path ends with `pathSuffix` (`/kms/key`), or undefined. */
  public resourceAt(type: string, pathSuffix: string): Record<string, Value> | undefined {
    const [id] = Object.entries(this.json.resource?.[type] ?? {}).find(([, block]) => metadataPath(block).endsWith(pathSuffix)) ?? [];
    return id === undefined || !this.exists(type, id) ? undefined : this.resource(type, id);
  }

  /** One argument of every resource of `type` that exists, resolved (the rest of each resource is left alone). */
  public argumentOf(type: string, argument: string): Value[] {
    return Object.entries(this.json.resource?.[type] ?? {})
      .filter(([id]) => this.exists(type, id))
      .map(([id, block]) => this.resolve(block[argument], `${type}.${id}.${argument}`));
  }

  /** The first resolved resource of `type` for which `test` holds. */
  public find(type: string, test: (resource: Record<string, Value>) => boolean): Record<string, Value> | undefined {
    return this.resources(type).find(test);
  }

  /** A bucket's default encryption: its KMS key and whether S3 Bucket Keys are on (undefined for SSE-S3). */
  public bucketEncryption(bucketName: string): { keyArn: string; bucketKey: boolean } | undefined {
    const configuration = this.find("aws_s3_bucket_server_side_encryption_configuration", (c) => c.bucket === bucketName);
    const [rule] = (configuration?.rule ?? []) as Record<string, Value>[];
    const byDefault = rule?.apply_server_side_encryption_by_default as Record<string, Value> | undefined;
    if (byDefault?.sse_algorithm !== "aws:kms") return undefined;
    return { keyArn: String(byDefault.kms_master_key_id), bucketKey: rule?.bucket_key_enabled === true };
  }

  /**
   * Every name and ARN of the stack's resources as this workspace resolves them, keyed by the same
   * resource's value in `other`: recorded calls of one workspace, renamed for another.
   */
  public renamesFrom(other: WorkspacePolicies): Map<string, string> {
    const renames = new Map<string, string>();
    const attributes = ["arn", "id", "name", "bucket", "function_name", "url", "key_id", "role", "description", "alarm_name", "namespace"];
    const resolved = (policies: WorkspacePolicies, type: string, id: string): Record<string, Value> | undefined => {
      try {
        return policies.exists(type, id) ? policies.resource(type, id) : undefined;
      } catch {
        // Arguments this resolver does not model (arithmetic, functions) belong to resources that name nothing.
        return undefined;
      }
    };
    for (const [type, blocks] of Object.entries(this.json.resource ?? {})) {
      for (const id of Object.keys(blocks)) {
        const mine = resolved(this, type, id);
        const theirs = resolved(other, type, id);
        if (mine === undefined || theirs === undefined) continue;
        for (const attribute of attributes) {
          const [from, to] = [theirs[attribute], mine[attribute]];
          if (typeof from === "string" && typeof to === "string" && from !== to && !from.includes("${")) renames.set(from, to);
        }
      }
    }
    return renames;
  }

  /** A principal for a role of the stack, with its inline policies (boundaries are not configured in the tests). */
  public rolePrincipal(name: string): Principal {
    const role = this.roles.get(name);
    if (role === undefined) throw new Error(`No role "${name}"; roles: ${[...this.roles.keys()].join(", ")}`);
    return { kind: "role", arn: role.arn, account: this.target.accountId, policies: role.policies };
  }

  /** The resource policy (and owner) that applies to `resourceArn`: bucket, key, topic, queue, function, role trust. */
  public resourcePolicyFor(resourceArn: string, action = ""): ResourcePolicy {
    const owner = this.target.accountId;
    for (const policy of this.resources("aws_s3_bucket_policy")) {
      const bucketArn = `arn:aws:s3:::${String(policy.bucket)}`;
      if (resourceArn === bucketArn || resourceArn.startsWith(`${bucketArn}/`))
        return { document: parseDocument(policy.policy, "bucket policy"), ownerAccount: owner, kind: "other" };
    }
    if (resourceArn.startsWith("arn:aws:s3:::")) return { ownerAccount: owner, kind: "other" };
    for (const key of this.resources("aws_kms_key")) {
      if (key.arn === resourceArn) return { document: parseDocument(key.policy, "key policy"), ownerAccount: owner, kind: "kms" };
    }
    for (const topic of this.resources("aws_sns_topic_policy")) {
      if (topic.arn === resourceArn) return { document: parseDocument(topic.policy, "topic policy"), ownerAccount: owner, kind: "other" };
    }
    for (const queue of this.resources("aws_sqs_queue_policy")) {
      const match = this.resources("aws_sqs_queue").find((q) => q.url === queue.queue_url);
      if (match?.arn === resourceArn) return { document: parseDocument(queue.policy, "queue policy"), ownerAccount: owner, kind: "other" };
    }
    // A role's trust policy decides who assumes it, nothing else (iam:GetRole has no resource policy).
    for (const role of this.roles.values())
      if (role.arn === resourceArn && (action === "" || action.startsWith("sts:")))
        return { document: role.trust, ownerAccount: owner, kind: "trust" };
    const fn = this.resources("aws_lambda_function").find((f) => f.arn === resourceArn);
    if (fn !== undefined)
      return { document: this.functionPolicy(String(fn.function_name), resourceArn), ownerAccount: owner, kind: "other" };
    return { ownerAccount: resourceArn.split(":")[4] || owner, kind: "other" };
  }

  /** `aws_lambda_permission`s of a function as the policy Lambda builds from them (Lambda Developer Guide, resource-based policies). */
  private functionPolicy(functionName: string, functionArn: string): PolicyDocument {
    const permissions = this.resources("aws_lambda_permission").filter((p) => p.function_name === functionName);
    return {
      Statement: permissions.map((p): PolicyStatementJson => ({
        Sid: String(p.statement_id),
        Effect: "Allow",
        Principal: { Service: String(p.principal) },
        Action: String(p.action),
        Resource: functionArn,
        Condition: {
          ...(p.source_arn ? { ArnLike: { "AWS:SourceArn": String(p.source_arn) } } : {}),
          ...(p.source_account ? { StringEquals: { "AWS:SourceAccount": String(p.source_account) } } : {}),
        },
      })),
    };
  }

  private inlinePolicies(roleName: string): PolicyDocument[] {
    return Object.keys(this.json.resource?.aws_iam_role_policy ?? {})
      .map((id) => this.resource("aws_iam_role_policy", id))
      .filter((p) => p.role === roleName)
      .map((p) => parseDocument(p.policy, `inline policy of ${roleName}`));
  }

  private arnAttributes(type: string, args: Record<string, Value>): Record<string, Value> {
    const a = (service: string, resource: string, region = this.region): string =>
      `arn:aws:${service}:${region}:${this.target.accountId}:${resource}`;
    const name = String(args.name ?? "");
    switch (type) {
      case "aws_s3_bucket":
        return { arn: `arn:aws:s3:::${String(args.bucket)}`, id: args.bucket ?? null };
      case "aws_kms_key": {
        const keyId = standInKeyId(String(args.description ?? ""));
        return { arn: a("kms", `key/${keyId}`), key_id: keyId, id: keyId };
      }
      case "aws_sns_topic":
        return { arn: a("sns", name), id: a("sns", name) };
      case "aws_sqs_queue":
        return { arn: a("sqs", name), url: `https://sqs.${this.region}.amazonaws.com/${this.target.accountId}/${name}` };
      case "aws_cloudwatch_event_rule":
        return { arn: a("events", `rule/${name}`) };
      case "aws_glue_catalog_database":
        return { arn: a("glue", `database/${name}`) };
      case "aws_glue_job":
        return { arn: a("glue", `job/${name}`) };
      case "aws_glue_workflow":
        return { arn: a("glue", `workflow/${name}`) };
      case "aws_dynamodb_table":
        return { arn: a("dynamodb", `table/${name}`) };
      case "aws_cloudwatch_log_group":
        return { arn: a("logs", `log-group:${name}`) };
      case "aws_iam_role":
        return { arn: `arn:aws:iam::${this.target.accountId}:role/${name}`, id: name };
      case "aws_lambda_function":
        return { arn: a("lambda", `function:${String(args.function_name)}`) };
      case "aws_cloudtrail":
        return { arn: a("cloudtrail", `trail/${name}`) };
      case "aws_athena_workgroup":
        return { arn: a("athena", `workgroup/${name}`) };
      case "aws_s3_object":
        return { id: args.key ?? null };
      default:
        return {};
    }
  }

  private traverse(steps: readonly (string | number)[], where: string): Value {
    const [root, second, third, ...rest] = steps.map(String);
    const context = `${where}: ${steps.join(".")}`;
    if (root === "terraform" && second === "workspace") return this.target.workspace;
    if (root === "local") return descend(this.local(second ?? ""), steps.slice(2), context);
    if (root === "data") {
      const value = this.dataAttribute(second ?? "", third ?? "", String(rest[0] ?? ""));
      return descend(value, steps.slice(4), context);
    }
    if (root === undefined || second === undefined) throw new Error(`${context}: unsupported reference`);
    if (!this.exists(root, second)) throw new Error(`${context}: refers to a resource with count = 0`);
    return descend(this.resource(root, second), steps.slice(2), context);
  }

  private local(name: string): Value {
    const locals = this.json.locals ?? {};
    const environments = locals.environments as Record<string, Value>;
    // local.environment selects the workspace's entry (stacks/workspace-settings.ts).
    if (name === "workspace") return this.target.workspace;
    if (name === "environment") {
      const entry = environments[this.target.workspace];
      if (entry === undefined) throw new Error(`Workspace "${this.target.workspace}" is not configured.`);
      return entry;
    }
    if (!(name in locals)) throw new Error(`No local "${name}".`);
    return this.resolve(locals[name], `local.${name}`);
  }

  private dataAttribute(type: string, id: string, attribute: string): Value {
    switch (type) {
      case "aws_caller_identity":
        return { account_id: this.target.accountId, arn: `${this.target.deployerRoleArn}/session` }[attribute] ?? missing(type, attribute);
      case "aws_partition":
        return { partition: "aws", dns_suffix: "amazonaws.com" }[attribute] ?? missing(type, attribute);
      case "aws_iam_session_context":
        return { issuer_arn: this.target.deployerRoleArn }[attribute] ?? missing(type, attribute);
      case "aws_iam_policy_document": {
        if (attribute !== "json") missing(type, attribute);
        const block = this.json.data?.aws_iam_policy_document?.[id];
        if (block === undefined) throw new Error(`No aws_iam_policy_document.${id}.`);
        return JSON.stringify(renderPolicyDocument(this.resolve(block, `data.aws_iam_policy_document.${id}`) as Record<string, Value>));
      }
      default:
        throw new Error(`Data source ${type} is not modelled.`);
    }
  }
}

/** KMS generates key ids; a UUID made from the key's description stands in for it, one per key. */
export function standInKeyId(description: string): string {
  const hex = createHash("sha256").update(description).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function missing(type: string, attribute: string): never {
  throw new Error(`data.${type}.${attribute} is not modelled.`);
}

function parseDocument(value: Value | undefined, where: string): PolicyDocument {
  if (typeof value !== "string") throw new Error(`${where} is not a JSON string: ${JSON.stringify(value)}`);
  return JSON.parse(value) as PolicyDocument;
}

const strings = (value: Value | undefined): string[] =>
  value === undefined || value === null ? [] : (value as Value[]).flat().map(String);

/** Renders a resolved `aws_iam_policy_document` block as the provider does (statement blocks to IAM JSON). */
export function renderPolicyDocument(block: Record<string, Value>): PolicyDocument {
  for (const unsupported of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
    if (block[unsupported] !== undefined) throw new Error(`aws_iam_policy_document.${unsupported} is not modelled.`);
  }
  const principals = (value: Value | undefined): PolicyStatementJson["Principal"] => {
    const entries = (value ?? []) as { type: string; identifiers: Value }[];
    if (entries.length === 0) return undefined;
    if (entries.some((p) => p.type === "*")) return "*";
    const out: Record<string, string[]> = {};
    for (const p of entries) out[p.type] = [...(out[p.type] ?? []), ...strings(p.identifiers)];
    return out;
  };
  const statements = ((block.statement ?? []) as Record<string, Value>[]).map((s): PolicyStatementJson => {
    const condition: Record<string, Record<string, string[]>> = {};
    for (const c of (s.condition ?? []) as { test: string; variable: string; values: Value }[]) {
      condition[c.test] = { ...condition[c.test], [c.variable]: [...(condition[c.test]?.[c.variable] ?? []), ...strings(c.values)] };
    }
    const optional = <T>(key: string, value: T | undefined): Record<string, T> => (value === undefined ? {} : { [key]: value });
    const list = (v: Value | undefined): string[] | undefined => (v === undefined || v === null ? undefined : strings(v));
    return {
      ...optional("Sid", s.sid === undefined || s.sid === null ? undefined : String(s.sid)),
      Effect: (s.effect ?? "Allow") as "Allow" | "Deny",
      ...optional("Action", list(s.actions)),
      ...optional("NotAction", list(s.not_actions)),
      ...optional("Resource", list(s.resources)),
      ...optional("NotResource", list(s.not_resources)),
      ...optional("Principal", principals(s.principals)),
      ...optional("NotPrincipal", principals(s.not_principals)),
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
  });
  return { Version: "2012-10-17", Statement: statements };
}

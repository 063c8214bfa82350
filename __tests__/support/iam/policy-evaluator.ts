// An evaluator of IAM JSON policies, written for the access journeys and intended denials: an AWS IAM simulator that
// runs offline under a permissive licence was not to be had (@cloud-copilot/iam-simulate, the
// maintained one on npm, is AGPL-3.0). It models these documented behaviours, and no others:
// - Policy evaluation logic (IAM User Guide, "Policy evaluation logic" and "Cross-account policy
//   evaluation logic"): an explicit Deny in any applicable policy wins; otherwise, in one account,
//   an Allow in an identity policy or a resource policy that names the principal itself suffices,
//   while a resource policy that names the account delegates to IAM (the identity policy must
//   allow); across accounts both sides must allow. No SCPs, RCPs or session policies.
// - KMS key policies (AWS KMS Developer Guide, "Key policies"): without a key policy allow nobody
//   gets access; identity policies count only when the key policy allows the account.
// - Condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators" and
//   "Conditions with multiple context keys or values"): String*, Arn*, Numeric*, Bool, Null, the
//   IfExists suffix, the ForAnyValue/ForAllValues qualifiers; values OR, keys and operators AND,
//   negated operators NOR; a missing key makes a condition false, except negated operators (true),
//   IfExists (true) and Null.
// Unknown operators throw, naming the operator.

/** A value in the request context: single-valued keys hold a string, multivalued keys a list. */
export type ContextValue = string | readonly string[];
export type RequestContext = Readonly<Record<string, ContextValue>>;

/** A policy document in IAM's JSON grammar. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatementJson[] | PolicyStatementJson;
}

export type PrincipalJson = "*" | Readonly<Record<string, string | readonly string[]>>;

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: PrincipalJson;
  readonly NotPrincipal?: PrincipalJson;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>>;
}

/** Who makes a request. */
export type Principal =
  | {
      readonly kind: "role";
      /** The role ARN (`arn:aws:iam::<account>:role/<name>`); the session's calls carry it as `aws:PrincipalArn`. */
      readonly arn: string;
      readonly account: string;
      /** Identity policies attached to the role. */
      readonly policies: readonly PolicyDocument[];
      readonly permissionsBoundary?: PolicyDocument;
    }
  | { readonly kind: "service"; readonly service: string }
  | { readonly kind: "anonymous" };

/** The policy that the resource itself carries, and who owns the resource. */
export interface ResourcePolicy {
  readonly document?: PolicyDocument;
  readonly ownerAccount: string;
  /** `kms`: a key policy (required); `trust`: a role's trust policy; `other`: bucket, topic, queue, function policies. */
  readonly kind: "kms" | "trust" | "other";
  /**
   * Grants on a KMS key: each allows its grantee the operations named, like a key policy statement
   * naming the principal; an explicit Deny still wins (AWS KMS Developer Guide, "Grants in AWS KMS").
   * @default - none
   */
  readonly grants?: readonly KmsGrant[];
}

/** A KMS grant, e.g. the one Lambda creates for a function's execution role. */
export interface KmsGrant {
  readonly granteeArn: string;
  readonly operations: readonly string[];
}

export interface AccessRequest {
  readonly principal: Principal;
  readonly action: string;
  readonly resource: string;
  /** Keys the request carries besides the principal's (added here); `aws:SecureTransport` defaults to "true". */
  readonly context?: RequestContext;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];
const statements = (document: PolicyDocument | undefined): readonly PolicyStatementJson[] => list(document?.Statement);

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** ArnLike/ArnEquals: each of the six colon-delimited parts is matched on its own (the last keeps its colons). */
export function arnMatch(pattern: string, value: string): boolean {
  const split = (arn: string): string[] => {
    const parts = arn.split(":");
    return [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const p = split(pattern);
  const v = split(value);
  if (p.length !== 6 || value.split(":").length < 6) return false;
  return p.every((part, i) => wildcardMatch(part, v[i] ?? ""));
}

type Matcher = (policyValue: string, requestValue: string) => boolean;

const number = (text: string): number => {
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`Not a number: "${text}"`);
  return n;
};

/** Each operator's positive test; `negated` operators report the NOR of it. */
const OPERATORS: Readonly<Record<string, { match: Matcher; negated: boolean }>> = {
  StringEquals: { match: (p, r) => p === r, negated: false },
  StringNotEquals: { match: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { match: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { match: (p, r) => wildcardMatch(p, r), negated: false },
  StringNotLike: { match: (p, r) => wildcardMatch(p, r), negated: true },
  ArnEquals: { match: arnMatch, negated: false },
  ArnLike: { match: arnMatch, negated: false },
  ArnNotEquals: { match: arnMatch, negated: true },
  ArnNotLike: { match: arnMatch, negated: true },
  NumericEquals: { match: (p, r) => number(r) === number(p), negated: false },
  NumericNotEquals: { match: (p, r) => number(r) === number(p), negated: true },
  NumericLessThan: { match: (p, r) => number(r) < number(p), negated: false },
  NumericLessThanEquals: { match: (p, r) => number(r) <= number(p), negated: false },
  NumericGreaterThan: { match: (p, r) => number(r) > number(p), negated: false },
  NumericGreaterThanEquals: { match: (p, r) => number(r) >= number(p), negated: false },
  Bool: { match: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

function contextValue(context: RequestContext, key: string): ContextValue | undefined {
  const lower = key.toLowerCase();
  // Condition key names are case-insensitive.
  for (const [name, value] of Object.entries(context)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

/** Whether one operator block (`{"StringEquals": {key: values}}`) holds: every key must. */
export function conditionHolds(operatorName: string, keys: Readonly<Record<string, unknown>>, context: RequestContext): boolean {
  const qualifier = /^(ForAnyValue|ForAllValues):/.exec(operatorName)?.[1];
  const unqualified = qualifier ? operatorName.slice(qualifier.length + 1) : operatorName;
  const ifExists = unqualified.endsWith("IfExists");
  const base = ifExists ? unqualified.slice(0, -"IfExists".length) : unqualified;
  return Object.entries(keys).every(([key, raw]) => {
    const policyValues = list(raw as string | boolean | readonly (string | boolean)[]).map(String);
    const present = contextValue(context, key);
    if (base === "Null") {
      if (qualifier || ifExists) throw new Error(`Unsupported condition operator ${operatorName}`);
      // "true": the key must be absent; "false": present.
      return policyValues.some((v) => (v.toLowerCase() === "true") === (present === undefined));
    }
    const operator = OPERATORS[base];
    if (operator === undefined) throw new Error(`Unsupported condition operator ${operatorName}`);
    if (present === undefined) {
      if (qualifier === "ForAllValues") return true;
      if (qualifier === "ForAnyValue") return false;
      return ifExists || operator.negated;
    }
    const matchesAny = (value: string): boolean => policyValues.some((p) => operator.match(p, value));
    const values = list(present);
    if (qualifier === "ForAnyValue") return values.some((value) => (operator.negated ? !matchesAny(value) : matchesAny(value)));
    if (qualifier === "ForAllValues") return values.every((value) => (operator.negated ? !matchesAny(value) : matchesAny(value)));
    if (values.length !== 1) throw new Error(`Key ${key} is multivalued: ${operatorName} needs ForAnyValue: or ForAllValues:`);
    const matched = matchesAny(values[0] ?? "");
    return operator.negated ? !matched : matched;
  });
}

/** Every operator block of the statement holds (AND). */
export function conditionsHold(statement: PolicyStatementJson, context: RequestContext): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) => conditionHolds(operator, keys, context));
}

const actionMatches = (statement: PolicyStatementJson, action: string): boolean =>
  statement.NotAction !== undefined
    ? !list(statement.NotAction).some((p) => wildcardMatch(p, action, true))
    : list(statement.Action).some((p) => wildcardMatch(p, action, true));

const resourceMatches = (statement: PolicyStatementJson, resource: string): boolean =>
  statement.NotResource !== undefined
    ? !list(statement.NotResource).some((p) => wildcardMatch(p, resource))
    : statement.Resource === undefined || list(statement.Resource).some((p) => wildcardMatch(p, resource));

/** How a resource policy's Principal element names the requester. */
type PrincipalMatch = "direct" | "account" | "none";

function matchPrincipalElement(element: PrincipalJson | undefined, principal: Principal): PrincipalMatch {
  if (element === undefined) return "none";
  if (element === "*") return "direct";
  let best: PrincipalMatch = "none";
  for (const [type, raw] of Object.entries(element)) {
    for (const id of list(raw)) {
      if (type === "AWS" && id === "*") return "direct";
      if (type === "Service" && principal.kind === "service" && id === principal.service) return "direct";
      if (type === "AWS" && principal.kind === "role") {
        if (id === principal.arn) return "direct";
        if (id === principal.account || id === `arn:aws:iam::${principal.account}:root`) best = "account";
      }
    }
  }
  return best;
}

/** The keys AWS adds for the principal (IAM User Guide, "AWS global condition context keys"). */
function principalContext(principal: Principal): Record<string, string> {
  if (principal.kind === "role") {
    return { "aws:PrincipalArn": principal.arn, "aws:PrincipalAccount": principal.account, "aws:PrincipalIsAWSService": "false" };
  }
  if (principal.kind === "service") return { "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": principal.service };
  return {};
}

/** Which statements of one policy apply to a request. */
interface Applicable {
  readonly deny: boolean;
  readonly allow: PrincipalMatch;
  /** Sids (or positions) of the Deny statements that apply. */
  readonly denies: readonly string[];
}

/** Statements of `document` that apply to the request, by effect (identity policies: no Principal element). */
function applicable(
  document: PolicyDocument | undefined,
  request: AccessRequest,
  context: RequestContext,
  resourcePolicy: boolean,
): Applicable {
  let deny = false;
  const denies: string[] = [];
  let allow: PrincipalMatch = "none";
  let position = 0;
  for (const statement of statements(document)) {
    position += 1;
    if (!actionMatches(statement, request.action) || !resourceMatches(statement, request.resource)) continue;
    let match: PrincipalMatch = "direct";
    if (resourcePolicy) {
      match =
        statement.NotPrincipal !== undefined
          ? matchPrincipalElement(statement.NotPrincipal, request.principal) === "none"
            ? "direct"
            : "none"
          : matchPrincipalElement(statement.Principal, request.principal);
      if (match === "none") continue;
    }
    if (!conditionsHold(statement, context)) continue;
    if (statement.Effect === "Deny") {
      deny = true;
      denies.push(statement.Sid ?? `statement ${position}`);
    } else if (match === "direct" || allow === "none") allow = match;
  }
  return { deny, allow, denies };
}

/** A decision and, for an explicit Deny, the statements that denied. */
export interface Explanation {
  readonly decision: Decision;
  /** `<policy>: <sid>` of every Deny statement that applied, e.g. `resource policy: DenyInsecureTransport`. */
  readonly deniedBy: readonly string[];
}

/** Decides a request as IAM does, for the principal's identity policies and the resource's policy. */
export function evaluate(request: AccessRequest, resourcePolicy: ResourcePolicy): Decision {
  return explain(request, resourcePolicy).decision;
}

/** {@link evaluate}, with the Deny statements that decided. */
export function explain(request: AccessRequest, resourcePolicy: ResourcePolicy): Explanation {
  const context: RequestContext = { "aws:SecureTransport": "true", ...principalContext(request.principal), ...request.context };
  const principal = request.principal;
  const identityDocuments = principal.kind === "role" ? principal.policies : [];
  const identity = identityDocuments.map((d) => applicable(d, request, context, false));
  const boundary =
    principal.kind === "role" && principal.permissionsBoundary
      ? applicable(principal.permissionsBoundary, request, context, false)
      : undefined;
  const policyResult = applicable(resourcePolicy.document, request, context, true);
  const granted =
    principal.kind === "role" &&
    (resourcePolicy.grants ?? []).some(
      (g) => g.granteeArn === principal.arn && g.operations.some((o) => wildcardMatch(o, request.action, true)),
    );
  const resource: Applicable = granted ? { ...policyResult, allow: "direct" } : policyResult;

  const deniedBy = [
    ...resource.denies.map((sid) => `${resourcePolicy.kind === "kms" ? "key" : resourcePolicy.kind} policy: ${sid}`),
    ...identity.flatMap((i) => i.denies.map((sid) => `identity policy: ${sid}`)),
    ...(boundary?.denies ?? []).map((sid) => `permissions boundary: ${sid}`),
  ];
  const decide = (decision: Decision): Explanation => ({ decision, deniedBy: decision === "ExplicitDeny" ? deniedBy : [] });
  if (deniedBy.length > 0) return decide("ExplicitDeny");
  const identityAllows = identity.some((i) => i.allow !== "none") && (boundary === undefined || boundary.allow !== "none");

  if (principal.kind !== "role") return decide(resource.allow === "direct" ? "Allow" : "ImplicitDeny");
  const sameAccount = principal.account === resourcePolicy.ownerAccount;
  if (resourcePolicy.kind === "kms" || resourcePolicy.kind === "trust") {
    // The key policy (trust policy) must allow: the principal itself, or the account (then IAM policies decide).
    if (resource.allow === "direct" && (sameAccount || identityAllows)) return decide("Allow");
    return decide(resource.allow === "account" && identityAllows ? "Allow" : "ImplicitDeny");
  }
  if (!sameAccount) return decide(resource.allow !== "none" && identityAllows ? "Allow" : "ImplicitDeny");
  return decide(identityAllows || resource.allow === "direct" ? "Allow" : "ImplicitDeny");
}

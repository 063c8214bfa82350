import { explain, type Decision, type KmsGrant, type PolicyDocument, type Principal, type RequestContext } from "../iam/policy-evaluator";
import type { WorkspacePolicies } from "../iam/workspace-policies";
import { onBehalfOf } from "./on-behalf";
import { iamRequests, type ArnScope, type Recording } from "./recorded-calls";

// A journey is the list of calls one actor's task makes (a deploy, an upload, a job run, a query),
// each authorized as IAM does against the policies a workspace gets; a call that is not allowed is
// a finding, reported with the call, the actor and the statement that denied it.

/** One call of a journey. */
export interface JourneyCall {
  /** Who makes it: an actor of the journey (`deployer`, `bronze_job`, ...), or `service:<principal>` for an AWS service itself. */
  readonly actor: string;
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
  /** Where the call comes from: the recorded operation, or the AWS behaviour and its documentation. */
  readonly why: string;
  /** KMS grants that authorize it besides the key policy (Lambda's grant to a function's role). */
  readonly grants?: readonly KmsGrant[];
}

/** A call of a journey that is not allowed. */
export interface Finding {
  readonly call: JourneyCall;
  readonly decision: Decision;
  readonly deniedBy: readonly string[];
}

/** The AdministratorAccess managed policy: what a deployer or an account administrator holds. */
export const ADMINISTRATOR_ACCESS: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** The calls of a recording, renamed for the workspace `target` resolves, with the calls AWS services make for each. */
export function recordedJourney(
  recording: Recording,
  source: WorkspacePolicies,
  target: WorkspacePolicies,
  actorOf: (call: Recording["calls"][number]) => string | undefined,
): JourneyCall[] {
  const scope: ArnScope = { accountId: recording.accountId, region: recording.region };
  const renames = target.renamesFrom(source);
  for (const [recorded, address] of Object.entries(recording.keys)) {
    const [type = "", name = ""] = address.split(".");
    const key = target.resource(type, name);
    const id = recorded.split("/").pop() ?? recorded;
    renames.set(`arn:aws:kms:${scope.region}:${scope.accountId}:key/${id}`, String(key.arn));
    renames.set(id, String(key.key_id));
  }
  // The recording's own stand-in names first (to the recorded workspace's), then the workspace's.
  const longestFirst = (map: Iterable<[string, string]>) => [...map].sort(([a], [b]) => b.length - a.length);
  const passes = [longestFirst(Object.entries(recording.renames ?? {})), longestFirst(renames.entries())];
  const rename = (value: string): string =>
    passes.reduce((text, pass) => pass.reduce((t, [from, to]) => t.split(from).join(to), text), value);
  const renameAll = (values: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, rename(v)])) as Record<string, string>;

  const calls: JourneyCall[] = [];
  for (const recorded of recording.calls) {
    const actor = actorOf(recorded);
    if (actor === undefined) continue;
    if (recorded.service === null || recorded.operation === null)
      throw new Error(`Recording ${recording.journey}: a call the recorder could not name: ${JSON.stringify(recorded)}`);
    const call = { ...recorded, params: renameAll(recorded.params), headers: renameAll(recorded.headers) };
    const why = `recorded: ${call.service} ${call.operation}`;
    const added = recording.context ?? {};
    for (const request of iamRequests(call, scope)) calls.push({ actor, ...request, context: { ...request.context, ...added }, why });
    for (const service of onBehalfOf(call, target, scope)) {
      const asCaller = service.as === "caller";
      calls.push({
        actor: asCaller ? actor : `service:${service.as.service}`,
        action: service.action,
        resource: service.resource,
        context: asCaller ? { ...service.context, ...added } : service.context,
        why: `${why}, for which ${service.why}`,
      });
    }
  }
  return unique(calls);
}

/** One call per actor, action, resource and context (recordings repeat calls by the hundred). */
export function unique(calls: readonly JourneyCall[]): JourneyCall[] {
  const seen = new Map<string, JourneyCall>();
  for (const call of calls) {
    const key = JSON.stringify([call.actor, call.action, call.resource, Object.entries(call.context).sort()]);
    if (!seen.has(key)) seen.set(key, call);
  }
  return [...seen.values()];
}

/** The calls of `calls` that `policies` does not allow; `principalOf` names who each actor is. */
export function findings(calls: readonly JourneyCall[], policies: WorkspacePolicies, principalOf: (actor: string) => Principal): Finding[] {
  const found: Finding[] = [];
  for (const call of calls) {
    const principal: Principal = call.actor.startsWith("service:")
      ? { kind: "service", service: call.actor.slice("service:".length) }
      : principalOf(call.actor);
    const resourcePolicy = { ...policies.resourcePolicyFor(call.resource, call.action), grants: call.grants };
    const { decision, deniedBy } = explain(
      { principal, action: call.action, resource: call.resource, context: call.context },
      resourcePolicy,
    );
    if (decision !== "Allow") found.push({ call, decision, deniedBy });
  }
  return found;
}

/** The findings as a paragraph each: the call, the actor, the decision and the statement that denied it. */
export function describeFindings(found: readonly Finding[]): string {
  return found
    .map(
      ({ call, decision, deniedBy }) =>
        `${call.actor}: ${call.action} on ${call.resource} → ${decision}${deniedBy.length > 0 ? ` by ${deniedBy.join(", ")}` : " (nothing allows it)"}\n` +
        `  context ${JSON.stringify(call.context)}\n  (${call.why})`,
    )
    .join("\n");
}

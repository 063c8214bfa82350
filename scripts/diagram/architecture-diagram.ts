import { traversalsInTemplate } from "./terraform-references";

/** The parts of synthesized Terraform JSON the diagram reads. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

// Drawn as the edges they make (see below), not as nodes. Every other resource without a label is a
// setting of the resource it configures (versioning, encryption, object lock, policies, roles, log
// groups, permissions) and is counted as "+N settings" on its box, so each resource shows somewhere.
const CONNECTORS = new Set([
  "aws_s3_bucket_notification",
  "aws_cloudwatch_event_target",
  "aws_lambda_function_event_invoke_config",
  "aws_glue_trigger",
]);
// A role is a setting of the function or job that runs as it, but the node of a construct that is only a role (the analyst's).
const ROLE = "aws_iam_role";
// Used by nearly everything: edges to them would hide the flows, so their node says so instead.
const EVERYWHERE = new Set(["aws_kms_key", "aws_glue_security_configuration"]);
// Only display what others do: their references are not flows.
const NO_ARROWS_FROM = new Set(["aws_cloudwatch_dashboard"]);

const LABELS: Readonly<Record<string, string>> = {
  aws_s3_bucket: "S3 bucket",
  aws_s3_object: "S3 object",
  aws_lambda_function: "Lambda function",
  aws_dynamodb_table: "DynamoDB table",
  aws_sns_topic: "SNS topic",
  aws_sns_topic_subscription: "e-mail subscriptions",
  aws_sqs_queue: "SQS dead-letter queue",
  aws_kms_key: "KMS key",
  aws_glue_job: "Glue job",
  aws_glue_workflow: "Glue workflow",
  aws_glue_catalog_database: "Glue catalog database",
  aws_glue_security_configuration: "Glue security configuration (every job)",
  aws_glue_data_catalog_encryption_settings: "Data Catalog encryption",
  aws_cloudwatch_event_rule: "EventBridge rule",
  aws_cloudwatch_metric_alarm: "CloudWatch alarm",
  aws_cloudwatch_dashboard: "CloudWatch dashboard",
  aws_cloudtrail: "CloudTrail trail",
  aws_athena_workgroup: "Athena workgroup",
  aws_athena_named_query: "Athena named query",
  [ROLE]: "IAM role",
};

interface Node {
  readonly id: string;
  /** The domain (storage, pipeline, ...) the node's construct belongs to. */
  readonly domain: string;
  readonly group: string;
  readonly label: string;
}

/** A key's label says what it protects: its description after "MetricCare <env>: ". */
function keyLabel(stack: SynthesizedStack, address: string): string {
  const name = address.split(".")[1] ?? "";
  const description = String((stack.resource?.aws_kms_key?.[name] as { description?: unknown } | undefined)?.description ?? "");
  const purpose = description.includes(": ") ? description.slice(description.indexOf(": ") + 2) : description;
  return purpose ? `KMS key: ${purpose}` : "KMS key";
}

/** The construct path of a block (`metriccare/raw_bucket/bucket`), from cdktf's metadata. */
function constructPath(block: Record<string, unknown>): string[] {
  const path = (block["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? "";
  return path.split("/").slice(1);
}

const mermaidId = (text: string): string => text.replace(/[^A-Za-z0-9_]/g, "_");
const quote = (text: string): string => `"${text.replace(/"/g, "#quot;")}"`;

/**
 * A Mermaid flowchart of the synthesized stack: resources as nodes, grouped by the construct
 * (module instance) that made them; settings resources folded into the resource they configure;
 * references and event flows (S3 notifications, EventBridge targets, Glue triggers, Lambda
 * destinations, alarm actions) as edges. Hashes and names that vary by build are left out, so the
 * diagram only changes when the architecture does.
 */
export function architectureDiagram(stack: SynthesizedStack): string {
  const addresses = new Map<string, Node>(); // "<type>.<name>" → node it is drawn as
  const nodes = new Map<string, Node>();
  const settings = new Map<string, number>(); // group → settings resources in it
  const byGroupAndType = new Map<string, { address: string; path: string[] }[]>();
  const withNodes = new Set<string>(); // groups with a labelled resource other than a role
  for (const [type, blocks] of Object.entries(stack.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      // <domain>/<construct>/...: the domain is drawn around its constructs, node ids leave it out.
      const [domain = "stack", ...path] = constructPath(block);
      const group = `${domain}/${path[0] ?? domain}`;
      if (LABELS[type] !== undefined && type !== ROLE) withNodes.add(group);
      const key = `${group}|${type}`;
      byGroupAndType.set(key, [...(byGroupAndType.get(key) ?? []), { address: `${type}.${name}`, path }]);
    }
  }
  for (const [key, members] of [...byGroupAndType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [group = "", type = ""] = key.split("|");
    const [domain = "", construct = ""] = group.split("/");
    const drawn = LABELS[type] !== undefined && (type !== ROLE || !withNodes.has(group));
    if (!drawn) {
      if (!CONNECTORS.has(type)) settings.set(group, (settings.get(group) ?? 0) + members.length);
      continue;
    }
    const label = type === "aws_kms_key" ? keyLabel(stack, members[0]?.address ?? "") : (LABELS[type] ?? type);
    // Three or more of a kind in one construct are one node: "8 × CloudWatch alarm"; EventBridge rules stay
    // apart, since each is a flow of its own (schedule, job states, freshness check).
    const shown =
      members.length >= 3 && type !== "aws_cloudwatch_event_rule"
        ? [{ id: mermaidId(`${construct}_${type}`), label: `${members.length} × ${label}`, members }]
        : members.map((member) => ({ id: mermaidId(member.path.join("_")), label, members: [member] }));
    for (const node of shown) {
      const entry = { id: node.id, domain, group, label: node.label };
      nodes.set(node.id, entry);
      for (const member of node.members) addresses.set(member.address, entry);
    }
  }

  const edges = new Map<string, Set<string>>(); // "from|to" → labels
  const addEdge = (from: Node | undefined, to: Node | undefined, label: string): void => {
    if (!from || !to || from.id === to.id) return;
    const key = `${from.id}|${to.id}`;
    edges.set(key, (edges.get(key) ?? new Set()).add(label));
  };
  // The node a reference (`aws_s3_bucket.raw.arn`) points at, if it is drawn.
  const nodeOf = (traversal: string): Node | undefined => {
    const [type = "", name = ""] = traversal.split(".");
    return EVERYWHERE.has(type) ? undefined : addresses.get(`${type}.${name}`);
  };
  const target = (value: unknown): Node | undefined =>
    traversalsInTemplate(String(value ?? ""))
      .map(nodeOf)
      .find((node) => node !== undefined);
  const walk = (from: Node, value: unknown, field: string): void => {
    if (typeof value === "string") {
      for (const traversal of traversalsInTemplate(value)) addEdge(from, nodeOf(traversal), field);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(from, item, field);
    } else if (value !== null && typeof value === "object") {
      // Nested schema attributes (snake_case) keep the top-level argument as label; user keys
      // (environment variables, job arguments) label the edge themselves.
      for (const [key, item] of Object.entries(value))
        if (key !== "//" && key !== "depends_on") walk(from, item, /^[a-z_]+$/.test(key) && field ? field : key);
    }
  };

  for (const [type, blocks] of Object.entries(stack.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const from = addresses.get(`${type}.${name}`);
      if (from && NO_ARROWS_FROM.has(type)) continue;
      if (from) {
        for (const [field, value] of Object.entries(block)) if (field !== "//" && field !== "depends_on") walk(from, value, field);
        continue;
      }
      if (type === "aws_s3_bucket_notification") {
        for (const fn of (block.lambda_function as Record<string, unknown>[] | undefined) ?? []) {
          addEdge(
            target(block.bucket),
            target(fn.lambda_function_arn),
            `ObjectCreated ${String(fn.filter_prefix ?? "")}*${String(fn.filter_suffix ?? "")}`,
          );
        }
      } else if (type === "aws_cloudwatch_event_target") {
        addEdge(target(block.rule), target(block.arn), "target");
        addEdge(target(block.rule), target((block.dead_letter_config as Record<string, unknown> | undefined)?.arn), "undelivered");
      } else if (type === "aws_lambda_function_event_invoke_config") {
        const onFailure = (block.destination_config as { on_failure?: { destination?: unknown } } | undefined)?.on_failure?.destination;
        addEdge(target(block.function_name), target(onFailure), "failed async events");
      } else if (type === "aws_iam_role_policy" && target(block.role) !== undefined) {
        // A drawn role's permissions: an edge, labelled with the policy's name, to each resource its statements name.
        for (const statement of policyStatements(stack, block.policy)) {
          for (const resource of [statement.resources ?? []].flat())
            addEdge(target(block.role), target(resource), String(block.name ?? "policy"));
        }
      } else if (type === "aws_glue_trigger") {
        const actions = (block.actions as Record<string, unknown>[] | undefined) ?? [];
        const conditions = (block.predicate as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? [];
        for (const action of actions) {
          if (conditions.length === 0) addEdge(target(block.workflow_name), target(action.job_name), `starts (${String(block.type)})`);
          for (const condition of conditions)
            addEdge(target(condition.job_name), target(action.job_name), `then, when ${String(condition.state)}`);
        }
      }
    }
  }

  const lines = ["flowchart LR"];
  for (const domain of [...new Set([...nodes.values()].map((n) => n.domain))].sort()) {
    lines.push(`  subgraph ${mermaidId(`domain_${domain}`)}[${quote(domain)}]`);
    for (const group of [...new Set([...nodes.values()].filter((n) => n.domain === domain).map((n) => n.group))].sort()) {
      const name = group.split("/")[1] ?? group;
      const count = settings.get(group);
      const title = count ? `${name} (+${count} ${count === 1 ? "setting" : "settings"})` : name;
      lines.push(`    subgraph ${mermaidId(`group_${name}`)}[${quote(title)}]`);
      for (const node of [...nodes.values()].filter((n) => n.group === group).sort((a, b) => a.id.localeCompare(b.id))) {
        lines.push(`      ${node.id}[${quote(node.label)}]`);
      }
      lines.push("    end");
    }
    lines.push("  end");
  }
  for (const [key, labels] of [...edges.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split("|");
    lines.push(`  ${from} -->|${quote([...labels].sort().join(", "))}| ${to}`);
  }
  return lines.join("\n");
}

/** The statements of the `aws_iam_policy_document` data source a policy argument (`${data....json}`) names. */
function policyStatements(stack: SynthesizedStack, policy: unknown): { resources?: unknown }[] {
  const document = traversalsInTemplate(String(policy ?? "")).find((t) => t.startsWith("data.aws_iam_policy_document."));
  const name = document?.split(".")[2] ?? "";
  const statements = stack.data?.aws_iam_policy_document?.[name]?.statement;
  return Array.isArray(statements) ? (statements as { resources?: unknown }[]) : [];
}

/** docs/architecture.md: the diagram with a short legend. */
export function architectureDocument(stack: SynthesizedStack): string {
  return [
    "# MetricCare architecture",
    "",
    "Generated from the synthesized Terraform JSON by `npm run diagram`; `npm test` fails when it is stale. Do not edit by hand.",
    "",
    "Outer boxes are the domains of `stacks/metriccare-stack.ts` (`stacks/domains/`), inner boxes their constructs (one per module",
    "instance); nodes are their resources, with settings resources (bucket versioning, encryption, object lock, policies, IAM",
    "roles, log groups, permissions) folded into the box's count; a construct that is only a role (the analyst's) shows the",
    "role, with arrows to what its policy grants. Other arrows point from a resource to what it uses or sends events to,",
    "labelled with the argument or event. The keys and the Glue security configuration are used by nearly everything and",
    "have no arrows; the dashboard only shows the others' metrics.",
    "",
    "```mermaid",
    architectureDiagram(stack),
    "```",
    "",
  ].join("\n");
}

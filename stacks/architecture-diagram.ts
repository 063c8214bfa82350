import { traversalsInTemplate } from "./terraform-references";

/** The parts of synthesized Terraform JSON the diagram reads. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

// Settings of another resource, drawn as a "+N settings" count on the resource they configure.
const SETTINGS = new Set([
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_logging",
  "aws_sqs_queue_policy",
  "aws_sns_topic_policy",
  "aws_kms_alias",
  "aws_lambda_permission",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_cloudwatch_log_group",
]);
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
};

interface Node {
  readonly id: string;
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
  for (const [type, blocks] of Object.entries(stack.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const path = constructPath(block);
      const group = path[0] ?? "stack";
      if (SETTINGS.has(type)) settings.set(group, (settings.get(group) ?? 0) + 1);
      const key = `${group}|${type}`;
      byGroupAndType.set(key, [...(byGroupAndType.get(key) ?? []), { address: `${type}.${name}`, path }]);
    }
  }
  for (const [key, members] of [...byGroupAndType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [group = "", type = ""] = key.split("|");
    const generic = LABELS[type];
    // Types without a label are drawn as edges (connectors) or folded away (settings).
    if (generic === undefined) continue;
    const label = type === "aws_kms_key" ? keyLabel(stack, members[0]?.address ?? "") : generic;
    // Three or more of a kind in one construct are one node: "8 × CloudWatch alarm".
    const shown =
      members.length >= 3
        ? [{ id: mermaidId(`${group}_${type}`), label: `${members.length} × ${label}`, members }]
        : members.map((member) => ({ id: mermaidId(member.path.join("_")), label, members: [member] }));
    for (const node of shown) {
      const entry = { id: node.id, group, label: node.label };
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

  const groups = [...new Set([...nodes.values()].map((n) => n.group))].sort();
  const lines = ["flowchart LR"];
  for (const group of groups) {
    const count = settings.get(group);
    lines.push(`  subgraph ${mermaidId(`group_${group}`)}[${quote(count ? `${group} (+${count} settings)` : group)}]`);
    for (const node of [...nodes.values()].filter((n) => n.group === group).sort((a, b) => a.id.localeCompare(b.id))) {
      lines.push(`    ${node.id}[${quote(node.label)}]`);
    }
    lines.push("  end");
  }
  for (const [key, labels] of [...edges.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split("|");
    lines.push(`  ${from} -->|${quote([...labels].sort().join(", "))}| ${to}`);
  }
  return lines.join("\n");
}

/** docs/architecture.md: the diagram with a short legend. */
export function architectureDocument(stack: SynthesizedStack): string {
  return [
    "# MetricCare architecture",
    "",
    "Generated from the synthesized Terraform JSON by `npm run diagram`; `npm test` fails when it is stale. Do not edit by hand.",
    "",
    "Boxes are the constructs of `stacks/metriccare-stack.ts` (one per module instance); nodes are their resources, with settings",
    "resources (bucket versioning, encryption, policies, IAM roles, log groups, permissions) folded into the box's count. Arrows",
    "point from a resource to what it uses or sends events to, labelled with the argument or event. The KMS key and the Glue",
    "security configuration are used by nearly everything and have no arrows; the dashboard only shows the others' metrics.",
    "",
    "```mermaid",
    architectureDiagram(stack),
    "```",
    "",
  ].join("\n");
}

import { TerraformDataSource, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { relative } from "node:path";
import type { MetricCareConfig } from "../config/types";
import type { FunctionBundle } from "../packaging/bundle-function";
import type { MetricCareStack } from "../stacks/metriccare-stack";

/** What {@link printSummary} reports on. */
export interface SummaryInput {
  readonly outdir: string;
  readonly stack: MetricCareStack;
  readonly config: MetricCareConfig;
  readonly glueTrigger: FunctionBundle;
  /**
   * What a following cdktf command will act on, and what the synth prepared for it (printed instead of "Next:").
   * @default - none: the summary ends with the commands to run next
   */
  readonly deployPath?: readonly string[];
}

function countResources(scope: IConstruct): { resources: number; dataSources: number } {
  const all = scope.node.findAll();
  return {
    resources: all.filter((c) => c instanceof TerraformResource).length,
    dataSources: all.filter((c) => c instanceof TerraformDataSource).length,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map(
      (r) =>
        "  " +
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
}

/** Prints what was synthesized, what each workspace gets, and what to run next. */
export function printSummary(input: SummaryInput): void {
  const { stack, config } = input;
  const stackDir = relative(process.cwd(), `${input.outdir}/stacks/${stack.node.id}`) || ".";
  const rows = [["construct", "type", "resources", "data sources"]];
  let total = 0;
  for (const child of stack.node.children) {
    const { resources, dataSources } = countResources(child);
    if (resources + dataSources === 0) continue;
    total += resources;
    rows.push([child.node.id, child.constructor.name, String(resources), String(dataSources)]);
  }
  const environments = [["workspace", "schedule", "lambda", "glue", "logs", "alert e-mails", "deletion protection"]];
  for (const e of config.environments) {
    environments.push([
      e.name,
      e.scheduleExpression,
      `${e.lambda.memorySizeMb} MB, ${e.lambda.timeoutSeconds} s`,
      `${e.glue.numberOfWorkers} × ${e.glue.workerType}`,
      `${e.logRetentionDays} d`,
      String(e.alertEmails.length),
      e.deletionProtection ? "on" : "off",
    ]);
  }
  const first = config.environments[0]?.name ?? "dev";
  const lines = [
    `Synthesized stack "${stack.node.id}" to ${stackDir}/cdk.tf.json: ${total} resources.`,
    table(rows),
    `Lambda package: ${(input.glueTrigger.zipBytes / 1024).toFixed(1)} KB, sha256 ${input.glueTrigger.sha256Hex.slice(0, 16)}…`,
    "Workspaces (the Terraform workspace selects one; any other workspace fails plan):",
    table(environments),
  ];
  const silent = config.environments.filter((e) => e.alertEmails.length === 0).map((e) => e.name);
  if (silent.length > 0)
    lines.push(
      `Note: no alert e-mail for ${silent.join(", ")}; add alertEmails in config/metriccare.config.ts or subscribe to the alerts topic yourself.`,
    );
  if (input.deployPath !== undefined && input.deployPath.length > 0) lines.push(...input.deployPath);
  else
    lines.push(
      "Next:",
      `  TF_WORKSPACE=${first} npx cdktf deploy ${stack.node.id}`,
      `  terraform -chdir=${stackDir} init && terraform -chdir=${stackDir} workspace select -or-create ${first} && terraform -chdir=${stackDir} plan`,
    );
  console.log(lines.join("\n"));
}

import { App } from "cdktf";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricCareConfigInput } from "../../config/types";
import { validateConfig } from "../../config/validate-config";
import type { FunctionBundle } from "../../packaging/bundle-function";
import { MetricCareStack, projectSources } from "../../stacks/metriccare-stack";
import { ToolchainError } from "../../toolchain/cache";
import { EMULATOR_CREDENTIALS } from "../../toolchain/terraform/emulator-override";
import { MOTO_GAPS } from "../../toolchain/terraform/moto-gaps";
import { terraformOk, terraformToolchain, type TerraformToolchain } from "../../toolchain/terraform/terraform";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { tempDirectory } from "../support/test-context";

/** `terraform plan` parallelism: most of an emulator apply is the provider's propagation waits, not CPU. */
export const PARALLELISM = "-parallelism=30";

let announced = false;

/**
 * The Terraform toolchain, or undefined (the suite is skipped) when Terraform or the provider
 * mirror is missing; under `CI=true` a missing tool fails instead. Prints the versions once.
 */
export function terraformForTests(): TerraformToolchain | undefined {
  try {
    const tool = terraformToolchain();
    if (!announced) {
      process.stderr.write(
        `Terraform suite: Terraform ${tool.terraformVersion}, hashicorp/aws ${tool.providerVersion} from the mirror ${tool.mirror}\n`,
      );
      announced = true;
    }
    return tool;
  } catch (error) {
    if (process.env.CI === "true" || !(error instanceof ToolchainError)) throw error;
    process.stderr.write(`Terraform suite skipped: ${error.message}\n`);
    return undefined;
  }
}

/**
 * Synthesizes the MetricCare stack of `config` into a new folder as `cdktf synth` does (cdk.tf.json
 * and assets) and returns the stack folder.
 */
export function synthStackDirectory(
  config: MetricCareConfigInput,
  bundle: FunctionBundle,
  projectRoot = PROJECT_ROOT,
  options: { allowDestroy?: boolean } = {},
): string {
  const outdir = tempDirectory("metriccare-synth-");
  const app = new App({ outdir, stackTraces: false });
  new MetricCareStack(app, "metriccare", {
    config: validateConfig(config),
    sources: { ...projectSources(projectRoot, bundle), stagingDirectory: tempDirectory() },
    allowDestroy: options.allowDestroy,
  });
  app.synth();
  return join(outdir, "stacks", "metriccare");
}

/** A resource of a plan (`terraform show -json`). */
export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly values: Record<string, unknown>;
}

/** A change of a plan. */
export interface PlannedChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: unknown;
    readonly after: unknown;
    readonly after_unknown?: Record<string, unknown>;
  };
}

/** The parts of `terraform show -json <plan>` the tests read. */
export interface PlanJson {
  readonly planned_values?: { readonly root_module?: { readonly resources?: readonly PlannedResource[] } };
  readonly resource_changes?: readonly PlannedChange[];
}

/**
 * Plans into `<dir>/<name>.tfplan`, saves the plan as JSON (also to `.build/terraform/plan-<name>.json`
 * when `save`, where the security suite's Checkov run scans it) and returns it.
 */
export async function planJson(
  tool: TerraformToolchain,
  dir: string,
  workspace: string,
  options: { name?: string; save?: boolean; args?: readonly string[]; okStatuses?: readonly number[] } = {},
): Promise<{ plan: PlanJson; status: number | null; stdout: string }> {
  const name = options.name ?? workspace;
  const planFile = join(dir, `${name}.tfplan`);
  const result = await terraformOk(
    tool,
    dir,
    ["plan", "-input=false", "-no-color", PARALLELISM, `-out=${name}.tfplan`, ...(options.args ?? [])],
    {
      workspace,
      okStatuses: options.okStatuses,
    },
  );
  const { stdout } = await terraformOk(tool, dir, ["show", "-json", planFile], { workspace });
  if (options.save) {
    const saved = join(PROJECT_ROOT, ".build", "terraform");
    mkdirSync(saved, { recursive: true });
    writeFileSync(join(saved, `plan-${name}.json`), stdout);
  }
  return { plan: JSON.parse(stdout) as PlanJson, status: result.status, stdout: result.stdout };
}

/** The planned resources of `type`. */
export function plannedOf(plan: PlanJson, type: string): PlannedResource[] {
  return (plan.planned_values?.root_module?.resources ?? []).filter((r) => r.type === type);
}

/** The only planned resource of `type`. */
export function onlyPlanned(plan: PlanJson, type: string): PlannedResource {
  const all = plannedOf(plan, type);
  if (all.length !== 1) throw new Error(`Expected one planned ${type}, found ${all.length}.`);
  return all[0];
}

/** The synthesized cdk.tf.json of a stack folder. */
export function readStackJson(stackDir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
}

/** Top-level attributes whose planned value differs from the state's (tags_all follows tags). */
function changedAttributes(change: PlannedChange): string[] {
  const before = (change.change.before ?? {}) as Record<string, unknown>;
  const after = (change.change.after ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort();
}

/** A change of a plan that is not a no-op, with the top-level attributes it changes. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly attributes: string[];
  readonly knownAfterApply: string[];
}

/** Every managed change of a plan that is not a no-op. */
export function changes(plan: PlanJson): ResourceChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode === "managed" && !(c.change.actions.length === 1 && c.change.actions[0] === "no-op"))
    .map((c) => ({
      address: c.address,
      type: c.type,
      actions: c.change.actions,
      attributes: changedAttributes(c),
      knownAfterApply: Object.entries(c.change.after_unknown ?? {})
        .filter(([, unknown]) => unknown === true)
        .map(([key]) => key)
        .sort(),
    }));
}

/** Whether `<type>.<attribute>` is a committed moto gap (toolchain/terraform/moto-gaps.ts). */
export const isMotoGap = (type: string, attribute: string): boolean =>
  MOTO_GAPS.some((g) => g.resourceType === type && g.attribute === attribute);

/**
 * How a plan made right after a complete apply to moto differs from "nothing but the committed moto
 * gaps": changes that are not in-place updates, changed attributes that are no gap, and gaps that no
 * longer show (an entry moto has fixed is removed from the list). All three are empty when it holds.
 */
export function secondPlanDeviations(found: readonly ResourceChange[]): { notUpdates: string[]; notGaps: string[]; gapsNotSeen: string[] } {
  const seen = new Set(found.flatMap((c) => c.attributes.map((a) => `${c.type}.${a}`)));
  return {
    notUpdates: found.filter((c) => c.actions.join() !== "update").map((c) => `${c.address}: ${c.actions.join("+")}`),
    // A change with no attribute read from it is a deviation too: it would otherwise pass unseen.
    notGaps: found.flatMap((c) =>
      c.attributes.length === 0
        ? [`${c.address}: (no attribute)`]
        : c.attributes.filter((a) => !isMotoGap(c.type, a)).map((a) => `${c.address}.${a}`),
    ),
    gapsNotSeen: MOTO_GAPS.map((g) => `${g.resourceType}.${g.attribute}`).filter((gap) => !seen.has(gap)),
  };
}

/**
 * A call to the emulator without an SDK: moto routes by the credential scope's service. A GET of
 * `path`, or with `jsonTarget` a POST of `body` to a JSON-protocol API (`X-Amz-Target`).
 */
export async function emulatorRequest(
  endpoint: string,
  region: string,
  service: string,
  path: string,
  json?: { readonly target: string; readonly body: unknown },
): Promise<string> {
  const response = await fetch(`${endpoint}${path}`, {
    method: json ? "POST" : "GET",
    headers: {
      Authorization: `AWS4-HMAC-SHA256 Credential=${EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      ...(json ? { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": json.target } : {}),
    },
    ...(json ? { body: JSON.stringify(json.body) } : {}),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`${json ? `POST ${json.target}` : `GET ${path}`} (${service}) answered ${response.status}: ${body}`);
  return body;
}

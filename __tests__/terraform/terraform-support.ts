import { App } from "cdktf";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricCareConfig } from "../../config/types";
import { validateConfig } from "../../config/validate-config";
import type { FunctionBundle } from "../../packaging/bundle-function";
import { MetricCareStack, projectSources } from "../../stacks/metriccare-stack";
import { ToolchainError } from "../../toolchain/cache";
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
  config: MetricCareConfig,
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

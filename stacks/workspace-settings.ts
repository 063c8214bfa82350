import { conditional, Fn, ref, TerraformLocal, Token, type IResolvable, type Precondition } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/types";

/** `reserved_concurrent_executions` of an unreserved function (the provider's default). */
export const UNRESERVED = -1;

/** Values the stack derives from an environment's settings, computed here and nowhere else. */
export interface DerivedSettings {
  /** `lambda.reservedConcurrency`, or -1 (Terraform's "unreserved") for 0. */
  readonly lambdaReservedConcurrency: number;
  /** Seconds a run-end event waits for Glue to report the run over: a third of the Lambda timeout, at most 20. */
  readonly lambdaRunEndWaitSeconds: number;
  /** `athena.bytesScannedCutoffPerQueryMb` in bytes: Athena counts bytes, the configuration MB of 10^6 bytes. */
  readonly athenaBytesScannedCutoffPerQuery: number;
}

/** One environment's entry of `local.environments`: its validated settings, named as the configuration names them, and what derives from them. */
export interface WorkspaceValues extends EnvironmentConfig {
  readonly derived: DerivedSettings;
}

/** The entry of `local.environments` of one environment. */
export function workspaceValues(env: EnvironmentConfig): WorkspaceValues {
  return {
    ...env,
    derived: {
      lambdaReservedConcurrency: env.lambda.reservedConcurrency > 0 ? env.lambda.reservedConcurrency : UNRESERVED,
      lambdaRunEndWaitSeconds: Math.min(20, Math.floor(env.lambda.timeoutSeconds / 3)),
      athenaBytesScannedCutoffPerQuery: env.athena.bytesScannedCutoffPerQueryMb * 1_000_000,
    },
  };
}

/**
 * A setting of the selected workspace as a construct receives it: the same name and shape as in the
 * configuration, each leaf a reference to `local.environment.<path>` typed as the setting is (lists
 * as list tokens, flags as resolvables a boolean argument accepts).
 */
export type SettingReferences<T> = {
  readonly [K in keyof T]: T[K] extends readonly (infer E)[]
    ? E[]
    : T[K] extends boolean
      ? IResolvable
      : T[K] extends string | number
        ? T[K]
        : SettingReferences<T[K]>;
};

/** References to every setting of `value`'s shape under `local.environment`. */
function references(value: unknown, path: readonly string[]): unknown {
  const reference = ref(`local.environment.${path.join(".")}`);
  if (Array.isArray(value)) return Token.asList(reference);
  if (typeof value === "number") return Token.asNumber(reference);
  if (typeof value === "string") return Token.asString(reference);
  if (typeof value === "boolean") return reference;
  return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, references(inner, [...path, key])]));
}

/**
 * The workspace-selected environment. Synthesizes `local.environments` (every environment's
 * settings, keyed by name), `local.workspace` (`terraform.workspace`) and `local.environment`
 * (the selected entry), and offers {@link workspacePrecondition}, which fails `terraform plan`
 * with the list of configured workspaces when the current one (e.g. `default`) is not among them.
 */
export class WorkspaceSettings extends Construct {
  /** The environment name: `terraform.workspace`, as a token. */
  public readonly environmentName: string;
  /** Names of the configured environments. */
  public readonly configuredEnvironments: readonly string[];
  /** Every setting of the selected environment, by its configuration name: `environment.glue.numberOfWorkers`. */
  public readonly environment: SettingReferences<WorkspaceValues>;
  /**
   * Attach to the resource or data source Terraform reads first (the stack uses the caller
   * identity): plan then stops with this message in an unconfigured workspace.
   */
  public readonly workspacePrecondition: Precondition;

  public constructor(scope: Construct, id: string, environments: readonly EnvironmentConfig[]) {
    super(scope, id);
    const first = environments[0];
    if (first === undefined) throw new Error("WorkspaceSettings: at least one environment is required.");
    this.configuredEnvironments = environments.map((e) => e.name);

    const all = new TerraformLocal(this, "environments", Object.fromEntries(environments.map((e) => [e.name, workspaceValues(e)])));
    all.overrideLogicalId("environments");
    // `ref` keeps terraform.workspace an expression; a "${terraform.workspace}" string passed into
    // Fn.* is escaped by cdktf.
    const workspace = new TerraformLocal(this, "workspace", ref("terraform.workspace"));
    workspace.overrideLogicalId("workspace");
    const configured = new TerraformLocal(this, "workspace_configured", Fn.contains(Fn.keys(all.asAnyMap), workspace.asString));
    configured.overrideLogicalId("workspace_configured");
    // An unconfigured workspace falls back to the first entry only so that the guard below is the
    // one error Terraform reports, instead of an "Invalid index" on every resource.
    const selected = new TerraformLocal(
      this,
      "environment",
      Fn.lookup(all.asAnyMap, Token.asString(conditional(configured.asBoolean, workspace.asString, first.name))),
    );
    selected.overrideLogicalId("environment");

    // A precondition rather than a terraform_data guard: cdktf makes terraform_data check the
    // Terraform binary's version at synth, and synth must work where Terraform is not installed.
    this.workspacePrecondition = {
      condition: configured.asBoolean,
      errorMessage: `Terraform workspace "\${terraform.workspace}" is not a configured MetricCare environment. Configured workspaces: ${this.configuredEnvironments.join(", ")}. Run "terraform workspace select <name>" (or set TF_WORKSPACE) with one of them, or add the environment to config/metriccare.config.ts.`,
    };
    this.environmentName = workspace.asString;
    // Every environment has the same shape (the schema's, defaults applied): the first one's gives the references.
    this.environment = references(workspaceValues(first), []) as SettingReferences<WorkspaceValues>;
  }
}

import { App } from "cdktf";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { metricCareConfig } from "../config/metriccare.config";
import { validateConfig, validateSelectedWorkspace } from "../config/validate-config";
import type { FunctionBundle } from "../packaging/bundle-function";
import { MetricCareStack, projectSources } from "../stacks/metriccare-stack";
import { linkStateCommandBackups, stateSettingsFromEnvironment } from "../stacks/state-backend";
import { missingTerraformNote } from "./cli";
import { printSummary } from "./summary";
import { MetricCareValidationError } from "../modules/shared/errors";
import { cdktfCommand, runsTerraform } from "./cdktf-command";
import { prepareDeployTarget } from "./deploy-target";
import { lockProvidersFromMirror } from "./provider-lock";

/** The stack's id: its folder under cdktf.out/stacks and the name `cdktf deploy` takes. */
export const STACK_NAME = "metriccare";

/** METRICCARE_ALLOW_DESTROY=1 synthesizes without `prevent_destroy` (a deliberate teardown); unset or 0 keeps it. */
export function allowDestroyFromEnvironment(environment: NodeJS.ProcessEnv): boolean {
  const value = environment.METRICCARE_ALLOW_DESTROY;
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new MetricCareValidationError(
    "METRICCARE_ALLOW_DESTROY",
    `must be "1" (leave prevent_destroy out, for a teardown) or "0"/unset, got "${value}".`,
  );
}

/** The warning every synth with METRICCARE_ALLOW_DESTROY=1 prints, naming the output that lost its protection. */
export function unprotectedOutputWarning(stackFile: string): string {
  return `Warning: METRICCARE_ALLOW_DESTROY=1: ${stackFile} has no lifecycle.prevent_destroy, so a destroy, or a change that replaces them, deletes the buckets of patient data and audit logs, the PHI and audit keys and the processed-files table. Synthesize it again without the switch (npm run synth) as soon as the teardown is done.`;
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Where to write the output, for tools that need the JSON only (`npm run etl:local`): no summary,
   * and cdktf.out/ is left alone.
   * @default - cdktf.out (or $CDKTF_OUTDIR when the cdktf CLI runs the app), with the summary
   */
  readonly outdir?: string;
}

/**
 * Validates the configuration, builds the stack and writes cdktf.out/ (or $CDKTF_OUTDIR when the
 * cdktf CLI runs the app), then prints the summary. `glueTrigger` may still be bundling. When a cdktf
 * command that runs Terraform follows (diff, deploy, destroy), it first checks and prepares its target:
 * see {@link prepareDeployTarget} and {@link lockProvidersFromMirror}.
 */
export async function synthesize(
  projectRoot: string,
  glueTrigger: Promise<FunctionBundle>,
  options: SynthesizeOptions = {},
): Promise<void> {
  const config = validateConfig(metricCareConfig);
  validateSelectedWorkspace(config, process.env.TF_WORKSPACE);
  const state = stateSettingsFromEnvironment(process.env, config.awsRegion);
  const allowDestroy = allowDestroyFromEnvironment(process.env);
  const command = options.outdir === undefined ? cdktfCommand() : undefined;

  // Stack traces of every construct cost every synth time and only help to debug cdktf itself (docs/decisions/synth-build.md).
  const app = new App({ stackTraces: false, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  const stackDirectory = resolve(app.outdir, "stacks", STACK_NAME);
  const stackFile = relative(process.cwd(), join(stackDirectory, "cdk.tf.json"));
  const target = prepareDeployTarget({
    command,
    stackName: STACK_NAME,
    environments: config.environments.map((e) => e.name),
    stackDirectory,
    localStateDirectory: state === undefined ? projectRoot : undefined,
    allowDestroy,
    cwd: process.cwd(),
  });
  const wasUnprotected = !allowDestroy && options.outdir === undefined && isUnprotected(join(stackDirectory, "cdk.tf.json"));
  const bundle = await glueTrigger;

  const localStateDirectory = relative(stackDirectory, projectRoot).split(sep).join("/") || ".";
  const stack = new MetricCareStack(app, STACK_NAME, {
    config,
    sources: projectSources(projectRoot, bundle),
    state,
    localStateDirectory,
    allowDestroy,
  });
  app.synth();
  if (options.outdir !== undefined) return;

  if (state === undefined) linkStateCommandBackups(stackDirectory, projectRoot);
  const notes = [...target];
  if (runsTerraform(command)) {
    const locked = lockProvidersFromMirror({
      stackDirectory,
      requiredVersion: requiredAwsProviderVersion(stackDirectory),
      terraform: process.env.TERRAFORM_BINARY_NAME || "terraform",
    });
    if (locked) notes.push(locked);
  }
  if (allowDestroy) notes.push(unprotectedOutputWarning(stackFile));
  else if (wasUnprotected) notes.push(`Protection restored: ${stackFile} has lifecycle.prevent_destroy again.`);
  printSummary({ outdir: app.outdir, stack, config, glueTrigger: bundle, deployPath: command === undefined ? undefined : notes });
  if (command === undefined) for (const note of notes) console.error(note);
  const missing = missingTerraformNote(process.env);
  if (missing) console.error(missing);
}

/** Whether an existing synthesized file lacks `prevent_destroy` (a METRICCARE_ALLOW_DESTROY=1 synth wrote it). */
function isUnprotected(stackFile: string): boolean {
  return existsSync(stackFile) && !readFileSync(stackFile, "utf8").includes('"prevent_destroy": true');
}

/** The AWS provider version the synthesized JSON pins. */
function requiredAwsProviderVersion(stackDirectory: string): string {
  const json = JSON.parse(readFileSync(join(stackDirectory, "cdk.tf.json"), "utf8")) as {
    terraform?: { required_providers?: { aws?: { version?: string } } };
  };
  return json.terraform?.required_providers?.aws?.version ?? ">= 0";
}

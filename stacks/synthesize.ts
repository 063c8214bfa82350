import { App } from "cdktf";
import { join, relative, sep } from "node:path";
import { metricCareConfig } from "../config/metriccare.config";
import { validateConfig, validateSelectedWorkspace } from "../config/validate-config";
import type { FunctionBundle } from "../packaging/bundle-function";
import { MetricCareStack, projectSources } from "./metriccare-stack";
import { stateSettingsFromEnvironment } from "./state-backend";
import { missingTerraformNote } from "./cli";
import { printSummary } from "./summary";
import { MetricCareValidationError } from "../modules/shared/errors";

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

/**
 * Validates the configuration, builds the stack and writes cdktf.out/ (or $CDKTF_OUTDIR when the
 * cdktf CLI runs the app), then prints the summary. `glueTrigger` may still be bundling.
 */
export async function synthesize(projectRoot: string, glueTrigger: Promise<FunctionBundle>): Promise<void> {
  const config = validateConfig(metricCareConfig);
  validateSelectedWorkspace(config, process.env.TF_WORKSPACE);
  const state = stateSettingsFromEnvironment(process.env, config.awsRegion);
  const bundle = await glueTrigger;

  // Stack traces of every construct cost ~30 ms per synth and are only needed to debug cdktf itself.
  const app = new App({ stackTraces: false });
  const localStateDirectory =
    relative(join(app.outdir, "stacks", "metriccare"), projectRoot)
      .split(sep)
      .join("/") || ".";
  const stack = new MetricCareStack(app, "metriccare", {
    config,
    sources: projectSources(projectRoot, bundle),
    state,
    localStateDirectory,
    allowDestroy: allowDestroyFromEnvironment(process.env),
  });
  app.synth();
  printSummary({ outdir: app.outdir, stack, config, glueTrigger: bundle });
  const note = missingTerraformNote(process.env);
  if (note) console.error(note);
}

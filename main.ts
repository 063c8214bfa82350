import { App } from "cdktf";
import { join } from "node:path";
import { metricCareConfig } from "./config/metriccare.config";
import { validateConfig, validateSelectedWorkspace } from "./config/validate-config";
import { bundleFunction } from "./packaging/bundle-function";
import { findProjectRoot, reportFailure } from "./stacks/cli";
import { MetricCareStack, projectSources } from "./stacks/metriccare-stack";
import { stateSettingsFromEnvironment } from "./stacks/state-backend";
import { printSummary } from "./stacks/summary";

/** Synthesizes the MetricCare stack into cdktf.out/ (or $CDKTF_OUTDIR when run by the cdktf CLI). */
async function main(): Promise<void> {
  const root = findProjectRoot(process.cwd());
  const config = validateConfig(metricCareConfig);
  validateSelectedWorkspace(config, process.env.TF_WORKSPACE);
  const glueTrigger = await bundleFunction({
    entry: join(root, "functions", "glue_trigger", "index.ts"),
    zipPath: join(root, ".build", "functions", "glue_trigger.zip"),
  });

  const app = new App();
  const stack = new MetricCareStack(app, "metriccare", {
    config,
    sources: projectSources(root, glueTrigger),
    state: stateSettingsFromEnvironment(process.env, config.awsRegion),
  });
  app.synth();
  printSummary({ outdir: app.outdir, stack, config, glueTrigger });
}

main().catch(reportFailure);

import { join } from "node:path";
import { bundleFunction } from "./packaging/bundle-function";
import { findProjectRoot, reportFailure } from "./stacks/cli";

/** `npm run synth` / `cdktf synth`: bundle the Lambda and synthesize the MetricCare stack. */
async function main(): Promise<void> {
  const root = findProjectRoot(process.cwd());
  // Bundling runs in esbuild's own process: start it before Node spends its time loading cdktf
  // and the provider bindings (the import below), so the two overlap.
  const glueTrigger = bundleFunction({
    entry: join(root, "functions", "glue_trigger", "index.ts"),
    zipPath: join(root, ".build", "functions", "glue_trigger.zip"),
    cache: true,
  });
  glueTrigger.catch(() => undefined); // handled where it is awaited; this only avoids an early unhandled rejection
  const { synthesize } = await import("./stacks/synthesize");
  await synthesize(root, glueTrigger);
}

main().catch(reportFailure);

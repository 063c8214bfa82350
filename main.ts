import { bundleFunction } from "./packaging/bundle-function";
import { functionPackage } from "./packaging/project-functions";
import { findProjectRoot, reportFailure } from "./stacks/cli";

/** `npm run synth` / `cdktf synth`: bundle the Lambda and synthesize the MetricCare stack. */
async function main(): Promise<void> {
  const root = findProjectRoot(process.cwd());
  // Bundling runs in esbuild's own process: start it before Node spends its time loading cdktf
  // and the provider bindings (the import below), so the two overlap.
  const glueTrigger = bundleFunction(functionPackage(root, "glue_trigger"));
  glueTrigger.catch(() => undefined); // handled where it is awaited; this only avoids an early unhandled rejection
  try {
    const { synthesize } = await import("./stacks/synthesize");
    await synthesize(root, glueTrigger);
  } catch (error) {
    // Exiting while esbuild still answers a build makes its process print a Go deadlock trace
    // into the failure message: let the build end first.
    await glueTrigger.catch(() => undefined);
    throw error;
  }
}

main().catch(reportFailure);

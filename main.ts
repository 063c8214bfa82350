import { bundleFunction } from "./packaging/bundle-function";
import { functionPackage } from "./packaging/project-functions";
import { findProjectRoot, reportFailure } from "./app/cli";

/**
 * `npm run synth` / `cdktf synth`: bundle the Lambda and synthesize the MetricCare stack.
 * `--outdir <folder>` writes the JSON there instead of cdktf.out/, without the summary (`npm run etl:local`).
 */
async function main(): Promise<void> {
  const root = findProjectRoot(process.cwd());
  const [flag, outdir, ...rest] = process.argv.slice(2);
  if (flag !== undefined && (flag !== "--outdir" || !outdir || rest.length > 0)) {
    throw new Error(`Usage: npm run synth [-- --outdir <folder>]; got "${process.argv.slice(2).join(" ")}".`);
  }
  // Bundling runs in esbuild's own process: start it before Node spends its time loading cdktf
  // and the provider bindings (the import below), so the two overlap.
  const glueTrigger = bundleFunction(functionPackage(root, "glue_trigger"));
  glueTrigger.catch(() => undefined); // handled where it is awaited; this only avoids an early unhandled rejection
  try {
    const { synthesize } = await import("./app/synthesize");
    await synthesize(root, glueTrigger, { outdir });
  } catch (error) {
    // Exiting while esbuild still answers a build makes its process print a Go deadlock trace
    // into the failure message: let the build end first.
    await glueTrigger.catch(() => undefined);
    throw error;
  }
}

main().catch(reportFailure);

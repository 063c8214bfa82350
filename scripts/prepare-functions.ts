// `npm ci` and `npm install` run this (package.json "postinstall"): it bundles each function's npm
// dependencies (functions/<name>/dependencies.ts: the AWS SDK clients, Powertools) once per
// install, the slow part of packaging, so that `npm run synth` bundles only the functions' own
// code. It reuses a bundle that is still valid; synth builds a missing or stale one itself.
// Usage: node scripts/run-ts.cjs scripts/prepare-functions.ts
import { bundleDependencies } from "../packaging/bundle-function";
import { functionPackage, PROJECT_FUNCTIONS } from "../packaging/project-functions";
import { findProjectRoot } from "../app/cli";

async function main(): Promise<void> {
  const root = findProjectRoot(process.cwd());
  const started = performance.now();
  const prepared = await Promise.all(
    PROJECT_FUNCTIONS.map(async (name) => {
      const dependencies = await bundleDependencies(functionPackage(root, name));
      const bytes = dependencies.entries.reduce((sum, entry) => sum + entry.size, 0);
      return `${name} ${(bytes / 1024).toFixed(1)} KB in ${dependencies.entries.length} files${dependencies.rebuilt ? "" : " (still valid)"}`;
    }),
  );
  console.log(
    `Bundled the Lambda functions' npm dependencies for synth: ${prepared.join(", ")}; ${(performance.now() - started).toFixed(0)} ms.`,
  );
}

main().catch((error: unknown) => {
  console.error(`Bundling the Lambda functions' npm dependencies failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

#!/usr/bin/env node
// Runs a TypeScript file without type-checking: esbuild compiles it (dependencies stay in
// node_modules) into .build/run/ and Node requires the result. `tsc --noEmit` checks types.
// The compiled file is reused while none of its sources changed (packaging/build-cache.mjs).
// Usage: node scripts/run-ts.mjs <file.ts> [args...]
import { build } from "esbuild";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import { cacheKey, freshBuild, metafileInputs, recordBuild } from "../packaging/build-cache.mjs";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("Usage: node scripts/run-ts.mjs <file.ts> [args...]");
  process.exit(2);
}
const root = resolve(import.meta.dirname, "..");
const outfile = join(root, ".build", "run", `${basename(entry, ".ts")}.cjs`);
const manifest = `${outfile}.inputs.json`;
const options = {
  entryPoints: [resolve(entry)],
  absWorkingDir: root,
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "inline",
  logLevel: "warning",
  metafile: true,
};
const key = cacheKey(options, root);
if (!freshBuild(manifest, key, [outfile])) {
  const result = await build(options);
  recordBuild(manifest, key, metafileInputs(result.metafile, root));
}
process.argv = [process.argv[0], resolve(entry), ...args];
createRequire(import.meta.url)(outfile);

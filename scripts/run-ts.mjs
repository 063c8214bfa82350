#!/usr/bin/env node
// Runs a TypeScript file without type-checking: esbuild compiles it (dependencies stay in
// node_modules) into .build/run/ and Node requires the result. `tsc --noEmit` checks types.
// Usage: node scripts/run-ts.mjs <file.ts> [args...]
import { build } from "esbuild";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("Usage: node scripts/run-ts.mjs <file.ts> [args...]");
  process.exit(2);
}
const root = resolve(import.meta.dirname, "..");
const outfile = join(root, ".build", "run", `${basename(entry, ".ts")}.cjs`);
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "inline",
  logLevel: "warning",
});
process.argv = [process.argv[0], resolve(entry), ...args];
createRequire(import.meta.url)(outfile);

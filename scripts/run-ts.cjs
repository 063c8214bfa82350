#!/usr/bin/env node
// Runs a TypeScript file without type-checking: esbuild compiles it (dependencies stay in
// node_modules) into .build/run/ and Node requires the result. `tsc --noEmit` checks types.
// The compiled file is reused while none of its sources changed (packaging/build-cache.cjs);
// esbuild itself is loaded only when something has to be compiled.
// CommonJS on purpose: an .mjs entry starts Node's ES module loader, ~25 ms of every synth.
// Usage: node scripts/run-ts.cjs <file.ts> [args...]
"use strict";
const { basename, join, resolve } = require("node:path");
const { cacheKey, freshBuild, metafileInputs, recordBuild } = require("../packaging/build-cache.cjs");

async function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error("Usage: node scripts/run-ts.cjs <file.ts> [args...]");
    process.exit(2);
  }
  const root = resolve(__dirname, "..");
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
    // import() of a package becomes require(): a real import() would start Node's ES module loader.
    supported: { "dynamic-import": false },
    // A map file beside the output, read only when METRICCARE_DEBUG asks for stack traces (an
    // inline map made the compiled app 6 times larger, and Node ignores it without source maps on).
    sourcemap: "linked",
    logLevel: "warning",
    metafile: true,
  };
  const key = cacheKey(options, root);
  if (!freshBuild(manifest, key, [outfile])) {
    const result = await require("esbuild").build(options);
    recordBuild(manifest, key, metafileInputs(result.metafile, root));
  }
  if (process.env.METRICCARE_DEBUG) process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0], resolve(entry), ...args];
  require(outfile);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

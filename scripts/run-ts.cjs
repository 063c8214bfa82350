#!/usr/bin/env node
// Runs a TypeScript file without type-checking: esbuild compiles it (dependencies stay in
// node_modules) into .build/run/ and Node requires the result. `tsc --noEmit` checks types.
// The compiled file is reused while none of its sources changed (packaging/build-cache.cjs);
// esbuild itself is loaded only when something has to be compiled.
// CommonJS on purpose: an .mjs entry starts Node's ES module loader on every synth.
// --preload requires the listed packages while esbuild compiles (a fresh clone's synth loads cdktf
// during the compile instead of after it); when the compiled file is reused it does nothing.
// Figures: docs/decisions/synth-build.md.
// Usage: node scripts/run-ts.cjs [--preload <package>,...] <file.ts> [args...]
"use strict";
const { basename, join, resolve } = require("node:path");
const { cacheKey, freshBuild, metafileInputs, recordBuild } = require("../packaging/build-cache.cjs");

async function main() {
  let [entry, ...args] = process.argv.slice(2);
  let preload = [];
  if (entry === "--preload") {
    preload = (args.shift() ?? "").split(",").filter(Boolean);
    entry = args.shift();
  }
  if (!entry) {
    console.error("Usage: node scripts/run-ts.cjs [--preload <package>,...] <file.ts> [args...]");
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
    const building = require("esbuild").build(options);
    // esbuild compiles in its own process; Node can load packages the app needs meanwhile.
    for (const name of preload) require(name);
    const result = await building;
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

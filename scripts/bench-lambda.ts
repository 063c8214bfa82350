// Prints the size and cold-load time of the glue_trigger Lambda bundle next to loading the same SDK
// clients unbundled from node_modules, against the targets. Figures only; it is not a test.
// Usage: node scripts/run-ts.cjs scripts/bench-lambda.ts [--runs 9]   (npm run bench:lambda)
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleFunction } from "../packaging/bundle-function";
import { extractZip } from "../packaging/extract-zip";
import { functionPackage } from "../packaging/project-functions";
import { kb, ms, readRuns, summarise, timeInChild, verdict } from "./bench-support";
import { findProjectRoot } from "../app/cli";

const ROOT = findProjectRoot(process.cwd());
const ENTRY = functionPackage(ROOT, "glue_trigger").entry;
const OUT_DIR = join(ROOT, ".build", "bench");
const ZIP_TARGET_BYTES = 160 * 1024;
const RATIO_TARGET = 0.5;
const UNBUNDLED_PACKAGES = ["@aws-sdk/client-glue", "@aws-sdk/client-sns", "@aws-sdk/client-dynamodb", "@aws-lambda-powertools/logger"];

async function main(): Promise<void> {
  const runs = readRuns(process.argv.slice(2), 9);
  mkdirSync(OUT_DIR, { recursive: true });
  const bundle = await bundleFunction({ entry: ENTRY, zipPath: join(OUT_DIR, "glue_trigger.zip") });
  // Extracted whole, as Lambda does: index.mjs loads its chunks from chunks/ beside it.
  const files = extractZip(bundle.zipPath, join(OUT_DIR, "task"));
  const bundlePath = join(OUT_DIR, "task", "index.mjs");
  const coldStartFiles = staticImports(join(OUT_DIR, "task"), "index.mjs");
  const coldStartBytes = coldStartFiles.reduce((sum, file) => sum + statSync(join(OUT_DIR, "task", file)).size, 0);

  // Each sample is a fresh `node` process timing only the import or require, not Node's own start-up.
  const bundleScript = `const t=performance.now();await import(${JSON.stringify(
    pathToFileURL(bundlePath).href,
  )});process.stdout.write(String(performance.now()-t));`;
  const unbundledScript = `const t=performance.now();${UNBUNDLED_PACKAGES.map((name) => `require(${JSON.stringify(name)});`).join(
    "",
  )}process.stdout.write(String(performance.now()-t));`;
  const bundleSamples: number[] = [];
  const unbundledSamples: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Interleaved, so that a busy moment of the machine weighs on both sides alike.
    bundleSamples.push(timeInChild(ROOT, ["--input-type=module", "-e", bundleScript]));
    unbundledSamples.push(timeInChild(ROOT, ["-e", unbundledScript]));
  }
  const bundled = summarise(bundleSamples);
  const unbundled = summarise(unbundledSamples);
  const ratio = bundled.median / unbundled.median;
  const ratioOfMinima = bundled.min / unbundled.min;

  const rows = [
    "glue_trigger Lambda (nodejs22.x, arm64, handler index.handler)",
    `  ZIP      ${bytes(bundle.zipBytes)}   target <= ${kb(ZIP_TARGET_BYTES)}: ${verdict(bundle.zipBytes <= ZIP_TARGET_BYTES)}`,
    `  code     ${bytes(bundle.bundleBytes)}   minified ESM, ${files.length} files`,
    `  loaded   ${bytes(coldStartBytes)}   at cold start: ${coldStartFiles.length} files (index.mjs and what it imports statically; the rest load on demand)`,
    `  sha256   ${bundle.sha256Base64} (source_code_hash)`,
    "",
    `Cold load, ${runs} fresh node ${process.version} processes each       min      median`,
    `  bundle: import index.mjs                           ${ms(bundled.min)}  ${ms(bundled.median)}`,
    `  unbundled: require SDK clients + logger            ${ms(unbundled.min)}  ${ms(unbundled.median)}`,
    `    (${UNBUNDLED_PACKAGES.join(", ")})`,
    `  ratio bundle / unbundled                           ${ratioOfMinima.toFixed(2).padStart(6)}     ${ratio.toFixed(2).padStart(6)}` +
      `   target <= ${RATIO_TARGET} (median): ${verdict(ratio <= RATIO_TARGET)}`,
  ];
  console.log(rows.join("\n"));
}

/** `entry` and the files it imports statically, transitively: what loading it reads (`import()` targets excluded). */
function staticImports(directory: string, entry: string): string[] {
  const found = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (found.has(file)) continue;
    found.add(file);
    // esbuild's minified ESM: import{a as b}from"./x.mjs"; or import"./x.mjs"; a `(` before the string is import().
    for (const match of readFileSync(join(directory, file), "utf8").matchAll(/\bimport\s*(?:[\w$*{},\s]*?from\s*)?"(\.{1,2}\/[^"]+)"/g)) {
      queue.push(posix.join(posix.dirname(file), match[1]));
    }
  }
  return [...found];
}

const bytes = (n: number): string => `${n.toLocaleString("en-US").padStart(9)} bytes (${kb(n)})`;

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

// Prints the size and cold-load time of the glue_trigger Lambda bundle next to loading the same SDK
// clients unbundled from node_modules, against the targets. Figures only; it is not a test.
// Usage: node scripts/run-ts.mjs scripts/bench-lambda.ts [--runs 9]   (npm run bench:lambda)
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { bundleFunction } from "../packaging/bundle-function";

// run-ts.mjs runs a compiled copy from .build/run/ and sets argv[1] to this source file.
const ROOT = resolve(dirname(process.argv[1] ?? "scripts/bench-lambda.ts"), "..");
const ENTRY = join(ROOT, "functions", "glue_trigger", "index.ts");
const OUT_DIR = join(ROOT, ".build", "bench");
const ZIP_TARGET_BYTES = 160 * 1024;
const RATIO_TARGET = 0.5;
const UNBUNDLED_PACKAGES = [
  "@aws-sdk/client-glue",
  "@aws-sdk/client-sns",
  "@aws-sdk/client-dynamodb",
  "@aws-lambda-powertools/logger",
];

interface Timing {
  readonly min: number;
  readonly median: number;
}

async function main(): Promise<void> {
  const runs = readRuns(process.argv.slice(2));
  mkdirSync(OUT_DIR, { recursive: true });
  const bundle = await bundleFunction({ entry: ENTRY, zipPath: join(OUT_DIR, "glue_trigger.zip") });
  const bundlePath = join(OUT_DIR, "index.mjs");
  const entry = unzipSync(readFileSync(bundle.zipPath))["index.mjs"];
  if (entry === undefined) {
    throw new Error(`${bundle.zipPath} has no index.mjs.`);
  }
  writeFileSync(bundlePath, entry);

  // Each sample is a fresh `node` process timing only the import or require, not Node's own start-up.
  const bundleScript = `const t=performance.now();await import(${JSON.stringify(
    pathToFileURL(bundlePath).href
  )});process.stdout.write(String(performance.now()-t));`;
  const unbundledScript = `const t=performance.now();${UNBUNDLED_PACKAGES.map(
    (name) => `require(${JSON.stringify(name)});`
  ).join("")}process.stdout.write(String(performance.now()-t));`;
  const bundleSamples: number[] = [];
  const unbundledSamples: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Interleaved, so that a busy moment of the machine weighs on both sides alike.
    bundleSamples.push(timeChild(["--input-type=module", "-e", bundleScript]));
    unbundledSamples.push(timeChild(["-e", unbundledScript]));
  }
  const bundled = summarise(bundleSamples);
  const unbundled = summarise(unbundledSamples);
  const ratio = bundled.median / unbundled.median;
  const ratioOfMinima = bundled.min / unbundled.min;

  const rows = [
    "glue_trigger Lambda (nodejs22.x, arm64, handler index.handler)",
    `  ZIP      ${bytes(bundle.zipBytes)}   target <= ${kb(ZIP_TARGET_BYTES)}: ${verdict(
      bundle.zipBytes <= ZIP_TARGET_BYTES
    )}`,
    `  bundle   ${bytes(bundle.bundleBytes)}   minified ESM index.mjs`,
    `  sha256   ${bundle.sha256Base64} (source_code_hash)`,
    "",
    `Cold load, ${runs} fresh node ${process.version} processes each       min      median`,
    `  bundle: import index.mjs                           ${ms(bundled.min)}  ${ms(bundled.median)}`,
    `  unbundled: require SDK clients + logger            ${ms(unbundled.min)}  ${ms(unbundled.median)}`,
    `    (${UNBUNDLED_PACKAGES.join(", ")})`,
    `  ratio bundle / unbundled                           ${ratioOfMinima.toFixed(2).padStart(6)}     ${ratio
      .toFixed(2)
      .padStart(6)}` + `   target <= ${RATIO_TARGET} (median): ${verdict(ratio <= RATIO_TARGET)}`,
  ];
  console.log(rows.join("\n"));
}

function timeChild(args: readonly string[]): number {
  const output = execFileSync(process.execPath, [...args], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const elapsed = Number(output);
  if (!Number.isFinite(elapsed)) {
    throw new Error(`Expected a duration from the child process, got ${JSON.stringify(output)}.`);
  }
  return elapsed;
}

function summarise(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { min: sorted[0] ?? Number.NaN, median: median ?? Number.NaN };
}

function readRuns(args: readonly string[]): number {
  const index = args.indexOf("--runs");
  const runs = index === -1 ? 9 : Number(args[index + 1]);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got ${JSON.stringify(args[index + 1])}.`);
  }
  return runs;
}

const bytes = (n: number): string => `${n.toLocaleString("en-US").padStart(9)} bytes (${kb(n)})`;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number): string => `${n.toFixed(1).padStart(6)} ms`;
const verdict = (ok: boolean): string => (ok ? "OK" : "OVER TARGET");

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

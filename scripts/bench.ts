// Prints how fast and how big `npm run synth` is, next to the floor (Node loading cdktf and
// constructs), then the Lambda package figures (bench-lambda.ts). Figures only; not a test.
// Usage: node scripts/run-ts.cjs scripts/bench.ts [--runs 5] [--tests]   (npm run bench)
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { dependenciesZipPath } from "../packaging/bundle-function";
import { functionPackage } from "../packaging/project-functions";
import { measureNode, ms, readRuns, summarise, verdict } from "./bench-support";
import { findProjectRoot } from "../app/cli";

const ROOT = findProjectRoot(process.cwd());
const RATIO_TARGET = 3;
const RSS_TARGET_MB = 300;
const TEST_TARGET_SECONDS = 60;
// `npm run synth` without npm's own start-up: the arguments of package.json's "synth" after `node`.
const SYNTH = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { synth: string } }).scripts.synth
  .split(" ")
  .slice(1);

interface Scenario {
  readonly name: string;
  /** Runs before each measured synth, to put the caches in this scenario's state. */
  readonly prepare: () => void;
}

const FUNCTION_ZIP = functionPackage(ROOT, "glue_trigger").zipPath;
// What `npm ci` leaves (package.json "postinstall"): the functions' npm dependencies bundled. Timed
// on its own, as part of the install.
const postinstallMs: number[] = [];
const prepareFunctions = (): void => {
  postinstallMs.push(measureNode(ROOT, ["scripts/run-ts.cjs", "scripts/prepare-functions.ts"]).ms);
};

const scenarios: readonly Scenario[] = [
  {
    name: "fresh clone after npm ci (compile main.ts, bundle the Lambda's code, zip ETL package)",
    prepare: () => {
      rmSync(join(ROOT, ".build"), { recursive: true, force: true });
      rmSync(join(ROOT, "cdktf.out"), { recursive: true, force: true });
      prepareFunctions();
    },
  },
  {
    name: "Lambda code changed: bundle its code and zip it again",
    prepare: () => rmSync(`${FUNCTION_ZIP}.inputs.json`, { force: true }),
  },
  { name: "nothing changed: every build reused", prepare: () => undefined },
  {
    name: "its dependencies.ts changed: bundle the AWS SDK again too",
    prepare: () => rmSync(`${dependenciesZipPath(FUNCTION_ZIP)}.inputs.json`, { force: true }),
  },
];

function main(): void {
  const args = process.argv.slice(2);
  const runs = readRuns(args, 5);
  // Warm the OS file cache and the build caches once, so the first sample is not an outlier.
  measureNode(ROOT, SYNTH);

  const floor: number[] = [];
  const samples = scenarios.map(() => ({ ms: [] as number[], rss: [] as number[] }));
  for (let run = 0; run < runs; run++) {
    // Interleaved, so that a busy moment of the machine weighs on every row alike.
    floor.push(measureNode(ROOT, ["-e", "require('cdktf');require('constructs')"]).ms);
    scenarios.forEach((scenario, index) => {
      scenario.prepare();
      const sample = measureNode(ROOT, SYNTH);
      samples[index]?.ms.push(sample.ms);
      samples[index]?.rss.push(sample.maxRssMb);
    });
  }
  const base = summarise(floor);
  const rows = [
    `npm run synth, ${runs} fresh node ${process.version} processes each (wall time)`.padEnd(86) + "min      median   median/floor",
    `  ${"floor: node -e \"require('cdktf');require('constructs')\"".padEnd(84)}${ms(base.min)}  ${ms(base.median)}`,
  ];
  for (const [index, scenario] of scenarios.entries()) {
    const timing = summarise(samples[index]?.ms ?? []);
    const ratio = timing.median / base.median;
    rows.push(
      `  ${scenario.name.padEnd(84)}${ms(timing.min)}  ${ms(timing.median)}   ${ratio.toFixed(2).padStart(5)}  ${verdict(ratio <= RATIO_TARGET)}`,
    );
  }
  const peak = Math.max(...samples.flatMap((s) => s.rss));
  rows.push(
    `  target: median/floor <= ${RATIO_TARGET}`,
    `  npm ci's postinstall, once per install (scripts/prepare-functions.ts): median ${ms(summarise(postinstallMs).median).trim()}`,
    `  peak RSS of the synth process: ${peak.toFixed(0)} MB   target < ${RSS_TARGET_MB} MB: ${verdict(peak < RSS_TARGET_MB)}`,
  );
  console.log(rows.join("\n"));
  console.log();
  execFileSync(process.execPath, ["scripts/run-ts.cjs", "scripts/bench-lambda.ts", "--runs", String(Math.max(runs, 7))], {
    cwd: ROOT,
    stdio: "inherit",
  });

  if (args.includes("--tests")) {
    const started = performance.now();
    const result = spawnSync("npm", ["test"], { cwd: ROOT, stdio: "ignore" });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `\nnpm test (type-check and every suite): ${seconds.toFixed(1)} s wall, exit ${result.status}   target < ${TEST_TARGET_SECONDS} s: ${verdict(seconds < TEST_TARGET_SECONDS && result.status === 0)}`,
    );
  }
}

main();

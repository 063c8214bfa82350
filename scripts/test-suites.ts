// `npm test`'s test step: jest and the Python suite at the same time, then Checkov over what jest's
// Terraform suite planned and the access journeys over the calls both suites recorded (a run starts
// without recordings, so none is stale). The two suites overlap well: jest spends most of its time
// waiting on Terraform's provider against moto, the Python suite on Spark's CPU. Each suite's output is printed
// whole when it ends (not interleaved); the exit code is non-zero when any step failed.
// Usage: node scripts/run-ts.cjs scripts/test-suites.ts
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { findProjectRoot } from "../app/cli";

interface Outcome {
  readonly name: string;
  readonly code: number;
  readonly seconds: number;
}

function run(name: string, args: readonly string[], cwd: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", ...args], { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    const output: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`\n===== ${name} (${seconds.toFixed(0)} s) =====\n${Buffer.concat(output).toString("utf8")}`);
      resolve({ name, code: code ?? 1, seconds });
    });
  });
}

async function main(): Promise<void> {
  const root = findProjectRoot(process.cwd());
  rmSync(join(root, ".build", "journeys"), { recursive: true, force: true });
  const suites = await Promise.all([run("jest", ["test:jest"], root), run("Python (pytest)", ["test:etl"], root)]);
  // Both read what the suites left in .build/: Checkov the Terraform plans, the journeys the recorded calls.
  const after = await Promise.all([run("Checkov", ["scan:checkov"], root), run("access journeys", ["test:journeys"], root)]);
  const outcomes = [...suites, ...after];
  console.log(
    `\n${outcomes.map((o) => `${o.name}: ${o.code === 0 ? "passed" : `FAILED (exit ${o.code})`} in ${o.seconds.toFixed(0)} s`).join("; ")}`,
  );
  process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
}

void main();

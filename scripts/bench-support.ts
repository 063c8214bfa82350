// Helpers of the benchmark scripts: run a command in a fresh process, time it, summarise samples.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Minimum and median of a set of samples. */
export interface Timing {
  readonly min: number;
  readonly median: number;
}

export function summarise(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { min: sorted[0] ?? Number.NaN, median: median ?? Number.NaN };
}

/** Runs `node <args>` and returns the number it prints (a duration measured inside the child). */
export function timeInChild(cwd: string, args: readonly string[]): number {
  const output = execFileSync(process.execPath, [...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const elapsed = Number(output);
  if (!Number.isFinite(elapsed)) throw new Error(`Expected a duration from the child process, got ${JSON.stringify(output)}.`);
  return elapsed;
}

/** Wall time of `node <args>` in a fresh process, and the peak RSS of that Node process. */
export function measureNode(cwd: string, args: readonly string[]): { readonly ms: number; readonly maxRssMb: number } {
  const dir = mkdtempSync(join(tmpdir(), "metriccare-bench-"));
  const rssFile = join(dir, "rss");
  const hook = join(dir, "rss.cjs");
  execFileSync(process.execPath, [
    "-e",
    `require("fs").writeFileSync(${JSON.stringify(hook)}, ${JSON.stringify(
      `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));`,
    )})`,
  ]);
  const started = performance.now();
  const result = spawnSync(process.execPath, ["--require", hook, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stderr}`);
  const maxRssMb = Number(readFileSync(rssFile, "utf8")) / 1024;
  rmSync(dir, { recursive: true, force: true });
  return { ms, maxRssMb };
}

/** The number after `--runs`, or `fallback`. */
export function readRuns(args: readonly string[], fallback: number): number {
  const index = args.indexOf("--runs");
  const runs = index === -1 ? fallback : Number(args[index + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${JSON.stringify(args[index + 1])}.`);
  return runs;
}

export const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
export const ms = (n: number): string => `${n.toFixed(1).padStart(6)} ms`;
export const verdict = (ok: boolean): string => (ok ? "OK" : "OVER TARGET");

import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** Thrown when a tool the tests need is not provisioned, or provisioning it failed. */
export class ToolchainError extends Error {
  public override readonly name = "ToolchainError";
}

/** The script that provisions every tool; errors name it so a reader knows what to run. */
export const PROVISION_COMMAND = "node scripts/run-ts.cjs toolchain/provision.ts";

/** Where downloaded tools live: `METRICCARE_CACHE_DIR`, else `~/.cache/metriccare` (never inside the repository). */
export function cacheRoot(): string {
  return process.env.METRICCARE_CACHE_DIR || join(homedir(), ".cache", "metriccare");
}

/** A short version key: SHA-256 over the given parts (file contents, version strings), 16 hex digits. */
export function versionKey(...parts: readonly (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/** The file's bytes, for {@link versionKey}. */
export function fileBytes(path: string): Buffer {
  return readFileSync(path);
}

const COMPLETE_MARKER = ".complete";
const LOCK_STALE_MS = 60 * 60 * 1000;

/** Whether `dir` was provisioned to the end (a build that died leaves no marker). */
export function isProvisioned(dir: string): boolean {
  return existsSync(join(dir, COMPLETE_MARKER));
}

/**
 * Provisions `dir` once: `build(dir)` runs into an empty `dir`, which is marked complete only when it
 * returns. A half-built folder (killed build) is removed and built again. Concurrent callers (two jest
 * workers, two terminals) wait for the first one through a lock folder beside `dir`.
 */
export function provisionOnce(dir: string, what: string, build: (dir: string) => void): string {
  if (isProvisioned(dir)) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (isProvisioned(dir)) return dir;
      if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else sleep(1000);
    }
  }
  try {
    if (isProvisioned(dir)) return dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    process.stderr.write(`Provisioning ${what} into ${dir} ...\n`);
    build(dir);
    writeFileSync(join(dir, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    process.stderr.write(`Provisioned ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs a provisioning command, its output on stderr; throws with the command and its exit status. */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { stdio: ["ignore", process.stderr, process.stderr], ...options });
  if (result.error) throw new ToolchainError(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new ToolchainError(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}.`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

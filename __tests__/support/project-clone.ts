import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PROJECT_ROOT } from "./metriccare-stack";
import { tempDirectory } from "./test-context";

/** A `git clone` of the committed tree, sharing this node_modules. */
export function cleanClone(): string {
  const clone = join(tempDirectory("metriccare-clone-"), "repo");
  const cloned = spawnSync("git", ["clone", "--quiet", PROJECT_ROOT, clone], { encoding: "utf8" });
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(clone, "node_modules"), "dir");
  return clone;
}

/**
 * Runs `npm run synth`'s command in `dir` as a new user would: no AWS credentials, no Terraform on
 * the PATH, no workspace selected unless `env` sets one.
 */
export function runSynth(dir: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const path = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((p) => !existsSync(join(p, "terraform")))
    .join(delimiter);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_") && !name.startsWith("CDKTF_") && name !== "TF_WORKSPACE"),
  );
  return spawnSync(process.execPath, ["scripts/run-ts.cjs", "main.ts"], {
    cwd: dir,
    env: { ...inherited, PATH: path, METRICCARE_DEBUG: "", ...env },
    encoding: "utf8",
  });
}

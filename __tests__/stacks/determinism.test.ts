import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { tempDirectory } from "../support/test-context";

/** A `git clone` of the committed tree, sharing this node_modules. */
function cleanClone(): string {
  const clone = join(tempDirectory("metriccare-clone-"), "repo");
  const cloned = spawnSync("git", ["clone", "--quiet", PROJECT_ROOT, clone], { encoding: "utf8" });
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(clone, "node_modules"), "dir");
  return clone;
}

/** Runs `npm run synth`'s command in `dir` with no AWS credentials and no Terraform on the PATH. */
function synth(dir: string): void {
  const path = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((p) => !existsSync(join(p, "terraform")))
    .join(delimiter);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_") && !name.startsWith("CDKTF_") && name !== "TF_WORKSPACE"),
  );
  const result = spawnSync(process.execPath, ["scripts/run-ts.cjs", "main.ts"], {
    cwd: dir,
    env: { ...env, PATH: path },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`synth failed in ${dir}:\n${result.stderr}`);
}

/** Every file under `dir`, by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

describe("synth determinism", () => {
  it("writes byte-identical Terraform JSON and assets from two clean clones, without AWS credentials or Terraform", () => {
    // Prepare
    const [first, second] = [cleanClone(), cleanClone()];
    // Act
    synth(first);
    synth(second);
    // Assess
    const a = tree(join(first, "cdktf.out"));
    const b = tree(join(second, "cdktf.out"));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()].filter((file) => file.includes("/assets/")).length).toBe(6);
    for (const [file, bytes] of a) {
      // Text files compare as text so a failure shows the differing lines.
      if (file.endsWith(".json")) expect({ file, text: bytes.toString("utf8") }).toEqual({ file, text: b.get(file)?.toString("utf8") });
      else expect({ file, same: bytes.equals(b.get(file) as Buffer) }).toEqual({ file, same: true });
    }
  }, 60_000);
});

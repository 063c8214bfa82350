import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { cleanClone, runSynth } from "../support/project-clone";

/** Runs synth in `dir`, failing with its output. */
function synth(dir: string): void {
  const result = runSynth(dir);
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

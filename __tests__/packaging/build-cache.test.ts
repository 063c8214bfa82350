import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheKey, freshBuild, recordBuild } from "../../packaging/build-cache.cjs";
import { tempDirectory } from "../support/test-context";

let dir: string;
let input: string;
let output: string;
let manifest: string;
const KEY = "key-1";

/** Sets a file's modification time to `seconds` after the epoch, as a checkout or reinstall would. */
const touch = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);
const recordedTime = (): string =>
  (JSON.parse(readFileSync(manifest, "utf8")) as { inputs: Record<string, { mtimeNs: string }> }).inputs[input]?.mtimeNs ?? "";

beforeEach(() => {
  dir = tempDirectory("metriccare-build-cache-");
  input = join(dir, "input.ts");
  output = join(dir, "output.zip");
  manifest = join(dir, "output.zip.inputs.json");
  writeFileSync(input, "export const a = 1;\n");
  writeFileSync(output, "built");
  touch(input, 1_000_000);
  recordBuild(manifest, KEY, [input], { bundleBytes: 42 });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("freshBuild", () => {
  it("returns the recorded details while key, inputs and outputs are unchanged", () => {
    // Act, Assess
    expect(freshBuild(manifest, KEY, [output])).toEqual({ bundleBytes: 42 });
  });

  it.each([
    ["the key changed", () => ({ key: "key-2" })],
    ["an output is gone", () => (rmSync(output), {})],
    ["an input is gone", () => (rmSync(input), {})],
    ["an input changed size", () => (writeFileSync(input, "export const a = 10;\n"), {})],
    [
      "an input changed bytes, not size, with a new time",
      () => (writeFileSync(input, "export const b = 1;\n"), touch(input, 2_000_000), {}),
    ],
  ])("is undefined when %s", (_, change) => {
    // Prepare
    const { key = KEY } = change() as { key?: string };
    // Act, Assess
    expect(freshBuild(manifest, key, [output])).toBeUndefined();
  });

  it("accepts an input touched without a change, and records its new time so the next check only stats it", () => {
    // Prepare
    touch(input, 2_000_000);
    const before = recordedTime();
    // Act
    const details = freshBuild(manifest, KEY, [output]);
    // Assess
    expect(details).toEqual({ bundleBytes: 42 });
    expect(before).toBe(String(1_000_000n * 1_000_000_000n));
    expect(recordedTime()).toBe(String(statSync(input, { bigint: true }).mtimeNs));
    expect(recordedTime()).toBe(String(2_000_000n * 1_000_000_000n));
  });
});

describe("cacheKey", () => {
  it("changes with the options and with package-lock.json, found from the directory upwards", () => {
    // Prepare
    const lockfile = join(dir, "package-lock.json");
    writeFileSync(lockfile, '{"lockfileVersion":3}');
    const first = cacheKey({ minify: true }, dir);
    // Act
    const sameAgain = cacheKey({ minify: true }, dir);
    const otherOptions = cacheKey({ minify: false }, dir);
    writeFileSync(lockfile, '{"lockfileVersion":3,"packages":{}}');
    const otherLockfile = cacheKey({ minify: true }, dir);
    // Assess
    expect(sameAgain).toBe(first);
    expect(otherOptions).not.toBe(first);
    expect(otherLockfile).not.toBe(first);
  });
});

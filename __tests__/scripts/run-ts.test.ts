import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../support/metriccare-stack";

const RUN_TS = join(PROJECT_ROOT, "scripts", "run-ts.cjs");
let dir: string;

function runTs(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [RUN_TS, ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
}

beforeEach(() => {
  mkdirSync(join(PROJECT_ROOT, ".build"), { recursive: true });
  dir = mkdtempSync(join(PROJECT_ROOT, ".build", "run-ts-test-"));
  // Prints its arguments and whether fflate was loaded before the file itself ran.
  writeFileSync(
    join(dir, "probe.ts"),
    'const loaded: boolean = Object.keys(require.cache).some((path) => path.includes("/node_modules/fflate/"));\nconsole.log(JSON.stringify({ args: process.argv.slice(2), loaded }));\n',
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("scripts/run-ts.cjs", () => {
  it("compiles and runs a TypeScript file with its arguments", () => {
    // Act
    const result = runTs([join(dir, "probe.ts"), "--runs", "3"]);
    // Assess
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({ args: ["--runs", "3"], loaded: false });
  });

  it("loads the --preload packages while it compiles, before the file runs", () => {
    // Act
    const result = runTs(["--preload", "fflate", join(dir, "probe.ts"), "x"]);
    // Assess
    expect(JSON.parse(result.stdout)).toEqual({ args: ["x"], loaded: true });
  });

  it("prints its usage and exits 2 without a file", () => {
    // Act
    const result = runTs(["--preload", "fflate"]);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("Usage: node scripts/run-ts.cjs [--preload <package>,...] <file.ts> [args...]\n");
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { tempDirectory } from "../support/test-context";

/** A real Python interpreter that is not 3.11 (pyenv's versions folder, then PATH), or undefined. */
function otherPython(): string | undefined {
  const pyenv = join(process.env.PYENV_ROOT ?? join(process.env.HOME ?? "", ".pyenv"), "versions");
  const candidates = [
    ...(existsSync(pyenv) ? readdirSync(pyenv).map((version) => join(pyenv, version, "bin", "python3")) : []),
    "python3.12",
    "python3.13",
    "python3.10",
  ];
  return candidates.find((python) => {
    const result = spawnSync(python, ["-c", "import sys; print(sys.version_info[:2])"], { encoding: "utf8" });
    return result.status === 0 && /^\(3, \d+\)$/.test(result.stdout.trim()) && result.stdout.trim() !== "(3, 11)";
  });
}

/** The environment of a user without the project's variables, with `overrides`. */
const userEnv = (overrides: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("METRICCARE_"))),
  ...overrides,
});

describe("the Python the toolchain is made from", () => {
  it("npm test's first step names the fix when no python3 is on PATH", () => {
    // Prepare: a PATH without Python (node itself is started by its full path).
    const emptyPath = tempDirectory();

    // Act
    const result = spawnSync(process.execPath, ["scripts/run-ts.cjs", "toolchain/provision.ts"], {
      cwd: PROJECT_ROOT,
      env: userEnv({ PATH: emptyPath }),
      encoding: "utf8",
    });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      "Provisioning the test toolchain failed: The test toolchain needs Python 3.11 (the Python of Glue 5.1), but there is no `python3` on PATH. Install Python 3.11 (apt-get install python3.11 python3.11-venv, brew install python@3.11, or pyenv install 3.11) and put it on PATH as python3, or set METRICCARE_PYTHON to its path; then run `node scripts/run-ts.cjs toolchain/provision.ts` (npm test does).",
    );
  });

  it("names METRICCARE_PYTHON when it points at nothing", () => {
    // Act
    const result = spawnSync(process.execPath, ["scripts/run-ts.cjs", "toolchain/python/run.ts", "test", "-c", "pass"], {
      cwd: PROJECT_ROOT,
      env: userEnv({ METRICCARE_PYTHON: "/nowhere/python3.11" }),
      encoding: "utf8",
    });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('but METRICCARE_PYTHON is "/nowhere/python3.11", which does not exist.');
  });

  const other = otherPython();
  (other ? it : it.skip)(`npm run etl:local refuses Python ${other ?? "(none other than 3.11 installed)"} before anything starts`, () => {
    // Act
    const result = spawnSync("npm", ["run", "--silent", "etl:local", "--", "etl/tests/fixtures/e2e"], {
      cwd: PROJECT_ROOT,
      env: userEnv({ METRICCARE_PYTHON: other! }),
      encoding: "utf8",
    });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^The Python environments need Python 3\\.11 \\(the Python of Glue 5\\.1\\); ${other!.replace(/[.]/g, "\\.")} is 3\\.\\d+\\.\\d+\\. Set METRICCARE_PYTHON to a Python 3\\.11 interpreter\\.`,
      ),
    );
    expect(result.stdout).toBe("");
  });
});

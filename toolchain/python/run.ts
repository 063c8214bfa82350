// Runs a command with one of the project's Python environments, creating it first if it is missing.
// Usage: node scripts/run-ts.cjs toolchain/python/run.ts <test|checkov> <python args...>
import { spawnSync } from "node:child_process";
import { findProjectRoot } from "../../app/cli";
import { ToolchainError } from "../cache";
import { ensurePythonEnv, PYTHON_ENVS, type PythonEnvName } from "./python-env";

const [name, ...args] = process.argv.slice(2);
if (!PYTHON_ENVS.includes(name as PythonEnvName)) {
  console.error(`Usage: toolchain/python/run.ts <${PYTHON_ENVS.join("|")}> <python args...>; got "${name ?? ""}".`);
  process.exit(2);
}
let python: string;
try {
  python = ensurePythonEnv(findProjectRoot(process.cwd()), name as PythonEnvName);
} catch (error) {
  if (!(error instanceof ToolchainError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const result = spawnSync(python, args, { stdio: "inherit" });
process.exit(result.status ?? 1);

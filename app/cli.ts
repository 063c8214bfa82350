import { existsSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { MetricCareValidationError } from "../modules/shared/errors";
import { DeployRefusedError } from "./errors";

/** The folder holding cdktf.json, searched from `start` upwards. */
export function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "cdktf.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No cdktf.json in "${start}" or any folder above it: run synth from the MetricCare repository.`);
    dir = parent;
  }
  return dir;
}

/**
 * Prints a failure as one readable paragraph and exits non-zero. Configuration errors are the
 * user's to fix and need no stack trace; anything else shows its trace with METRICCARE_DEBUG=1.
 */
export function reportFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MetricCareValidationError) {
    console.error(`Synth failed: invalid configuration. ${message}`);
  } else if (error instanceof DeployRefusedError) {
    console.error(`${error.step} refused: ${message}`);
  } else {
    console.error(`Synth failed: ${message}`);
    if (process.env.METRICCARE_DEBUG && error instanceof Error && error.stack) console.error(error.stack);
    else console.error("(Set METRICCARE_DEBUG=1 for the stack trace.)");
  }
  process.exit(1);
}

/**
 * When the cdktf CLI runs the app (it sets `CDKTF_OUTDIR`) and the Terraform it would run next is not
 * there, the note to print: without it `cdktf diff` and `cdktf deploy` end in "execvp(3) failed.".
 * cdktf runs `TERRAFORM_BINARY_NAME`, else `terraform`, from PATH.
 */
export function missingTerraformNote(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.CDKTF_OUTDIR) return undefined;
  const binary = env.TERRAFORM_BINARY_NAME || "terraform";
  const found = isAbsolute(binary)
    ? existsSync(binary)
    : (env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, binary)));
  if (found) return undefined;
  return `Terraform ("${binary}") was not found on PATH: "cdktf diff" and "cdktf deploy" run it after this synth and would stop with "execvp(3) failed.". Install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BINARY_NAME to its path. The synthesized JSON is written either way.`;
}

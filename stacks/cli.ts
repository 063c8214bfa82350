import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { MetricCareValidationError } from "../modules/shared/errors";

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
  } else {
    console.error(`Synth failed: ${message}`);
    if (process.env.METRICCARE_DEBUG && error instanceof Error && error.stack) console.error(error.stack);
    else console.error("(Set METRICCARE_DEBUG=1 for the stack trace.)");
  }
  process.exit(1);
}

// Runs the pinned Checkov (the `checkov` Python environment, toolchain/python/requirements-checkov.txt)
// with the repository's .checkov.yaml over one Terraform JSON or plan JSON file, and reads its JSON report.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ToolchainError } from "../cache";
import { pythonExecutable } from "../python/python-env";

/** What Checkov scans: cdktf's synthesized JSON, or `terraform show -json` of a plan. */
export type CheckovFramework = "terraform_json" | "terraform_plan";

/** One failed check, as Checkov reports it. */
export interface CheckovFailure {
  readonly checkId: string;
  readonly resource: string;
  readonly name: string;
}

/** Checkov's summary of one scan. */
export interface CheckovResult {
  readonly passed: number;
  readonly failed: number;
  readonly parsingErrors: number;
  readonly failures: readonly CheckovFailure[];
  /** The checks .checkov.yaml skips (Checkov does not count them). */
  readonly skippedChecks: readonly string[];
}

/** The `skip-check` entries of .checkov.yaml, each with the reason written after it (`# ...`). */
export function skippedChecks(root: string): { readonly check: string; readonly reason: string }[] {
  const lines = readFileSync(join(root, ".checkov.yaml"), "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith("skip-check:"));
  const entries: { check: string; reason: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+-\s+(\S+)\s*(?:#\s*(.*))?$/.exec(line);
    if (!match) break;
    entries.push({ check: match[1] ?? "", reason: (match[2] ?? "").trim() });
  }
  return entries;
}

/** Scans `file` with Checkov and the repository's configuration. */
export function runCheckov(root: string, file: string, framework: CheckovFramework): CheckovResult {
  const python = pythonExecutable(root, "checkov");
  const result = spawnSync(
    python,
    [
      "-m",
      "checkov.main",
      "--config-file",
      join(root, ".checkov.yaml"),
      "--skip-download",
      "-f",
      file,
      "--framework",
      framework,
      "-o",
      "json",
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: "TRUE" } },
  );
  // Checkov exits 1 when a check fails; anything else without a report is a failure of the run.
  let report: unknown;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new ToolchainError(`Checkov produced no JSON report for ${file} (exit ${String(result.status)}): ${result.stderr.slice(-2000)}`);
  }
  const reports = (Array.isArray(report) ? report : [report]) as {
    summary?: { passed: number; failed: number; parsing_errors: number };
    results?: { failed_checks?: { check_id: string; resource: string; check_name: string }[] };
  }[];
  return {
    passed: reports.reduce((n, r) => n + (r.summary?.passed ?? 0), 0),
    failed: reports.reduce((n, r) => n + (r.summary?.failed ?? 0), 0),
    parsingErrors: reports.reduce((n, r) => n + (r.summary?.parsing_errors ?? 0), 0),
    failures: reports.flatMap((r) =>
      (r.results?.failed_checks ?? []).map((f) => ({ checkId: f.check_id, resource: f.resource, name: f.check_name })),
    ),
    skippedChecks: skippedChecks(root).map((s) => s.check),
  };
}

/**
 * The synthesized JSON without `terraform.required_version`, for Checkov. Checkov 3.3.30's terraform_json
 * parser takes every value of the `terraform` block for a block and fails on that string ("this method
 * receives only dicts", bridgecrewio/checkov #7454), reporting the whole file as a parsing error, so
 * nothing in it would be checked. The version constraint is no security setting; the rest is scanned
 * unchanged. (The plan JSON, `terraform_plan`, parses as is.)
 */
export function checkovReadableJson<T extends { terraform?: Record<string, unknown> }>(json: T): T {
  const terraform = { ...json.terraform };
  delete terraform.required_version;
  return { ...json, terraform };
}

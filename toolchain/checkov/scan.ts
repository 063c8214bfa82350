// Scans what users scan with Checkov, after jest (so its ~20 s of CPU do not slow the parallel
// test files): the synthesized Terraform JSON of the shipped configuration, and every plan JSON the
// Terraform suite left in .build/terraform (plan-<workspace>.json; plan scans see resolved locals).
// Exits non-zero on a failed check or a parsing error.
// Usage: node scripts/run-ts.cjs toolchain/checkov/scan.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProjectRoot } from "../../app/cli";
import { checkovReadableJson, runCheckov, skippedChecks, type CheckovFramework } from "./checkov";

const root = findProjectRoot(process.cwd());
const outdir = mkdtempSync(join(tmpdir(), "metriccare-checkov-"));
const synth = spawnSync(process.execPath, [join(root, "scripts", "run-ts.cjs"), "--preload", "cdktf,constructs", "main.ts"], {
  cwd: root,
  env: { ...process.env, CDKTF_OUTDIR: outdir, TF_WORKSPACE: "" },
  encoding: "utf8",
});
if (synth.status !== 0) {
  console.error(`Checkov scan: synth failed:\n${synth.stderr}`);
  process.exit(1);
}

const unexplained = skippedChecks(root).filter((s) => !/^CKV2?_AWS_\d+$/.test(s.check) || s.reason.length < 20);
if (unexplained.length > 0) {
  console.error(`Checkov: .checkov.yaml skips ${unexplained.map((s) => s.check).join(", ")} without a reason (write it after "# ").`);
  process.exit(1);
}
// Checkov 3.3.30 cannot parse a string required_version (#7454): it scans a copy without it.
const synthesized = join(outdir, "stacks", "metriccare", "cdk.tf.json");
const readable = join(outdir, "cdk.checkov.tf.json");
writeFileSync(readable, JSON.stringify(checkovReadableJson(JSON.parse(readFileSync(synthesized, "utf8")) as object)));

const planDir = join(root, ".build", "terraform");
const plans = existsSync(planDir) ? readdirSync(planDir).filter((f) => /^plan-[a-z0-9]+\.json$/.test(f)) : [];
const targets: [string, string, CheckovFramework][] = [
  ["synthesized JSON", readable, "terraform_json"],
  ...plans.map((plan): [string, string, CheckovFramework] => [plan, join(planDir, plan), "terraform_plan"]),
];
if (plans.length === 0)
  console.log(
    `Checkov: no plan JSON in ${planDir} (the Terraform suite writes plan-<workspace>.json); scanning the synthesized JSON only.`,
  );

let failed = 0;
for (const [label, file, framework] of targets) {
  const result = runCheckov(root, file, framework);
  failed += result.failed + result.parsingErrors;
  console.log(
    `Checkov ${label}: ${result.passed} passed, ${result.failed} failed, ${result.skippedChecks.length} checks skipped by .checkov.yaml, ${result.parsingErrors} parsing errors.`,
  );
  for (const f of result.failures) console.log(`  ${f.checkId} ${f.resource}: ${f.name}`);
}
process.exit(failed > 0 ? 1 : 0);

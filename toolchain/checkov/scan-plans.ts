// Scans every plan JSON the Terraform suite left in .build/terraform (plan-<workspace>.json) with
// Checkov: plan scans see resolved locals, which the synthesized JSON's scan cannot. npm test runs it
// after jest, once those files exist. Exits non-zero on a failed check.
// Usage: node scripts/run-ts.cjs toolchain/checkov/scan-plans.ts
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findProjectRoot } from "../../stacks/cli";
import { runCheckov } from "./checkov";

const root = findProjectRoot(process.cwd());
const dir = join(root, ".build", "terraform");
const plans = existsSync(dir) ? readdirSync(dir).filter((f) => /^plan-[a-z0-9]+\.json$/.test(f)) : [];
if (plans.length === 0) {
  console.log(`Checkov plan scan: no plan JSON in ${dir} (the Terraform suite writes plan-<workspace>.json); nothing to scan.`);
  process.exit(0);
}
let failed = 0;
for (const plan of plans) {
  const result = runCheckov(root, join(dir, plan), "terraform_plan");
  failed += result.failed + result.parsingErrors;
  console.log(
    `Checkov ${plan}: ${result.passed} passed, ${result.failed} failed, ${result.skippedChecks.length} checks skipped by .checkov.yaml, ${result.parsingErrors} parsing errors.`,
  );
  for (const f of result.failures) console.log(`  ${f.checkId} ${f.resource}: ${f.name}`);
}
process.exit(failed > 0 ? 1 : 0);

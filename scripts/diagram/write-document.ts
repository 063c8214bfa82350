// Regenerates docs/architecture.md from the synthesized stack (run `npm run synth` first;
// `npm run diagram` does both).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { architectureDocument, type SynthesizedStack } from "./architecture-diagram";
import { findProjectRoot } from "../../app/cli";

const ROOT = findProjectRoot(process.cwd());
const synthesized = join(ROOT, "cdktf.out", "stacks", "metriccare", "cdk.tf.json");
if (!existsSync(synthesized)) {
  console.error(`No ${synthesized}: run npm run synth first (npm run diagram runs it for you).`);
  process.exit(1);
}
const target = join(ROOT, "docs", "architecture.md");
writeFileSync(target, architectureDocument(JSON.parse(readFileSync(synthesized, "utf8")) as SynthesizedStack));
console.log(`Wrote ${target}.`);

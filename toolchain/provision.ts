// Provisions every tool the tests need into the cache (toolchain/README.md), or reuses what is there:
// the Python environments, the Spark jars and the FHIR data sets. `npm test` runs it first; it is idempotent and keyed by
// version, so a warm machine spends well under a second here.
// Usage: node scripts/run-ts.cjs toolchain/provision.ts [--print python:<env>|spark-jars|hudi-reader-jars|fhir-spec-examples|fhir-synthea]
import { findProjectRoot } from "../stacks/cli";
import { ensureFhirDataset, FHIR_DATASETS, type FhirDataset } from "./fhir/datasets";
import { ensureJars, JAR_SETS, type JarSet } from "./maven/spark-jars";
import { ensurePythonEnv, PYTHON_ENVS, type PythonEnvName } from "./python/python-env";

function main(): void {
  const root = findProjectRoot(process.cwd());
  const [flag, what] = process.argv.slice(2);
  if (flag === "--print") {
    if (what !== undefined && what in JAR_SETS) console.log(ensureJars(root, what as JarSet).join(","));
    else if (what !== undefined && what in FHIR_DATASETS) console.log(ensureFhirDataset(root, what as FhirDataset));
    else if (what?.startsWith("python:") && PYTHON_ENVS.includes(what.slice(7) as PythonEnvName))
      console.log(ensurePythonEnv(root, what.slice(7) as PythonEnvName));
    else
      throw new Error(
        `--print takes ${[...Object.keys(JAR_SETS), ...Object.keys(FHIR_DATASETS)].join(", ")} or python:<${PYTHON_ENVS.join("|")}>, got "${what ?? ""}".`,
      );
    return;
  }
  if (flag !== undefined) throw new Error(`Unknown argument "${flag}". Usage: toolchain/provision.ts [--print <tool>]`);
  const started = performance.now();
  const pythons = PYTHON_ENVS.map((name) => `${name}: ${ensurePythonEnv(root, name)}`);
  const jars = ensureJars(root, "spark-jars");
  const reader = ensureJars(root, "hudi-reader-jars");
  const datasets = Object.keys(FHIR_DATASETS).map((name) => `${name}: ${ensureFhirDataset(root, name as FhirDataset)}`);
  console.log(
    `Toolchain ready in ${((performance.now() - started) / 1000).toFixed(1)} s: Python ${pythons.join(", ")}; ${jars.length} Spark jars, ${reader.length} Hudi reader jar; FHIR data ${datasets.join(", ")}.`,
  );
}

try {
  main();
} catch (error) {
  console.error(`Provisioning the test toolchain failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

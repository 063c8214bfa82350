// Provisions every tool the tests need into the cache (toolchain/README.md), or reuses what is there:
// the Python environments, the Spark jars, the Hive Metastore, Trino and the FHIR data sets. `npm test` runs it
// first; it is idempotent and keyed by version, so a warm machine spends well under a second here.
// Usage: node scripts/run-ts.cjs toolchain/provision.ts [--print <tool>]
//   <tool>: python:test|python:checkov|python:synthea (the interpreter), spark-jars|hudi-reader-jars (jar paths,
//   comma-separated), hive-metastore|trino (one JSON line: {"home": <server folder>, "java": <the java to run it with>}),
//   fhir-spec-examples|fhir-synthea (the data set's folder of .json files; fhir-synthea is the suite's population,
//   fhir-synthea:<patients> one of another size, e.g. fhir-synthea:50)
import { findProjectRoot } from "../app/cli";
import { ensureFhirDataset, FHIR_DATASETS, type FhirDataset } from "./fhir/datasets";
import { ensureSyntheaPopulation, syntheaSize } from "./fhir/synthea-population";
import { HIVE_METASTORE } from "./hive_metastore/hive-metastore";
import { ensureJavaServer, type JavaServerDefinition } from "./maven/java-server";
import { ensureJars, JAR_SETS, type JarSet } from "./maven/spark-jars";
import { ensurePythonEnv, PYTHON_ENVS, type PythonEnvName } from "./python/python-env";
import { TRINO } from "./trino/trino";

const JAVA_SERVERS: readonly JavaServerDefinition[] = [HIVE_METASTORE, TRINO];
/** `--print fhir-synthea:<patients>`: a Synthea population of another size than the suite's (only on demand). */
const SYNTHEA_SIZED = "fhir-synthea:";

function main(): void {
  const root = findProjectRoot(process.cwd());
  const [flag, what] = process.argv.slice(2);
  if (flag === "--print") {
    const server = JAVA_SERVERS.find((candidate) => candidate.name === what);
    if (server !== undefined) console.log(JSON.stringify(ensureJavaServer(root, server)));
    else if (what !== undefined && what in JAR_SETS) console.log(ensureJars(root, what as JarSet).join(","));
    else if (what !== undefined && what in FHIR_DATASETS) console.log(ensureFhirDataset(root, what as FhirDataset));
    else if (what?.startsWith(SYNTHEA_SIZED)) console.log(ensureSyntheaPopulation(root, syntheaSize(what.slice(SYNTHEA_SIZED.length))));
    else if (what?.startsWith("python:") && PYTHON_ENVS.includes(what.slice(7) as PythonEnvName))
      console.log(ensurePythonEnv(root, what.slice(7) as PythonEnvName));
    else {
      const tools = [
        ...Object.keys(JAR_SETS),
        ...JAVA_SERVERS.map((candidate) => candidate.name),
        ...Object.keys(FHIR_DATASETS),
        `${SYNTHEA_SIZED}<patients>`,
      ];
      throw new Error(`--print takes ${tools.join(", ")} or python:<${PYTHON_ENVS.join("|")}>, got "${what ?? ""}".`);
    }
    return;
  }
  if (flag !== undefined) throw new Error(`Unknown argument "${flag}". Usage: toolchain/provision.ts [--print <tool>]`);
  const started = performance.now();
  const pythons = PYTHON_ENVS.map((name) => `${name}: ${ensurePythonEnv(root, name)}`);
  const jars = ensureJars(root, "spark-jars");
  const reader = ensureJars(root, "hudi-reader-jars");
  const servers = JAVA_SERVERS.map((server) => `${server.what}: ${ensureJavaServer(root, server).home}`);
  const datasets = Object.keys(FHIR_DATASETS).map((name) => `${name}: ${ensureFhirDataset(root, name as FhirDataset)}`);
  console.log(
    `Toolchain ready in ${((performance.now() - started) / 1000).toFixed(1)} s: Python ${pythons.join(", ")}; ${jars.length} Spark jars, ${reader.length} Hudi reader jar; ${servers.join("; ")}; FHIR data ${datasets.join(", ")}.`,
  );
}

try {
  main();
} catch (error) {
  console.error(`Provisioning the test toolchain failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

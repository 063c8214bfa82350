import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hashContent } from "../../packaging/content-hash";
import { cacheRoot, fileBytes, isProvisioned, PROVISION_COMMAND, provisionOnce, run, ToolchainError, versionKey } from "../cache";

/**
 * Jar sets local Spark loads besides pyspark's own, each a `pom.xml` listing them and a `jars.sha256`
 * checking them: `spark-jars` (`toolchain/maven/`), the Hudi bundle of Glue 5.1 and S3A, for the jobs;
 * `hudi-reader-jars` (`toolchain/maven/hudi-0.15-reader/`), the newest Hudi Athena reads with, for the
 * test that Athena's reader opens the Gold tables. Maven's own client copies them from Maven Central.
 */
export const JAR_SETS = {
  "spark-jars": { folder: "", what: "the Spark jars (Hudi, S3A)" },
  "hudi-reader-jars": { folder: "hudi-0.15-reader", what: "the Hudi 0.15.0 reader jar (Athena's)" },
} as const;
export type JarSet = keyof typeof JAR_SETS;

function setFolder(root: string, set: JarSet): string {
  return join(root, "toolchain", "maven", JAR_SETS[set].folder);
}

function jarsDir(root: string, set: JarSet): string {
  const folder = setFolder(root, set);
  return join(cacheRoot(), "maven", `${set}-${versionKey(fileBytes(join(folder, "pom.xml")), fileBytes(join(folder, "jars.sha256")))}`);
}

function expectedJars(root: string, set: JarSet): Map<string, string> {
  const lines = readFileSync(join(setFolder(root, set), "jars.sha256"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
  return new Map(
    lines.map((line) => {
      const [sha256, name] = line.trim().split(/\s+/);
      return [name, sha256];
    }),
  );
}

/** Copies a jar set into the cache unless it is there, and returns its paths. */
export function ensureJars(root: string, set: JarSet): string[] {
  const dir = jarsDir(root, set);
  const folder = setFolder(root, set);
  const shown = `toolchain/maven/${JAR_SETS[set].folder ? `${JAR_SETS[set].folder}/` : ""}`;
  provisionOnce(dir, JAR_SETS[set].what, (target) => {
    run("mvn", [
      "-B",
      "-q",
      "-f",
      join(folder, "pom.xml"),
      `-Dmaven.repo.local=${join(cacheRoot(), "maven", "repository")}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${target}`,
    ]);
    const expected = expectedJars(root, set);
    const copied = readdirSync(target)
      .filter((name) => name.endsWith(".jar"))
      .sort();
    const unexpected = copied.filter((name) => !expected.has(name));
    const missing = [...expected.keys()].filter((name) => !copied.includes(name));
    if (unexpected.length > 0 || missing.length > 0) {
      throw new ToolchainError(
        `${shown}pom.xml resolved ${copied.join(", ")}; jars.sha256 lists ${[...expected.keys()].join(", ")}. Update both together.`,
      );
    }
    for (const name of copied) {
      const actual = hashContent(fileBytes(join(target, name))).sha256Hex;
      if (actual !== expected.get(name))
        throw new ToolchainError(`${name}: SHA-256 ${actual} does not match ${expected.get(name)} in ${shown}jars.sha256.`);
    }
  });
  return jarPaths(root, set);
}

/** The paths of a provisioned jar set; throws, naming the provisioning script, when they are missing. */
export function jarPaths(root: string, set: JarSet): string[] {
  const dir = jarsDir(root, set);
  if (!isProvisioned(dir))
    throw new ToolchainError(`${JAR_SETS[set].what} are not provisioned (${dir}); run \`${PROVISION_COMMAND}\` (npm test does).`);
  return [...expectedJars(root, set).keys()].map((name) => join(dir, name));
}

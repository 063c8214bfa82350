import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hashContent } from "../../packaging/content-hash";
import { cacheRoot, fileBytes, isProvisioned, PROVISION_COMMAND, provisionOnce, run, ToolchainError, versionKey } from "../cache";

/**
 * The jars local Spark loads besides pyspark's own (`toolchain/maven/pom.xml`): the Hudi bundle of
 * Glue 5.1 and S3A. Maven's own client copies them from Maven Central; each is checked against
 * `toolchain/maven/jars.sha256`.
 */
function sparkJarsDir(root: string): string {
  const maven = join(root, "toolchain", "maven");
  return join(cacheRoot(), "maven", `spark-jars-${versionKey(fileBytes(join(maven, "pom.xml")), fileBytes(join(maven, "jars.sha256")))}`);
}

function expectedJars(root: string): Map<string, string> {
  const lines = readFileSync(join(root, "toolchain", "maven", "jars.sha256"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
  return new Map(
    lines.map((line) => {
      const [sha256, name] = line.trim().split(/\s+/);
      return [name, sha256];
    }),
  );
}

/** Copies the jars into the cache unless they are there, and returns their paths. */
export function ensureSparkJars(root: string): string[] {
  const dir = sparkJarsDir(root);
  provisionOnce(dir, "the Spark jars (Hudi, S3A)", (target) => {
    run("mvn", [
      "-B",
      "-q",
      "-f",
      join(root, "toolchain", "maven", "pom.xml"),
      `-Dmaven.repo.local=${join(cacheRoot(), "maven", "repository")}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${target}`,
    ]);
    const expected = expectedJars(root);
    const copied = readdirSync(target)
      .filter((name) => name.endsWith(".jar"))
      .sort();
    const unexpected = copied.filter((name) => !expected.has(name));
    const missing = [...expected.keys()].filter((name) => !copied.includes(name));
    if (unexpected.length > 0 || missing.length > 0) {
      throw new ToolchainError(
        `toolchain/maven/pom.xml resolved ${copied.join(", ")}; jars.sha256 lists ${[...expected.keys()].join(", ")}. Update both together.`,
      );
    }
    for (const name of copied) {
      const actual = hashContent(fileBytes(join(target, name))).sha256Hex;
      if (actual !== expected.get(name))
        throw new ToolchainError(`${name}: SHA-256 ${actual} does not match ${expected.get(name)} in toolchain/maven/jars.sha256.`);
    }
  });
  return sparkJarPaths(root);
}

/** The paths of the provisioned jars; throws, naming the provisioning script, when they are missing. */
export function sparkJarPaths(root: string): string[] {
  const dir = sparkJarsDir(root);
  if (!isProvisioned(dir))
    throw new ToolchainError(`The Spark jars are not provisioned (${dir}); run \`${PROVISION_COMMAND}\` (npm test does).`);
  return [...expectedJars(root).keys()].map((name) => join(dir, name));
}

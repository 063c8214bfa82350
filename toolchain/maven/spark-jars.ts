import { join } from "node:path";
import { cacheRoot, fileBytes, isProvisioned, PROVISION_COMMAND, provisionOnce, ToolchainError, versionKey } from "../cache";
import { copyCheckedJars, expectedFiles } from "./checked-copy";

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

/** Copies a jar set into the cache unless it is there, and returns its paths. */
export function ensureJars(root: string, set: JarSet): string[] {
  const folder = setFolder(root, set);
  const shown = `toolchain/maven/${JAR_SETS[set].folder ? `${JAR_SETS[set].folder}/` : ""}jars.sha256`;
  provisionOnce(jarsDir(root, set), JAR_SETS[set].what, (target) =>
    copyCheckedJars([{ pom: join(folder, "pom.xml") }], join(folder, "jars.sha256"), target, shown),
  );
  return jarPaths(root, set);
}

/** The paths of a provisioned jar set; throws, naming the provisioning script, when they are missing. */
export function jarPaths(root: string, set: JarSet): string[] {
  const dir = jarsDir(root, set);
  if (!isProvisioned(dir))
    throw new ToolchainError(`${JAR_SETS[set].what} are not provisioned (${dir}); run \`${PROVISION_COMMAND}\` (npm test does).`);
  return [...expectedFiles(join(setFolder(root, set), "jars.sha256")).keys()].map((name) => join(dir, name));
}

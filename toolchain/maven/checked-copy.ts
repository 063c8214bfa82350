import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { hashContent } from "../../packaging/content-hash";
import { cacheRoot, fileBytes, run, ToolchainError } from "../cache";

/** One `mvn dependency:copy-dependencies` run: a pom listing jars and the folder, inside the target, they go to. */
export interface JarPart {
  /** The pom, absolute. */
  readonly pom: string;
  /**
   * The folder inside the target the jars are copied to (`lib`, `plugin/hudi`).
   * @default - the target itself
   */
  readonly into?: string;
}

/** Maven's local repository, shared by every jar set (a jar two sets need is downloaded once). */
export function mavenRepository(): string {
  return join(cacheRoot(), "maven", "repository");
}

/** The expected files of a `jars.sha256`: path (relative to the target) → SHA-256. */
export function expectedFiles(sha256File: string): Map<string, string> {
  const lines = readFileSync(sha256File, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
  return new Map(
    lines.map((line) => {
      const [sha256, name] = line.trim().split(/\s+/);
      return [name, sha256];
    }),
  );
}

/**
 * Copies each part's jars into `target` with Maven's own client (Maven Central, the shared local
 * repository), printing one line per jar downloaded, then checks that exactly the files of
 * `sha256File` arrived with their digests. `shown` names the checksum file in errors.
 */
export function copyCheckedJars(parts: readonly JarPart[], sha256File: string, target: string, shown: string): void {
  for (const part of parts) {
    const into = join(target, part.into ?? "");
    mkdirSync(into, { recursive: true });
    const mvn = [
      "-B",
      "-Dstyle.color=never",
      "-f",
      part.pom,
      `-Dmaven.repo.local=${mavenRepository()}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${into}`,
    ];
    // Maven's own log, filtered to the jars it downloads and its errors: the progress of a large first download.
    const filter = String.raw`s/^\[INFO\] Downloaded from [^:]+: .*\/([^/]+\.jar) \((.*)\)$/  downloaded \1 (\2)/p; /ERROR|FAILURE/p`;
    run("bash", ["-o", "pipefail", "-c", `mvn "$@" 2>&1 | sed -nu -E '${filter}'`, "mvn", ...mvn]);
  }
  const expected = expectedFiles(sha256File);
  const copied = listJars(target).sort();
  const unexpected = copied.filter((name) => !expected.has(name));
  const missing = [...expected.keys()].filter((name) => !copied.includes(name));
  if (unexpected.length > 0 || missing.length > 0) {
    throw new ToolchainError(
      `The poms beside ${shown} resolved jars it does not list (${unexpected.join(", ") || "none"}) or not the ones it lists (${missing.join(", ") || "none"}). Update both together.`,
    );
  }
  for (const name of copied) {
    const actual = hashContent(fileBytes(join(target, name))).sha256Hex;
    if (actual !== expected.get(name))
      throw new ToolchainError(`${name}: SHA-256 ${actual} does not match ${expected.get(name)} in ${shown}.`);
  }
}

function listJars(dir: string, base: string = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listJars(path, base);
    return name.endsWith(".jar") ? [relative(base, path)] : [];
  });
}

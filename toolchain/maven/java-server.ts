import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { cacheRoot, fileBytes, isProvisioned, PROVISION_COMMAND, provisionOnce, run, ToolchainError, versionKey } from "../cache";
import { copyCheckedJars } from "./checked-copy";

/** The JDK a server runs on, found by {@link findJdk}. */
export interface JdkRequirement {
  /** The Java feature release it needs (17, 25). */
  readonly feature: number;
  /** The variable that points at that JDK's home, checked first (`METRICCARE_JAVA25_HOME`). */
  readonly variable: string;
  /** Homes tried after the variable, `JAVA_HOME` and the `java` on PATH. */
  readonly knownHomes: readonly string[];
  /** What to install when none is found, for the error message. */
  readonly installHint: string;
}

/**
 * A Java server assembled into the cache from Maven Central jars (there is no tarball to download):
 * jar folders copied by Maven and checked against one `jars.sha256`, a small launcher class compiled
 * against them, and the files Maven does not bring.
 */
export interface JavaServerDefinition {
  /** Name in `provision.ts --print` and in the cache folder. */
  readonly name: string;
  /** The server's version, in the cache folder's name. */
  readonly version: string;
  /** For progress and error messages. */
  readonly what: string;
  /** The folder under `toolchain/` holding the poms, `jars.sha256` and the launcher's source. */
  readonly folder: string;
  /** The Maven copies, poms relative to `folder`; the launcher compiles against the part copied `into: "lib"`. */
  readonly parts: readonly { readonly pom: string; readonly into: string }[];
  /** The launcher's Java source in `folder` (one class in the default package), compiled into `launcher/`. */
  readonly launcherSource: string;
  /**
   * Files written into the server's folder besides the jars: path → content.
   * @default - none
   */
  readonly files?: Readonly<Record<string, string>>;
  readonly jdk: JdkRequirement;
}

/** A provisioned server: its folder (`lib/`, `launcher/`, ...) and the `java` to run it with. */
export interface JavaServerHome {
  readonly home: string;
  readonly java: string;
}

/** The home of a JDK of `requirement.feature`; throws with what to install or set when there is none. */
export function findJdk(requirement: JdkRequirement): string {
  const candidates = [process.env[requirement.variable], process.env.JAVA_HOME, javaOnPathHome(), ...requirement.knownHomes].filter(
    (home): home is string => home !== undefined && home !== "",
  );
  const found = candidates.find((home) => jdkFeature(home) === requirement.feature && existsSync(join(home, "bin", "javac")));
  if (found === undefined) {
    throw new ToolchainError(
      `Java ${requirement.feature} not found (looked at ${candidates.join(", ")}); install ${requirement.installHint} or set ${requirement.variable} to its home.`,
    );
  }
  return found;
}

/** The JDK's feature release from its `release` file (`JAVA_VERSION="25.0.3"` → 25), or undefined. */
export function jdkFeature(home: string): number | undefined {
  const release = join(home, "release");
  if (!existsSync(release)) return undefined;
  const match = /^JAVA_VERSION="(\d+)/m.exec(readFileSync(release, "utf8"));
  return match ? Number(match[1]) : undefined;
}

function javaOnPathHome(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const java = join(dir, "java");
    if (dir !== "" && existsSync(java)) return dirname(dirname(realpathSync(java)));
  }
  return undefined;
}

function homeDir(root: string, server: JavaServerDefinition, jdk: string): string {
  const folder = join(root, "toolchain", server.folder);
  const key = versionKey(
    ...server.parts.map((part) => fileBytes(join(folder, part.pom))),
    fileBytes(join(folder, "jars.sha256")),
    fileBytes(join(folder, server.launcherSource)),
    JSON.stringify(server.files ?? {}),
    String(jdkFeature(jdk)),
  );
  return join(cacheRoot(), server.name, `${server.name}-${server.version}-${key}`);
}

/** Assembles the server into the cache unless it is there (idempotent, keyed by its definition), and returns it. */
export function ensureJavaServer(root: string, server: JavaServerDefinition): JavaServerHome {
  const jdk = findJdk(server.jdk);
  const folder = join(root, "toolchain", server.folder);
  provisionOnce(homeDir(root, server, jdk), server.what, (target) => {
    const parts = server.parts.map((part) => ({ pom: join(folder, part.pom), into: part.into }));
    copyCheckedJars(parts, join(folder, "jars.sha256"), target, `toolchain/${server.folder}/jars.sha256`);
    for (const [path, content] of Object.entries(server.files ?? {})) {
      mkdirSync(dirname(join(target, path)), { recursive: true });
      writeFileSync(join(target, path), content);
    }
    run(join(jdk, "bin", "javac"), ["-d", join(target, "launcher"), "-cp", join(target, "lib", "*"), join(folder, server.launcherSource)]);
  });
  return { home: homeDir(root, server, jdk), java: join(jdk, "bin", "java") };
}

/** The provisioned server; throws, naming the provisioning script, when it is missing. */
export function javaServerHome(root: string, server: JavaServerDefinition): JavaServerHome {
  const jdk = findJdk(server.jdk);
  const home = homeDir(root, server, jdk);
  if (!isProvisioned(home))
    throw new ToolchainError(`${server.what} is not provisioned (${home}); run \`${PROVISION_COMMAND}\` (npm test does).`);
  return { home, java: join(jdk, "bin", "java") };
}

import { join } from "node:path";
import { javaServerHome, type JavaServerDefinition } from "../maven/java-server";
import { startJsonLineServer } from "../python/json-line-server";
import { pythonExecutable } from "../python/python-env";

/**
 * Trino 483 with its Hudi connector only, on Java 25, assembled from its Maven Central jars (Trino
 * publishes no server tarball for 483): `lib/` from `server/pom.xml`, `plugin/hudi/` from
 * `hudi-plugin/pom.xml`. `trino_server.py` runs it; `TrinoServerMain.java` is the entry point the
 * unpublished trino-server-main module would have been.
 */
export const TRINO: JavaServerDefinition = {
  name: "trino",
  version: "483",
  what: "Trino 483 (Hudi connector)",
  folder: "trino",
  parts: [
    { pom: "server/pom.xml", into: "lib" },
    { pom: "hudi-plugin/pom.xml", into: "plugin/hudi" },
  ],
  launcherSource: "TrinoServerMain.java",
  files: {
    // Trino finds a plugin through this service file, which its plugin packaging writes into the
    // tarball and the published trino-hudi jar lacks.
    "plugin/hudi/services/META-INF/services/io.trino.spi.Plugin": "io.trino.plugin.hudi.HudiPlugin\n",
  },
  jdk: {
    feature: 25,
    variable: "METRICCARE_JAVA25_HOME",
    knownHomes: ["/usr/lib/jvm/temurin-25-jdk-amd64"],
    installHint: "the Temurin 25 JDK (Adoptium's temurin-25-jdk package)",
  },
};

/** A Trino started by {@link startTrino}. */
export interface TrinoServer {
  /** `http://127.0.0.1:<port>`: POST SQL to `/v1/statement` (Trino's client protocol). */
  readonly endpoint: string;
  /** Its log (standard output and error of the JVM). */
  readonly logFile: string;
  /** Stops it and waits for its launcher to end. */
  stop(): Promise<void>;
}

/** Options of {@link startTrino}. */
export interface TrinoOptions {
  /** Folder for its configuration and log. */
  readonly workDirectory: string;
  /** The Hive Metastore of catalog `hudi`, `thrift://127.0.0.1:<port>`. */
  readonly metastoreUri: string;
  /** The local S3 (moto) the tables are in. */
  readonly s3Endpoint: string;
  /**
   * PKCS12 trust store for an HTTPS `s3Endpoint`.
   * @default - the JDK's trust store
   */
  readonly truststore?: string;
  /**
   * Also catalog `hudi_glue`: the Glue API at `s3Endpoint` (moto serves both).
   * @default false
   */
  readonly glueCatalog?: boolean;
  /**
   * Seconds to wait until `/v1/info` says it has started.
   * @default 360
   */
  readonly startTimeoutSeconds?: number;
}

/** Starts the provisioned Trino on 127.0.0.1 with a free port (`trino_server.py`); stop it in `afterAll`. */
export async function startTrino(root: string, options: TrinoOptions): Promise<TrinoServer> {
  const server = javaServerHome(root, TRINO);
  const args = ["-m", "trino.trino_server", "--home", server.home, "--java", server.java, "--work-dir", options.workDirectory];
  args.push("--metastore-uri", options.metastoreUri, "--s3-endpoint", options.s3Endpoint);
  if (options.truststore) args.push("--truststore", options.truststore);
  if (options.glueCatalog) args.push("--glue-catalog");
  const started = await startJsonLineServer<{ endpoint: string; log_file: string }>("Trino", pythonExecutable(root, "test"), args, {
    startTimeoutSeconds: options.startTimeoutSeconds ?? 360,
    env: { PYTHONPATH: join(root, "toolchain") },
  });
  return { endpoint: started.info.endpoint, logFile: started.info.log_file, stop: () => started.stop() };
}

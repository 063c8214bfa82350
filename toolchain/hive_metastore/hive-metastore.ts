import { join } from "node:path";
import { javaServerHome, type JavaServerDefinition } from "../maven/java-server";
import { startJsonLineServer } from "../python/json-line-server";
import { pythonExecutable } from "../python/python-env";

/**
 * Hive Metastore 3.1.3 (the standalone metastore from Maven Central) with Derby and S3A, on Java 17:
 * the catalog Hudi's Hive sync writes to in the tests, as the Glue Data Catalog is on Glue.
 * `metastore_server.py` runs it; `MetastoreServer.java` binds it to 127.0.0.1.
 */
export const HIVE_METASTORE: JavaServerDefinition = {
  name: "hive-metastore",
  version: "3.1.3",
  what: "Hive Metastore 3.1.3",
  folder: "hive_metastore",
  parts: [{ pom: "pom.xml", into: "lib" }],
  launcherSource: "MetastoreServer.java",
  jdk: {
    feature: 17,
    variable: "METRICCARE_JAVA17_HOME",
    knownHomes: ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-17-jdk-amd64"],
    installHint: "a Java 17 JDK (Debian: openjdk-17-jdk-headless)",
  },
};

/** A Hive Metastore started by {@link startHiveMetastore}. */
export interface HiveMetastoreServer {
  /** `thrift://127.0.0.1:<port>`. */
  readonly uri: string;
  readonly port: number;
  /** Its log (standard output and error of the JVM). */
  readonly logFile: string;
  /** Stops it and waits for its launcher to end. */
  stop(): Promise<void>;
}

/** Options of {@link startHiveMetastore}. */
export interface HiveMetastoreOptions {
  /** Folder for its Derby database, warehouse, configuration and log. */
  readonly workDirectory: string;
  /**
   * The local S3 (moto) its table locations are in.
   * @default - no S3A settings: only `file:` locations
   */
  readonly s3Endpoint?: string;
  /**
   * PKCS12 trust store for an HTTPS `s3Endpoint` (`moto_server.java_truststore` makes one).
   * @default - the JDK's trust store
   */
  readonly truststore?: string;
  /**
   * Seconds to wait until it answers.
   * @default 240
   */
  readonly startTimeoutSeconds?: number;
}

/** Starts the provisioned metastore on 127.0.0.1 with a free port (`metastore_server.py`); stop it in `afterAll`. */
export async function startHiveMetastore(root: string, options: HiveMetastoreOptions): Promise<HiveMetastoreServer> {
  const server = javaServerHome(root, HIVE_METASTORE);
  const args = ["-m", "hive_metastore.metastore_server", "--home", server.home, "--java", server.java, "--work-dir", options.workDirectory];
  if (options.s3Endpoint) args.push("--s3-endpoint", options.s3Endpoint);
  if (options.truststore) args.push("--truststore", options.truststore);
  const started = await startJsonLineServer<{ uri: string; port: number; log_file: string }>(
    "Hive Metastore",
    pythonExecutable(root, "test"),
    args,
    {
      startTimeoutSeconds: options.startTimeoutSeconds ?? 240,
      env: { PYTHONPATH: join(root, "toolchain") },
    },
  );
  return { uri: started.info.uri, port: started.info.port, logFile: started.info.log_file, stop: () => started.stop() };
}

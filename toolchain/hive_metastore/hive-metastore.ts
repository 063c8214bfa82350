import type { JavaServerDefinition } from "../maven/java-server";

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

import type { JavaServerDefinition } from "../maven/java-server";

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

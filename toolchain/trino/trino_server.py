"""Trino 483 on 127.0.0.1 with a free port (one node: coordinator and worker), Java 25, with Hudi
catalogs over a Hive Metastore (Thrift) or the Glue API, and Trino's native S3 file system against a
local S3 (moto).

Python tests call `start_trino(...)` (the process starts at once; `wait_ready()` blocks until
`/v1/info` says it is no longer starting) with the server folder and `java` that
`toolchain/provision.ts --print trino` gives, and query it with `trino_client.TrinoClient`. From the
command line (Node):

    PYTHONPATH=toolchain python -m trino.trino_server --home H --java J --work-dir W --metastore-uri thrift://... [--s3-endpoint URL --truststore P12]

prints one JSON line `{"endpoint", "pid", "log_file"}` once it is ready and stops when its stdin closes.
"""

import argparse
import json
import signal
import sys
import urllib.request
from pathlib import Path

from jvm.java_server import QUICK_START_JVM_OPTIONS, JavaServer, LocalS3, ServerError, free_port

from .trino_client import TrinoClient

TRINO_VERSION = "483"

# What Trino's launcher puts on the command line (its jvm.config and launcher): the Vector API and
# native access Trino 483 refuses to start without, agent self-attach, UTF-8; and UTC, the zone Spark writes timestamps in.
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.attach.allowAttachSelf=true",
    "-XX:+EnableDynamicAgentLoading",
    "-Dfile.encoding=UTF-8",
    "-Duser.timezone=UTC",
    "--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED",
]


def native_s3_properties(s3: LocalS3) -> dict[str, str]:
    """Trino's native S3 file system against the local endpoint: path-style requests, static credentials."""
    return {
        "fs.native-s3.enabled": "true",
        "s3.endpoint": s3.endpoint,
        "s3.region": s3.region,
        "s3.path-style-access": "true",
        "s3.aws-access-key": s3.access_key,
        "s3.aws-secret-key": s3.secret_key,
    }


def hudi_catalog(metastore_uri: str, s3: LocalS3) -> dict[str, str]:
    """A Hudi catalog reading table definitions from a Hive Metastore over Thrift."""
    return {"connector.name": "hudi", "hive.metastore.uri": metastore_uri, **native_s3_properties(s3)}


def hudi_glue_catalog(glue_endpoint: str, s3: LocalS3) -> dict[str, str]:
    """A Hudi catalog reading table definitions through the Glue API (Athena's catalog), here moto's."""
    return {
        "connector.name": "hudi",
        "hive.metastore": "glue",
        "hive.metastore.glue.region": s3.region,
        "hive.metastore.glue.endpoint-url": glue_endpoint,
        "hive.metastore.glue.aws-access-key": s3.access_key,
        "hive.metastore.glue.aws-secret-key": s3.secret_key,
        **native_s3_properties(s3),
    }


class TrinoServer(JavaServer):
    """A running Trino; `endpoint` is its `http://127.0.0.1:<port>`."""

    def __init__(self, home: str, java: str, work_dir: str, catalogs: dict[str, dict[str, str]], heap: str, jvm_options: list[str]):
        work = Path(work_dir)
        catalog_dir = work / "catalog"
        catalog_dir.mkdir(parents=True, exist_ok=True)
        for name, properties in catalogs.items():
            (catalog_dir / f"{name}.properties").write_text(_properties(properties))
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        config = {
            "coordinator": "true",
            "node-scheduler.include-coordinator": "true",
            "http-server.http.port": str(self.port),
            "discovery.uri": self.endpoint,
            "node.environment": "metriccare",
            "node.id": "metriccare-test",
            "node.bind-ip": "127.0.0.1",
            "node.internal-address": "127.0.0.1",
            "plugin.dir": str(Path(home) / "plugin"),
            "catalog.config-dir": str(catalog_dir),
        }
        (work / "config.properties").write_text(_properties(config))
        classpath = f"{Path(home) / 'lib' / '*'}:{Path(home) / 'launcher'}"
        command = [
            java,
            f"-Xmx{heap}",
            *JVM_OPTIONS,
            *QUICK_START_JVM_OPTIONS,
            *jvm_options,
            f"-Dconfig={work / 'config.properties'}",
            "-cp",
            classpath,
        ]
        super().__init__("Trino", [*command, "TrinoServerMain", TRINO_VERSION], str(work))

    def wait_ready(self, timeout_seconds: float = 300) -> "TrinoServer":
        """Blocks until `/v1/info` answers with `"starting": false` (catalogs loaded, node active)."""
        self.wait_until(self._started, timeout_seconds, f"'starting: false' on {self.endpoint}/v1/info")
        return self

    def client(self, user: str = "metriccare") -> TrinoClient:
        return TrinoClient(self.endpoint, user)

    def _started(self) -> bool:
        with urllib.request.urlopen(f"{self.endpoint}/v1/info", timeout=5) as response:
            return json.load(response).get("starting") is False


def start_trino(
    home: str,
    java: str,
    work_dir: str,
    catalogs: dict[str, dict[str, str]],
    s3: LocalS3 | None = None,
    heap: str = "1G",
) -> TrinoServer:
    """Starts Trino with `catalogs` (name → properties, e.g. `{"hudi": hudi_catalog(...)}`) and returns
    at once; call `wait_ready()` before querying, and `stop()` (or use it as a context manager) when
    done. `s3` makes the JVM trust the local S3's certificate. `work_dir` holds its configuration and
    `server.log`."""
    return TrinoServer(home, java, work_dir, catalogs, heap, s3.jvm_options() if s3 else [])


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--home", required=True, help="the server folder (provision.ts --print trino)")
    parser.add_argument("--java", required=True, help="the java to run it with (same output)")
    parser.add_argument("--work-dir", required=True, help="folder for its configuration and log")
    parser.add_argument("--metastore-uri", required=True, help="thrift://127.0.0.1:<port> of the Hive Metastore (catalog `hudi`)")
    parser.add_argument("--s3-endpoint", required=True, help="local S3 endpoint the tables are in")
    parser.add_argument("--truststore", help="PKCS12 trust store for an HTTPS endpoint")
    parser.add_argument("--glue-catalog", action="store_true", help="also catalog `hudi_glue`: the Glue API at the S3 endpoint (moto)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # leaves the `with` below, which stops the server
    s3 = LocalS3(args.s3_endpoint, truststore=args.truststore)
    catalogs = {"hudi": hudi_catalog(args.metastore_uri, s3)}
    if args.glue_catalog:
        catalogs["hudi_glue"] = hudi_glue_catalog(args.s3_endpoint, s3)
    with start_trino(args.home, args.java, args.work_dir, catalogs, s3) as trino:
        try:
            trino.wait_ready()
        except ServerError as error:
            sys.exit(str(error))
        print(json.dumps({"endpoint": trino.endpoint, "pid": trino.process.pid, "log_file": str(trino.log_file)}), flush=True)
        sys.stdin.read()  # the parent closes stdin (or dies) to stop the server


if __name__ == "__main__":
    main()

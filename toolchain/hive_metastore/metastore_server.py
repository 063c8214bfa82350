"""A Hive Metastore 3.1.3 on 127.0.0.1 with a free port: an embedded Derby database in its work
folder, S3A against a local S3 (moto) for table and partition locations, Java 17.

Python tests call `start_hive_metastore(...)` (the process starts at once; `wait_ready()` blocks until
it answers a Thrift call) with the server folder and `java` that `toolchain/provision.ts --print
hive-metastore` gives. From the command line (Node):

    PYTHONPATH=toolchain python -m hive_metastore.metastore_server --home H --java J --work-dir W [--s3-endpoint URL --truststore P12]

prints one JSON line `{"uri", "port", "pid", "log_file"}` once it is ready and stops when its stdin closes.
"""

import argparse
import json
import signal
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from jvm.java_server import QUICK_START_JVM_OPTIONS, JavaServer, LocalS3, ServerError, free_port

from .metastore_client import MetastoreClient

# Settings of the standalone metastore's own template that Hive's code defaults do not give: the
# defaults name hive-exec classes (PartitionExpressionForMetastore, DumpDirCleanerTask) absent here.
METASTORE_SETTINGS: dict[str, str] = {
    "javax.jdo.option.ConnectionDriverName": "org.apache.derby.jdbc.EmbeddedDriver",
    "datanucleus.schema.autoCreateAll": "true",
    "metastore.schema.verification": "false",
    "metastore.expression.proxy": "org.apache.hadoop.hive.metastore.DefaultPartitionExpressionProxy",
    "metastore.task.threads.always": "org.apache.hadoop.hive.metastore.events.EventCleanerTask,org.apache.hadoop.hive.metastore.RuntimeStatsCleanerTask",
}


def s3a_settings(s3: LocalS3) -> dict[str, str]:
    """S3A for the metastore's own file checks (it makes table and partition folders that are missing):
    path-style requests to the local endpoint, the JDK's TLS, static credentials, `s3://` as S3A."""
    return {
        "fs.s3a.endpoint": s3.endpoint,
        "fs.s3a.endpoint.region": s3.region,
        "fs.s3a.path.style.access": "true",
        "fs.s3a.ssl.channel.mode": "default_jsse",
        "fs.s3a.connection.ssl.enabled": str(s3.endpoint.startswith("https://")).lower(),
        "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.access.key": s3.access_key,
        "fs.s3a.secret.key": s3.secret_key,
        "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    }


class HiveMetastore(JavaServer):
    """A running metastore; `uri` is its `thrift://127.0.0.1:<port>`."""

    def __init__(self, home: str, java: str, work_dir: str, s3: LocalS3 | None, heap: str):
        work = Path(work_dir)
        conf = work / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        settings = {
            **METASTORE_SETTINGS,
            "javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={work / 'metastore_db'};create=true",
            "metastore.warehouse.dir": (work / "warehouse").as_uri(),
            **(s3a_settings(s3) if s3 is not None else {}),
        }
        (conf / "metastore-site.xml").write_text(_hadoop_xml(settings))
        self.port = free_port()
        self.uri = f"thrift://127.0.0.1:{self.port}"
        classpath = f"{conf}:{Path(home) / 'lib' / '*'}:{Path(home) / 'launcher'}"
        command = [
            java,
            f"-Xmx{heap}",
            *QUICK_START_JVM_OPTIONS,
            *(s3.jvm_options() if s3 else []),
            "-cp",
            classpath,
            "MetastoreServer",
            str(self.port),
        ]
        super().__init__("Hive Metastore", command, str(work))

    def wait_ready(self, timeout_seconds: float = 180) -> "HiveMetastore":
        """Blocks until the metastore answers `get_all_databases` (its schema is created on first start)."""
        self.wait_until(self._answers, timeout_seconds, f"a Thrift answer on {self.uri}")
        return self

    def client(self) -> MetastoreClient:
        return MetastoreClient("127.0.0.1", self.port)

    def _answers(self) -> bool:
        with self.client() as client:
            return "default" in client.get_all_databases()


def start_hive_metastore(home: str, java: str, work_dir: str, s3: LocalS3 | None = None, heap: str = "512m") -> HiveMetastore:
    """Starts the metastore process and returns at once; call `wait_ready()` before using it, and
    `stop()` (or use it as a context manager) when done. `work_dir` holds its Derby database,
    warehouse, configuration and `server.log`."""
    return HiveMetastore(home, java, work_dir, s3, heap)


def _hadoop_xml(settings: dict[str, str]) -> str:
    properties = "".join(f"  <property><name>{escape(k)}</name><value>{escape(v)}</value></property>\n" for k, v in settings.items())
    return f'<?xml version="1.0"?>\n<configuration>\n{properties}</configuration>\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--home", required=True, help="the server folder (provision.ts --print hive-metastore)")
    parser.add_argument("--java", required=True, help="the java to run it with (same output)")
    parser.add_argument("--work-dir", required=True, help="folder for its database, configuration and log")
    parser.add_argument("--s3-endpoint", help="local S3 endpoint for table locations")
    parser.add_argument("--truststore", help="PKCS12 trust store for an HTTPS endpoint")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # leaves the `with` below, which stops the server
    s3 = LocalS3(args.s3_endpoint, truststore=args.truststore) if args.s3_endpoint else None
    with start_hive_metastore(args.home, args.java, args.work_dir, s3) as metastore:
        try:
            metastore.wait_ready()
        except ServerError as error:
            sys.exit(str(error))
        print(
            json.dumps({"uri": metastore.uri, "port": metastore.port, "pid": metastore.process.pid, "log_file": str(metastore.log_file)}),
            flush=True,
        )
        sys.stdin.read()  # the parent closes stdin (or dies) to stop the server


if __name__ == "__main__":
    main()

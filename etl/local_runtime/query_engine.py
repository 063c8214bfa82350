"""The local lake's catalog and query engine: a Hive Metastore 3.1.3 that the jobs' Hive sync writes to, in
place of the Glue Data Catalog, and Trino 483 reading the synced tables as analysts read them in Athena
(whose engine is Trino). Both are the toolchain's servers (`toolchain/hive_metastore`, `toolchain/trino`)
on 127.0.0.1 with free ports; they start at once and side by side (so beside Spark), and each is awaited
only where it is first needed.

On Glue, `--enable-glue-datacatalog` makes the Data Catalog the session's Hive metastore and Terraform
creates the databases; here `use_metastore` names the local metastore in the session's Hadoop
configuration and `create_databases` creates the stack's databases. The jobs' Hive sync options are the
same (`metriccare_etl.hudi_options`).
"""

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .synthesized_stack import PROJECT_ROOT, resolve
from .toolchain import java_server

TOOLCHAIN = PROJECT_ROOT / "toolchain"
ATHENA_QUERIES = PROJECT_ROOT / "etl" / "athena"
# The Hadoop setting Hudi's HMS-mode sync and the jobs (`glue_session.has_metastore`) read.
METASTORE_URIS = "hive.metastore.uris"
# Trino's catalogs: the metastore the jobs sync to, and the Glue API (moto's), which Athena reads.
METASTORE_CATALOG, GLUE_CATALOG = "hudi", "hudi_glue"


def toolchain_servers() -> tuple[Any, Any, Any]:
    """The toolchain's launchers: `(hive_metastore.metastore_server, trino.trino_server, jvm.java_server)`."""
    sys.path.insert(0, str(TOOLCHAIN))
    try:
        from hive_metastore import metastore_server
        from jvm import java_server as jvm
        from trino import trino_server
    finally:
        sys.path.remove(str(TOOLCHAIN))
    return metastore_server, trino_server, jvm


@dataclass
class QueryEngine:
    """The started servers; `metastore_ready()` and `trino_ready()` block until each answers."""

    metastore: Any
    trino: Any | None
    _waits: dict[str, Future]
    _pool: ThreadPoolExecutor

    def metastore_ready(self) -> Any:
        return self._waits["metastore"].result()

    def trino_ready(self) -> Any:
        if self.trino is None:
            raise RuntimeError("This query engine was started without Trino (start_query_engine(..., trino=True)).")
        return self._waits["trino"].result()

    def servers(self) -> list[Any]:
        return [server for server in (self.metastore, self.trino) if server is not None]

    def stop(self) -> None:
        """Stops both servers (each waits for its JVM to end), also when one never became ready."""
        for server in reversed(self.servers()):
            server.stop()
        self._pool.shutdown(wait=False)  # a wait still running ends as soon as its server has


def start_query_engine(
    work_dir: Path, s3_endpoint: str, truststore: str | None, *, trino: bool = True, glue: bool = False, metastore_dir: Path | None = None
) -> QueryEngine:
    """Starts the metastore and, with `trino`, Trino (catalog `hudi` on the metastore; with `glue` also
    `hudi_glue` on the Glue API at `s3_endpoint`, moto), both reading S3 at `s3_endpoint`; returns at
    once. `metastore_dir` keeps the metastore's Derby database (etl:local keeps it in the lake folder),
    default a folder under `work_dir`. Call `stop()` when done."""
    metastore_server, trino_server, jvm = toolchain_servers()
    s3 = jvm.LocalS3(s3_endpoint, truststore=truststore)
    pool = ThreadPoolExecutor(2, thread_name_prefix="query-engine")
    started: list[Any] = []
    try:
        metastore_home = java_server("hive-metastore")
        metastore = metastore_server.start_hive_metastore(
            metastore_home["home"], metastore_home["java"], str(metastore_dir or Path(work_dir) / "metastore"), s3
        )
        started.append(metastore)
        waits = {"metastore": pool.submit(metastore.wait_ready)}
        engine = None
        if trino:
            catalogs = {METASTORE_CATALOG: trino_server.hudi_catalog(metastore.uri, s3)}
            if glue:
                catalogs[GLUE_CATALOG] = trino_server.hudi_glue_catalog(s3_endpoint, s3)
            trino_home = java_server("trino")
            engine = trino_server.start_trino(trino_home["home"], trino_home["java"], str(Path(work_dir) / "trino"), catalogs, s3)
            started.append(engine)
            waits["trino"] = pool.submit(engine.wait_ready)
    except BaseException:
        for server in reversed(started):
            server.stop()
        pool.shutdown(wait=False)
        raise
    return QueryEngine(metastore, engine, waits, pool)


def use_metastore(spark: Any, uri: str | None) -> None:
    """Names the metastore in the session's Hadoop configuration (None removes it): the jobs then sync
    their tables to it, as `--enable-glue-datacatalog` makes them sync to the Data Catalog on Glue."""
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    if uri is None:
        hadoop.unset(METASTORE_URIS)
    else:
        hadoop.set(METASTORE_URIS, uri)


def create_databases(metastore: Any, terraform: dict, workspace: str) -> list[str]:
    """Creates the stack's Glue databases (`aws_glue_catalog_database`: name, location, description) in
    the metastore, as Terraform creates them in the Data Catalog, unless it holds them already; their names."""
    names = []
    with metastore.client() as client:
        existing = set(client.get_all_databases())
        for database in terraform["resource"]["aws_glue_catalog_database"].values():
            name = resolve(terraform, database["name"], workspace)
            if name not in existing:
                location = resolve(terraform, database["location_uri"], workspace)
                client.create_database(name, location, resolve(terraform, database.get("description", ""), workspace))
            names.append(name)
    return sorted(names)


def catalog(metastore: Any, databases: list[str]) -> dict[str, dict[str, dict]]:
    """What the metastore holds for `databases`: per database, per table, its definition
    (`MetastoreClient.get_table`) and its partitions' names, sorted."""
    with metastore.client() as client:
        return {
            database: {
                table: {**client.get_table(database, table), "partitions": sorted(client.get_partition_names(database, table))}
                for table in sorted(client.get_all_tables(database))
            }
            for database in databases
        }


def copy_to_glue(metastore: Any, glue: Any, database: str) -> list[str]:
    """Copies a database's definitions and partitions from the metastore into a Glue Data Catalog (moto's,
    for Trino's `hudi_glue` catalog, which reads through the Glue API as Athena does): what the jobs' Hive
    sync writes there on Glue. Returns the tables copied."""
    with metastore.client() as client:
        definition = client.get_database(database)
        glue.create_database(DatabaseInput={"Name": database, "LocationUri": definition["location"]})
        tables = sorted(client.get_all_tables(database))
        for name in tables:
            table = client.get_table(database, name)
            glue.create_table(DatabaseName=database, TableInput=glue_table_input(table))
            partitions = client.get_partitions(database, name)
            for start in range(0, len(partitions), 100):  # BatchCreatePartition takes at most 100
                glue.batch_create_partition(
                    DatabaseName=database,
                    TableName=name,
                    PartitionInputList=[
                        {"Values": partition["values"], "StorageDescriptor": glue_storage(partition)}
                        for partition in partitions[start : start + 100]
                    ],
                )
    return tables


def glue_storage(definition: dict) -> dict:
    """A Glue `StorageDescriptor` of a metastore table or partition definition."""
    return {
        "Columns": [{"Name": name, "Type": kind} for name, kind in definition["columns"]],
        "Location": definition["location"],
        "InputFormat": definition["input_format"],
        "OutputFormat": definition["output_format"],
        "SerdeInfo": {"SerializationLibrary": definition["serde"]["serialization_lib"], "Parameters": definition["serde"]["parameters"]},
    }


def glue_table_input(table: dict) -> dict:
    """A Glue `TableInput` of a metastore table definition."""
    return {
        "Name": table["table_name"],
        "TableType": table["table_type"],
        "Parameters": table["parameters"],
        "PartitionKeys": [{"Name": name, "Type": kind} for name, kind in table["partition_keys"]],
        "StorageDescriptor": glue_storage(table),
    }


def named_queries() -> dict[str, str]:
    """The statements of `etl/athena/<name>.sql` by name, without their description line, as the stack saves them."""
    return {path.stem: path.read_text().split("\n", 1)[1].strip() for path in sorted(ATHENA_QUERIES.glob("*.sql"))}

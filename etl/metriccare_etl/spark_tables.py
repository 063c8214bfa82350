"""Reading and writing the Hudi tables, Hudi's timeline, and the small checkpoint files of the jobs."""

import json
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from .config import TableConfig
from .errors import TableVersionError
from .hudi_options import hudi_write_options
from .schemas import as_row, ddl

INCREMENTAL_OPTIONS = ("hoodie.datasource.query.type", "hoodie.datasource.read.begin.instanttime", "hoodie.datasource.read.end.instanttime")


def table_uri(table: TableConfig, lakehouse: str) -> str:
    """Where a table lives: `s3://<bucket>/<path>` for a bucket name (the jobs), `<lakehouse>/<path>` for a
    base URI such as `file:///tmp/lake` (the benchmark and local runs)."""
    return f"{lakehouse.rstrip('/')}/{table.path}" if "://" in lakehouse else table.s3_uri(lakehouse)


def lakehouse_root(lakehouse: str) -> str:
    return lakehouse.rstrip("/") if "://" in lakehouse else f"s3://{lakehouse}"


def write_rows(
    spark: SparkSession, rows: Any, table: TableConfig, database: str, lakehouse_bucket: str, *, sync_catalog: bool = True
) -> bool:
    """`write_frame` of an RDD of dicts (keys = the table's columns): Bronze's records, built in Python
    because a file is parsed whole (Bundles, NDJSON, gzip) before it yields rows."""
    if rows.isEmpty():
        return False
    columns = table.columns
    frame = spark.createDataFrame(rows.map(lambda record: as_row(record, columns)), ddl(columns))
    _save(frame, table, database, lakehouse_bucket, sync_catalog)
    return True


def write_frame(frame: DataFrame, table: TableConfig, database: str, lakehouse_bucket: str, *, sync_catalog: bool = True) -> bool:
    """Writes a DataFrame holding exactly the table's columns with the table's Hudi options.

    An empty frame writes nothing and returns False: a Hudi commit without records would only add an
    empty instant to the timeline. `sync_catalog=False` skips Hive sync (a session without a metastore).
    """
    if frame.isEmpty():
        return False
    _save(frame.select(*[column.name for column in table.columns]), table, database, lakehouse_bucket, sync_catalog)
    return True


def _save(frame: DataFrame, table: TableConfig, database: str, lakehouse: str, sync_catalog: bool) -> None:
    options = hudi_write_options(table, database, sync_catalog)
    uri = table_uri(table, lakehouse)
    _check_table_version(frame.sparkSession, table, uri, options.get("hoodie.write.table.version"))
    frame.write.format("hudi").options(**options).mode("append").save(uri)


def _check_table_version(spark: SparkSession, table: TableConfig, uri: str, requested: str | None) -> None:
    """Refuses to write a table stored in another version than `hoodie.write.table.version` asks for:
    Hudi 1.0.2 writes such a table in its stored version without a word (seen on a version 8 table
    written with `hoodie.write.table.version=6`), so a table Athena cannot read would stay unreadable."""
    if requested is None:
        return
    stored = table_version(spark, uri)
    if stored is not None and stored != requested:
        raise TableVersionError(
            f"{table.layer} table `{table.name}` at {uri} is stored as Hudi table version {stored}; its writes ask for "
            f"version {requested} (hoodie.write.table.version) and Hudi does not change a table's version by writing to it. "
            + _how_to_rebuild(table)
        )


def _how_to_rebuild(table: TableConfig) -> str:
    """What to do about a Silver or Gold table stored in another version: each is rebuilt from the layer before."""
    if table.layer == "gold":
        return (
            "Gold tables are recomputed from Silver: delete the table's prefix and `gold/_checkpoints/gold.json`, and the "
            'next Gold run rewrites every measure (etl/README.md, "Silver and Gold are written as Hudi table version 6").'
        )
    name = table.name.removesuffix("_quarantine")
    return (
        f"Silver tables are rebuilt from Bronze: delete the prefixes of `{name}` and `{name}_quarantine` and "
        f"`_checkpoints/{name}.json` beside the Silver tables, and the next Silver run reads Bronze whole and rewrites "
        'both (etl/README.md, "Silver and Gold are written as Hudi table version 6").'
    )


def table_version(spark: SparkSession, uri: str) -> str | None:
    """`hoodie.table.version` of the Hudi table at `uri`, None when there is no table (yet)."""
    if not table_exists(spark, uri):
        return None
    return str(_meta_client(spark, uri).getTableConfig().getTableVersion().versionCode())


def read_frame(spark: SparkSession, table: TableConfig, lakehouse_bucket: str) -> DataFrame:
    """The table's snapshot with its own columns (Hudi's `_hoodie_*` left out); empty with the table's
    schema when the table has never been written, e.g. no Condition has arrived yet."""
    uri = table_uri(table, lakehouse_bucket)
    if latest_completion_time(spark, uri) is None:
        return spark.createDataFrame([], ddl(table.columns))
    return spark.read.format("hudi").load(uri).select(*[column.name for column in table.columns])


def read_incremental(spark: SparkSession, table: TableConfig, lakehouse_bucket: str, after: str | None, until: str) -> DataFrame:
    """Rows of the commits that completed after `after` (exclusive) and at or before `until`.

    Hudi 1.0 incremental queries compare completion times on a version 8 table (Bronze) and treat the
    begin time as inclusive, so the begin is the instant just after `after`; with no `after` the whole
    snapshot is read. On a version 6 table (Silver, which the benchmark reads) they compare instant
    times: pass `latest_commit_time`s there.
    """
    uri = table_uri(table, lakehouse_bucket)
    names = [column.name for column in table.columns]
    if after is None:
        return spark.read.format("hudi").load(uri).select(*names)
    options = dict(zip(INCREMENTAL_OPTIONS, ("incremental", next_instant(after), until), strict=True))
    # A checkpoint older than Bronze's active timeline (commits archived, files cleaned) falls back to a
    # full scan filtered by commit time, instead of failing the run.
    options["hoodie.datasource.read.incr.fallback.fulltablescan.enable"] = "true"
    return spark.read.format("hudi").options(**options).load(uri).select(*names)


def table_exists(spark: Any, uri: str) -> bool:
    """Whether a Hudi table lives at `uri`: its `.hoodie` metadata folder exists."""
    context = spark.sparkContext
    path = context._jvm.org.apache.hadoop.fs.Path(f"{uri}.hoodie")
    return bool(path.getFileSystem(context._jsc.hadoopConfiguration()).exists(path))


def next_instant(instant: str) -> str:
    """The timeline instant one millisecond after `instant` (`yyyyMMddHHmmssSSS`, fixed width)."""
    if not instant.isdigit():
        raise ValueError(f"a Hudi instant is digits only (yyyyMMddHHmmssSSS), got {json.dumps(instant)}")
    return str(int(instant) + 1).zfill(len(instant))


def latest_completion_time(spark: SparkSession, uri: str) -> str | None:
    """Completion time of the table's latest completed commit, None when there is no table (yet)."""
    if not table_exists(spark, uri):
        return None
    latest = _meta_client(spark, uri).getActiveTimeline().getCommitsTimeline().filterCompletedInstants().lastInstant()
    return latest.get().getCompletionTime() if latest.isPresent() else None


def latest_commit_time(spark: SparkSession, uri: str) -> str | None:
    """Instant (requested) time of the table's latest completed commit, None when there is no table (yet).

    It names the commit in every table version: a version 6 table has no completion time of its own
    (Hudi 1.0 takes the `.commit` file's modification time, which a copy of the lake changes), and with
    one writer (`max_concurrent_runs = 1`) commits complete in the order they were requested."""
    if not table_exists(spark, uri):
        return None
    latest = _meta_client(spark, uri).getActiveTimeline().getCommitsTimeline().filterCompletedInstants().lastInstant()
    return latest.get().requestedTime() if latest.isPresent() else None


def _meta_client(spark: SparkSession, uri: str) -> Any:
    jvm, hadoop_conf = spark.sparkContext._jvm, spark.sparkContext._jsc.hadoopConfiguration()
    storage_conf = jvm.org.apache.hudi.storage.hadoop.HadoopStorageConfiguration(hadoop_conf)
    return jvm.org.apache.hudi.common.table.HoodieTableMetaClient.builder().setConf(storage_conf).setBasePath(uri).build()


def read_checkpoint(spark: SparkSession, uri: str) -> dict[str, Any] | None:
    """The JSON object at `uri` (a job's record of what it last consumed), None when absent."""
    path, hadoop_conf = _path(spark, uri), spark.sparkContext._jsc.hadoopConfiguration()
    file_system = path.getFileSystem(hadoop_conf)
    if not file_system.exists(path):
        return None
    stream = file_system.open(path)
    try:
        text = spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
    finally:
        stream.close()
    return json.loads(text)


def write_checkpoint(spark: SparkSession, uri: str, document: dict[str, Any]) -> None:
    path, hadoop_conf = _path(spark, uri), spark.sparkContext._jsc.hadoopConfiguration()
    stream = path.getFileSystem(hadoop_conf).create(path, True)
    try:
        stream.write(bytearray(json.dumps(document, sort_keys=True).encode("utf-8")))
    finally:
        stream.close()


def _path(spark: SparkSession, uri: str) -> Any:
    return spark.sparkContext._jvm.org.apache.hadoop.fs.Path(uri)

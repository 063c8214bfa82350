"""Reading and writing Hudi tables from the jobs: the only Spark-facing code of the package.

Spark objects are used by duck typing (nothing here imports pyspark), so the package still imports
and is tested without Spark, and the three jobs share one way of doing it.
"""

from typing import Any

from .config import TableConfig
from .hudi_options import hudi_write_options
from .schemas import as_row, ddl


def write_rows(spark: Any, rows: Any, table: TableConfig, database: str, lakehouse_bucket: str, catalog_sync: bool = True) -> bool:
    """Writes an RDD of dicts (keys = the table's columns) with the table's Hudi options; `catalog_sync`
    as `hudi_write_options` (False where there is no metastore).

    An empty RDD writes nothing and returns False: a Hudi commit without records would only add
    an empty instant to the timeline.
    """
    if rows.isEmpty():
        return False
    columns = table.columns
    frame = spark.createDataFrame(rows.map(lambda record: as_row(record, columns)), ddl(columns))
    (
        frame.write.format("hudi")
        .options(**hudi_write_options(table, database, catalog_sync))
        .mode("append")
        .save(table.s3_uri(lakehouse_bucket))
    )
    return True


def read_rows(spark: Any, table: TableConfig, lakehouse_bucket: str) -> Any:
    """An RDD of dicts of the table's columns (Hudi's own `_hoodie_*` columns left out); empty when
    the table has never been written, e.g. no Condition has arrived yet."""
    uri = table.s3_uri(lakehouse_bucket)
    if not table_exists(spark, uri):
        return spark.sparkContext.emptyRDD()
    names = [column.name for column in table.columns]
    return spark.read.format("hudi").load(uri).select(*names).rdd.map(lambda row: row.asDict(recursive=True))


def table_exists(spark: Any, uri: str) -> bool:
    """Whether a Hudi table lives at `uri`: its `.hoodie` metadata folder exists."""
    context = spark.sparkContext
    path = context._jvm.org.apache.hadoop.fs.Path(f"{uri}.hoodie")
    return bool(path.getFileSystem(context._jsc.hadoopConfiguration()).exists(path))


def latest_commit(spark: Any, uri: str) -> str | None:
    """The instant time of the table's latest completed commit (Hudi's own timeline reader), None
    when no table lives at `uri`. Instant times are start times, so they order commits of different
    tables too: a table written after another one read its input has the greater instant."""
    if not table_exists(spark, uri):
        return None
    context = spark.sparkContext
    path = context._jvm.org.apache.hadoop.fs.Path(uri)
    file_system = path.getFileSystem(context._jsc.hadoopConfiguration())
    return context._jvm.org.apache.hudi.HoodieDataSourceHelpers.latestCommit(file_system, uri)


def newer_input(spark: Any, inputs: list[TableConfig], outputs: list[TableConfig], lakehouse_bucket: str) -> bool:
    """Whether any input table has a commit after the latest commit of every output table: False
    means a job recomputing `outputs` from `inputs` would write what is already there."""
    latest_input = max(filter(None, (latest_commit(spark, table.s3_uri(lakehouse_bucket)) for table in inputs)), default=None)
    latest_output = max(filter(None, (latest_commit(spark, table.s3_uri(lakehouse_bucket)) for table in outputs)), default=None)
    return latest_input is not None and (latest_output is None or latest_input > latest_output)

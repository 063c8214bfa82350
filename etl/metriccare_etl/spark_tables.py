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

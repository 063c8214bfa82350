"""Silver: what Bronze committed since Silver's last run, into typed Silver rows or quarantine rows saying why not."""

import datetime as dt
import posixpath
from collections.abc import Callable
from typing import NamedTuple

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .config import LakehouseConfig, TableConfig
from .fhir_columns import json_quoted
from .schemas import BRONZE_TABLES
from .silver_common import REJECTION_TYPE, REJECTIONS, latest_per_id, rejection
from .silver_condition import flatten_conditions
from .silver_encounter import flatten_encounters
from .silver_patient import flatten_patients
from .spark_tables import (
    lakehouse_root,
    latest_completion_time,
    read_checkpoint,
    read_frame,
    read_incremental,
    table_uri,
    write_checkpoint,
    write_frame,
)

FLATTENERS: dict[str, Callable[[DataFrame, dt.datetime], DataFrame]] = {
    "patient": flatten_patients,
    "encounter": flatten_encounters,
    "condition": flatten_conditions,
}
_RESOURCE_TYPES = {table: resource_type for resource_type, table in BRONZE_TABLES.items()}


class SilverSplit(NamedTuple):
    silver: DataFrame
    quarantine: DataFrame


class SilverResult(NamedTuple):
    """What one Silver table's run did: skipped (Bronze wrote nothing new) or the rows it wrote."""

    table: str
    bronze_rows: int
    # Characters of `resource_json` read from Bronze: the input size, as the job log and the benchmark report it.
    bronze_json_bytes: int
    silver_rows: int
    quarantined_rows: int
    skipped: bool


def split(table: str, bronze: DataFrame, processed_at: dt.datetime) -> SilverSplit:
    """(Silver rows, quarantine rows) of Bronze rows of table `table`.

    Input: Bronze columns, any number of versions per id. Only the latest version of each id is
    flattened, so a superseded invalid version never reaches quarantine. Output: the Silver table's
    columns, and `schemas.SILVER_QUARANTINE_COLUMNS`.
    """
    expected = _RESOURCE_TYPES[table]
    found = F.get_json_object("resource_json", "$.resourceType")
    readable = F.json_object_keys("resource_json").isNotNull()
    flattened = FLATTENERS[table](latest_per_id(bronze), processed_at)
    checked = flattened.select(
        "*",
        F.when(
            ~readable,
            F.array(rejection(F.lit(True), "unreadable_resource", F.lit("resource_json is not a JSON object"))),
        )
        .when(
            ~found.eqNullSafe(F.lit(expected)),
            F.array(
                rejection(
                    F.lit(True),
                    "wrong_resource_type",
                    F.concat(F.lit("resourceType "), json_quoted(found), F.lit(f" in the {table} table")),
                )
            ),
        )
        .otherwise(F.col(REJECTIONS))
        .cast(REJECTION_TYPE)
        .alias("_all_rejections"),
    ).cache()  # read twice, by the two filters below
    silver = checked.filter(F.size("_all_rejections") == 0).drop(REJECTIONS, "_all_rejections", "resource_json")
    quarantine = checked.filter(F.size("_all_rejections") > 0).select(
        F.col("record_hash"),
        F.col("id"),
        F.lit(expected).alias("resource_type"),
        F.col("last_updated"),
        F.col("_all_rejections")[0]["code"].alias("reason_code"),
        F.to_json("_all_rejections").alias("reasons"),
        F.col("resource_json"),
        F.col("source_object"),
        F.col("processed_at").alias("quarantined_at"),
    )
    return SilverSplit(silver, quarantine)


def run_silver(
    spark: SparkSession,
    config: LakehouseConfig,
    lakehouse_bucket: str,
    database: str,
    processed_at: dt.datetime,
    *,
    sync_catalog: bool = True,
) -> list[SilverResult]:
    """Silver for every table, reading only the Bronze commits completed since this table's checkpoint.

    A table whose Bronze has no new commit is skipped without a read or a Hudi commit. Rows whose
    Bronze version Silver already holds (same id and `record_hash`) are not written again, so their
    `processed_at` stays. The checkpoint (the last Bronze completion time consumed) is written after
    both writes succeeded; a run that fails before it re-reads the same commits next time, which the
    upsert makes harmless.
    """
    results = []
    for name, silver_table in config.silver_tables.items():
        bronze_table = config.bronze_tables[name]
        checkpoint_uri = silver_checkpoint_uri(silver_table, lakehouse_bucket)
        consumed = (read_checkpoint(spark, checkpoint_uri) or {}).get("bronze_completion_time")
        latest = latest_completion_time(spark, table_uri(bronze_table, lakehouse_bucket))
        if latest is None or latest == consumed:
            results.append(SilverResult(name, 0, 0, 0, 0, True))
            continue
        # Kept for the split and the input statistics, so Bronze's files are read once.
        bronze = read_incremental(spark, bronze_table, lakehouse_bucket, consumed, latest).persist(StorageLevel.MEMORY_AND_DISK)
        rows = split(name, bronze, processed_at)
        held = read_frame(spark, silver_table, lakehouse_bucket).select("id", "record_hash")
        changed = rows.silver.join(held, ["id", "record_hash"], "left_anti").persist(StorageLevel.MEMORY_AND_DISK)  # counted, then written
        silver_count, quarantine_count = changed.count(), rows.quarantine.count()
        write_frame(changed, silver_table, database, lakehouse_bucket, sync_catalog=sync_catalog)
        write_frame(rows.quarantine, config.silver_quarantine_tables[name], database, lakehouse_bucket, sync_catalog=sync_catalog)
        write_checkpoint(spark, checkpoint_uri, {"bronze_completion_time": latest, "processed_at": processed_at.isoformat()})
        read = bronze.agg(F.count(F.lit(1)).alias("rows"), F.coalesce(F.sum(F.length("resource_json")), F.lit(0)).alias("size")).first()
        bronze.unpersist()
        changed.unpersist()
        results.append(SilverResult(name, read["rows"], read["size"], silver_count, quarantine_count, False))
    return results


def silver_checkpoint_uri(silver_table: TableConfig, lakehouse_bucket: str) -> str:
    """`s3://<bucket>/<silver prefix>_checkpoints/<table>.json`, beside (not inside) the Hudi tables."""
    prefix = posixpath.dirname(silver_table.path.rstrip("/"))
    return f"{lakehouse_root(lakehouse_bucket)}/{prefix}/_checkpoints/{silver_table.name}.json"

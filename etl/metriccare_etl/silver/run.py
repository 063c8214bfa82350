"""Silver's run: what Bronze committed since Silver's last run, split into Silver and quarantine rows and upserted."""

import datetime as dt
import posixpath
from collections.abc import Mapping
from typing import NamedTuple

from pyspark import StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from ..config import LakehouseConfig, TableConfig
from ..spark_tables import (
    lakehouse_root,
    latest_completion_time,
    read_checkpoint,
    read_frame,
    read_incremental,
    table_uri,
    write_checkpoint,
    write_frame,
)
from .split import split


class SilverResult(NamedTuple):
    """What one Silver table's run did: skipped (Bronze wrote nothing new) or the rows it wrote."""

    table: str
    bronze_rows: int
    # Characters of `resource_json` read from Bronze: the input size, as the job log and the benchmark report it.
    bronze_json_bytes: int
    silver_rows: int
    quarantined_rows: int
    skipped: bool
    # Rows that passed validation, written or (unchanged since Silver holds them) not.
    accepted_rows: int
    # Quarantined rows by their first reason (`reason_code`).
    quarantine_reasons: Mapping[str, int]


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
            results.append(SilverResult(name, 0, 0, 0, 0, True, 0, {}))
            continue
        # Kept for the split and the input statistics, so Bronze's files are read once.
        bronze = read_incremental(spark, bronze_table, lakehouse_bucket, consumed, latest).persist(StorageLevel.MEMORY_AND_DISK)
        rows = split(name, bronze, processed_at)
        held = read_frame(spark, silver_table, lakehouse_bucket).select("id", "record_hash")
        changed = rows.silver.join(held, ["id", "record_hash"], "left_anti").persist(StorageLevel.MEMORY_AND_DISK)  # counted, then written
        # Both read the split's cached verdicts, not Bronze again.
        accepted = rows.silver.count()
        reasons = {row["reason_code"]: row["count"] for row in rows.quarantine.groupBy("reason_code").count().collect()}
        silver_count, quarantine_count = changed.count(), sum(reasons.values())
        write_frame(changed, silver_table, database, lakehouse_bucket, sync_catalog=sync_catalog)
        write_frame(rows.quarantine, config.silver_quarantine_tables[name], database, lakehouse_bucket, sync_catalog=sync_catalog)
        write_checkpoint(spark, checkpoint_uri, {"bronze_completion_time": latest, "processed_at": processed_at.isoformat()})
        read = bronze.agg(F.count(F.lit(1)).alias("rows"), F.coalesce(F.sum(F.length("resource_json")), F.lit(0)).alias("size")).first()
        bronze.unpersist()
        changed.unpersist()
        results.append(
            SilverResult(name, read["rows"], read["size"], silver_count, quarantine_count, False, accepted, dict(sorted(reasons.items())))
        )
    return results


def silver_checkpoint_uri(silver_table: TableConfig, lakehouse_bucket: str) -> str:
    """`s3://<bucket>/<silver prefix>_checkpoints/<table>.json`, beside (not inside) the Hudi tables."""
    prefix = posixpath.dirname(silver_table.path.rstrip("/"))
    return f"{lakehouse_root(lakehouse_bucket)}/{prefix}/_checkpoints/{silver_table.name}.json"

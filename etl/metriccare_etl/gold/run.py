"""Gold's run: the measures whose Silver inputs or reference date changed, recomputed from Silver.

A measure is recomputed whole from the Silver snapshot, and only when one of the Silver tables it
reads committed something, or (for a measure dated by the reference date) the reference date moved,
since Gold last computed it. The README's "Cost follows new data" says why not per patient or month.
"""

import datetime as dt
import posixpath
from typing import NamedTuple

from pyspark.sql import SparkSession

from ..config import LakehouseConfig
from ..spark_tables import lakehouse_root, latest_commit_time, read_checkpoint, read_frame, table_uri, write_checkpoint, write_frame
from .measures import MEASURES, Measure, gold_rows


class GoldResult(NamedTuple):
    table: str
    rows: int


def run_gold(
    spark: SparkSession,
    config: LakehouseConfig,
    lakehouse_bucket: str,
    database: str,
    computed_at: dt.datetime,
    reference_date: dt.date | None = None,
    *,
    sync_catalog: bool = True,
) -> list[GoldResult] | None:
    """Recomputes the measures whose inputs changed (`measure_state`) and overwrites their tables; the
    others keep their rows and make no Hudi commit. None, without reading Silver, when no measure's
    inputs changed since the last run.

    `reference_date` defaults to the run date (`computed_at`'s UTC date). The checkpoint records each
    measure's state once its table is written, so a run that fails midway redoes only what is left.
    """
    on = reference_date or computed_at.date()
    versions = {name: latest_commit_time(spark, table_uri(table, lakehouse_bucket)) for name, table in config.silver_tables.items()}
    checkpoint_uri = gold_checkpoint_uri(config, lakehouse_bucket)
    computed = dict((read_checkpoint(spark, checkpoint_uri) or {}).get("measures", {}))
    due = [measure for measure in MEASURES if computed.get(measure.table) != measure_state(measure, versions, on)]
    if not due:
        return None
    needed = sorted({name for measure in due for name in measure.inputs})
    silver = {name: read_frame(spark, config.silver_tables[name], lakehouse_bucket).cache() for name in needed}
    results = []
    for measure in due:
        rows = gold_rows(measure, silver, on, computed_at).cache()
        write_frame(rows, config.gold_tables[measure.table], database, lakehouse_bucket, sync_catalog=sync_catalog)
        results.append(GoldResult(measure.table, rows.count()))
        rows.unpersist()
        computed[measure.table] = measure_state(measure, versions, on)
        write_checkpoint(spark, checkpoint_uri, {"measures": computed, "computed_at": computed_at.isoformat()})
    for frame in silver.values():
        frame.unpersist()
    return results


def measure_state(measure: Measure, versions: dict[str, str | None], reference_date: dt.date) -> dict:
    """What a measure's rows follow from: the latest commits (instant times) of the Silver tables it reads,
    and the reference date when it is dated. Equal states give equal rows."""
    state: dict = {"silver_commits": {name: versions[name] for name in measure.inputs}}
    if measure.dated:
        state["reference_date"] = reference_date.isoformat()
    return state


def gold_checkpoint_uri(config: LakehouseConfig, lakehouse_bucket: str) -> str:
    """`s3://<bucket>/<gold prefix>_checkpoints/gold.json`: the Silver versions and reference date Gold last used."""
    any_table = next(iter(config.gold_tables.values()))
    return f"{lakehouse_root(lakehouse_bucket)}/{posixpath.dirname(any_table.path.rstrip('/'))}/_checkpoints/gold.json"

"""The Gold measures: which Silver tables each reads, and the run that recomputes them from Silver.

Gold is recomputed whole from the Silver snapshot, and only when Silver committed something or the
reference date moved since Gold's last run (the README's "Cost follows new data" says why not per patient).
"""

import datetime as dt
import json
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .config import LakehouseConfig
from .errors import JobArgumentError
from .gold_encounters import average_length_of_stay, encounters_by_class_month, readmission_rate_30d
from .gold_population import condition_prevalence, patients_by_age_band_gender
from .spark_tables import lakehouse_root, latest_completion_time, read_checkpoint, read_frame, table_uri, write_checkpoint, write_frame

Silver = dict[str, DataFrame]


class Measure(NamedTuple):
    """`compute(silver tables by name, reference date)` gives the Gold table's rows without `computed_at`."""

    table: str
    inputs: tuple[str, ...]
    compute: Callable[[Silver, dt.date], DataFrame]


MEASURES: tuple[Measure, ...] = (
    Measure("encounters_by_class_month", ("encounter",), lambda silver, on: encounters_by_class_month(silver["encounter"])),
    Measure("average_length_of_stay", ("encounter",), lambda silver, on: average_length_of_stay(silver["encounter"])),
    Measure(
        "readmission_rate_30d",
        ("encounter", "patient"),
        lambda silver, on: readmission_rate_30d(silver["encounter"], silver["patient"], on),
    ),
    Measure(
        "condition_prevalence",
        ("patient", "condition"),
        lambda silver, on: condition_prevalence(silver["patient"], silver["condition"], on),
    ),
    Measure("patients_by_age_band_gender", ("patient",), lambda silver, on: patients_by_age_band_gender(silver["patient"], on)),
)


class GoldResult(NamedTuple):
    table: str
    rows: int


def gold_rows(measure: Measure, silver: Silver, reference_date: dt.date, computed_at: dt.datetime) -> DataFrame:
    """The measure's rows stamped with the run's `computed_at` (the precombine field of Gold tables)."""
    return measure.compute(silver, reference_date).select("*", F.lit(computed_at).cast("timestamp").alias("computed_at"))


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
    """Recomputes every measure from Silver and overwrites its table; None, without reading Silver or
    making a Hudi commit, when neither Silver nor the reference date changed since the last run.

    `reference_date` defaults to the run date (`computed_at`'s UTC date).
    """
    on = reference_date or computed_at.date()
    versions = {name: latest_completion_time(spark, table_uri(table, lakehouse_bucket)) for name, table in config.silver_tables.items()}
    checkpoint_uri = gold_checkpoint_uri(config, lakehouse_bucket)
    state = {"silver_completion_times": versions, "reference_date": on.isoformat()}
    previous = read_checkpoint(spark, checkpoint_uri) or {}
    if {key: previous.get(key) for key in state} == state:
        return None
    silver = {name: read_frame(spark, table, lakehouse_bucket).cache() for name, table in config.silver_tables.items()}
    results = []
    for measure in MEASURES:
        rows = gold_rows(measure, silver, on, computed_at).cache()
        write_frame(rows, config.gold_tables[measure.table], database, lakehouse_bucket, sync_catalog=sync_catalog)
        results.append(GoldResult(measure.table, rows.count()))
        rows.unpersist()
    for frame in silver.values():
        frame.unpersist()
    write_checkpoint(spark, checkpoint_uri, {**state, "computed_at": computed_at.isoformat()})
    return results


def gold_checkpoint_uri(config: LakehouseConfig, lakehouse_bucket: str) -> str:
    """`s3://<bucket>/<gold prefix>_checkpoints/gold.json`: the Silver versions and reference date Gold last used."""
    any_table = next(iter(config.gold_tables.values()))
    return f"{lakehouse_root(lakehouse_bucket)}/{posixpath.dirname(any_table.path.rstrip('/'))}/_checkpoints/gold.json"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reference_date_argument(argv: Sequence[str]) -> dt.date | None:
    """The optional `--reference_date YYYY-MM-DD` job argument (Glue passes `--name value`), None when absent."""
    if "--reference_date" not in argv:
        return None
    position = list(argv).index("--reference_date")
    value = argv[position + 1] if position + 1 < len(argv) else None
    try:
        if value is None or not _DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise JobArgumentError(f"`--reference_date` must be a calendar date YYYY-MM-DD, got {json.dumps(value)}.") from None

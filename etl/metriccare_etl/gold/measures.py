"""The Gold measures: the table each writes, the Silver tables it reads, and whether it is dated.

Definitions in words: `etl/README.md`, "Gold measures"; the computations: `encounters`, `population`.
"""

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .encounters import average_length_of_stay, encounters_by_class_month, readmission_rate_30d
from .population import condition_prevalence, patients_by_age_band_gender

Silver = dict[str, DataFrame]


class Measure(NamedTuple):
    """`compute(silver tables by name, reference date)` gives the Gold table's rows without `computed_at`;
    `dated`: whether the rows depend on the reference date (then a new date alone recomputes them)."""

    table: str
    inputs: tuple[str, ...]
    compute: Callable[[Silver, dt.date], DataFrame]
    dated: bool


MEASURES: tuple[Measure, ...] = (
    Measure("encounters_by_class_month", ("encounter",), lambda silver, on: encounters_by_class_month(silver["encounter"]), False),
    Measure("average_length_of_stay", ("encounter",), lambda silver, on: average_length_of_stay(silver["encounter"]), False),
    Measure(
        "readmission_rate_30d",
        ("encounter", "patient"),
        lambda silver, on: readmission_rate_30d(silver["encounter"], silver["patient"], on),
        True,
    ),
    Measure(
        "condition_prevalence",
        ("patient", "condition"),
        lambda silver, on: condition_prevalence(silver["patient"], silver["condition"], on),
        True,
    ),
    Measure("patients_by_age_band_gender", ("patient",), lambda silver, on: patients_by_age_band_gender(silver["patient"], on), True),
)


def gold_rows(measure: Measure, silver: Silver, reference_date: dt.date, computed_at: dt.datetime) -> DataFrame:
    """The measure's rows stamped with the run's `computed_at` (the precombine field of Gold tables)."""
    return measure.compute(silver, reference_date).select("*", F.lit(computed_at).cast("timestamp").alias("computed_at"))

"""Bronze rows of one table into Silver rows and quarantine rows saying why not."""

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..fhir.columns import json_quoted
from ..schemas import BRONZE_TABLES
from .common import REJECTION_TYPE, REJECTIONS, latest_per_id, rejection
from .condition import flatten_conditions
from .encounter import flatten_encounters
from .patient import flatten_patients

FLATTENERS: dict[str, Callable[[DataFrame, dt.datetime], DataFrame]] = {
    "patient": flatten_patients,
    "encounter": flatten_encounters,
    "condition": flatten_conditions,
}
_RESOURCE_TYPES = {table: resource_type for resource_type, table in BRONZE_TABLES.items()}


class SilverSplit(NamedTuple):
    silver: DataFrame
    quarantine: DataFrame


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

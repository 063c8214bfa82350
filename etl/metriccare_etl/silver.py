"""Silver: a Bronze row into a typed Silver row, or a quarantine row saying why not."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from .bronze import pick_latest
from .schemas import BRONZE_TABLES
from .silver_common import Flattened, Rejection, quarantine_row
from .silver_condition import flatten_condition
from .silver_encounter import flatten_encounter
from .silver_patient import flatten_patient

SILVER, QUARANTINE = "silver", "quarantine"

FLATTENERS: dict[str, Callable[[dict[str, Any], dict[str, Any], dt.datetime], Flattened]] = {
    "patient": flatten_patient,
    "encounter": flatten_encounter,
    "condition": flatten_condition,
}
_RESOURCE_TYPES = {table: resource_type for resource_type, table in BRONZE_TABLES.items()}


def to_silver(table: str, bronze_row: dict[str, Any], processed_at: dt.datetime) -> tuple[str, dict[str, Any]]:
    """(`"silver"`, row) or (`"quarantine"`, row) for one row of Bronze table `table`."""
    try:
        resource = json.loads(bronze_row["resource_json"])
    except (TypeError, ValueError) as error:
        return QUARANTINE, quarantine_row(
            bronze_row, [Rejection("unreadable_resource", f"resource_json is not JSON: {error}")], processed_at
        )
    expected = _RESOURCE_TYPES[table]
    if not isinstance(resource, dict) or resource.get("resourceType") != expected:
        found = resource.get("resourceType") if isinstance(resource, dict) else None
        return QUARANTINE, quarantine_row(
            bronze_row, [Rejection("wrong_resource_type", f"resourceType {json.dumps(found)} in the {table} table")], processed_at
        )
    try:
        flattened = FLATTENERS[table](resource, bronze_row, processed_at)
    except Exception as error:  # one resource of an unforeseen shape must not stop Silver for every other row
        return QUARANTINE, quarantine_row(bronze_row, [Rejection("unexpected_shape", f"{type(error).__name__}: {error}")], processed_at)
    if flattened.row is None:
        return QUARANTINE, quarantine_row(bronze_row, flattened.rejections, processed_at)
    return SILVER, flattened.row


def split_rdd(table: str, bronze_rows: Any, processed_at: dt.datetime) -> tuple[Any, Any]:
    """(Silver rows, quarantine rows) as RDDs from an RDD of Bronze row dicts.

    Only the latest version of each id (`bronze.pick_latest`) is flattened, so a superseded invalid
    version never reaches quarantine.
    """
    results = (
        bronze_rows.keyBy(lambda row: row["id"]).reduceByKey(pick_latest).values().map(lambda row: to_silver(table, row, processed_at))
    )
    results = results.cache()  # read twice, by the two filters below
    silver = results.filter(lambda result: result[0] == SILVER).map(lambda result: result[1])
    quarantine = results.filter(lambda result: result[0] == QUARANTINE).map(lambda result: result[1])
    return silver, quarantine

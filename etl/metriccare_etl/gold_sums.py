"""Gold measures as sums that can be added up in any order.

Each measure turns a slice of Silver rows into `Sums` (a key to a list of numbers) and a final step
turns the grand total into rows. Sums of two slices add element-wise, so the Gold job can compute
them per Spark partition (or per patient) and fold them together: the answer is the same as for one
call over all rows, which is what the tests check.
"""

import datetime as dt
from collections.abc import Sequence

from .fhir_time import as_utc

Sums = dict[tuple, list[float]]


def add(sums: Sums, key: tuple, *values: float) -> None:
    """Adds `values` element-wise to the numbers under `key`."""
    if key in sums:
        sums[key] = [total + value for total, value in zip(sums[key], values, strict=True)]
    else:
        sums[key] = list(values)


def merge_sums(first: Sums, second: Sums) -> Sums:
    """The sums of two slices; pure, so it is safe as the operator of Spark's `fold`."""
    merged = {key: list(values) for key, values in first.items()}
    for key, values in second.items():
        add(merged, key, *values)
    return merged


def ratio(numerator: float, denominator: float, digits: int) -> float:
    return round(numerator / denominator, digits) if denominator else 0.0


def with_computed_at(rows: Sequence[dict[str, object]], computed_at: dt.datetime) -> list[dict[str, object]]:
    """Stamps every row of one run with the same time: the precombine field of Gold tables."""
    return [{**row, "computed_at": as_utc(computed_at)} for row in rows]

"""The Gold measures: which Silver tables each reads, how the job slices them, how rows are made."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from .gold_encounters import (
    average_length_of_stay,
    average_length_of_stay_rows,
    encounters_by_class_month,
    encounters_by_class_month_rows,
    readmission_rate_30d,
    readmission_rate_30d_rows,
)
from .gold_population import condition_prevalence, condition_prevalence_rows, patients_by_age_band_gender, patients_by_age_band_gender_rows
from .gold_sums import Sums, merge_sums


class Measure(NamedTuple):
    """`sums(*rows_of_each_input)` over any slice; with `by_patient`, a slice must hold all rows of
    its patients (the measure relates rows of one patient), otherwise any slice will do."""

    table: str
    inputs: tuple[str, ...]
    by_patient: bool
    sums: Callable[..., Sums]
    rows: Callable[[Sums, dt.datetime], list[dict[str, Any]]]


MEASURES: tuple[Measure, ...] = (
    Measure("encounters_by_class_month", ("encounter",), False, encounters_by_class_month, encounters_by_class_month_rows),
    Measure("average_length_of_stay", ("encounter",), False, average_length_of_stay, average_length_of_stay_rows),
    Measure("readmission_rate_30d", ("encounter",), True, readmission_rate_30d, readmission_rate_30d_rows),
    Measure("condition_prevalence", ("patient", "condition"), True, condition_prevalence, condition_prevalence_rows),
    Measure("patients_by_age_band_gender", ("patient",), False, patients_by_age_band_gender, patients_by_age_band_gender_rows),
)


def patient_key(table: str, row: dict[str, Any]) -> str:
    """The patient a Silver row belongs to: what `by_patient` measures are grouped on."""
    return row["id"] if table == "patient" else row["patient_id"]


def split_inputs(inputs: tuple[str, ...], tagged_rows: Iterable[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """`(table, row)` pairs of one patient group back into one list per input, in `inputs` order."""
    by_table: dict[str, list[dict[str, Any]]] = {table: [] for table in inputs}
    for table, row in tagged_rows:
        by_table[table].append(row)
    return [by_table[table] for table in inputs]


def sums_over_rdds(measure: Measure, rdds: dict[str, Any], union: Callable[[list[Any]], Any]) -> Sums:
    """The measure's sums over RDDs of Silver row dicts, computed per slice and folded.

    `by_patient` measures get one slice per patient (all its rows of every input); the others one
    slice per Spark partition. `union` is `SparkContext.union`.
    """
    if measure.by_patient:
        tagged = union([rdds[table].map(lambda row, table=table: (patient_key(table, row), (table, row))) for table in measure.inputs])
        slices = tagged.groupByKey().map(lambda group: measure.sums(*split_inputs(measure.inputs, group[1])))
    else:
        slices = rdds[measure.inputs[0]].mapPartitions(lambda rows: [measure.sums(rows)])
    return slices.fold({}, merge_sums)

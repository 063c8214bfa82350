"""Gold measures over encounters: volume by class and month, average length of stay, 30-day readmissions."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .fhir_time import as_utc, month_of
from .gold_sums import Sums, add, ratio, with_computed_at
from .silver_common import UNKNOWN

# Encounters that did not (or did not really) happen are left out of every measure.
NOT_HELD = ("planned", "cancelled", "entered-in-error")
READMISSION_WINDOW = dt.timedelta(days=30)


def encounters_by_class_month(encounters: Iterable[dict[str, Any]]) -> Sums:
    """Held encounters per class code and start month; encounters without a start are not counted."""
    sums: Sums = {}
    for encounter in encounters:
        if encounter["status"] not in NOT_HELD and encounter["period_start_month"] != UNKNOWN:
            add(sums, (encounter["class_code"], encounter["period_start_month"]), 1)
    return sums


def encounters_by_class_month_rows(sums: Sums, computed_at: dt.datetime) -> list[dict[str, Any]]:
    rows = [{"encounter_class": key[0], "period_month": key[1], "encounter_count": int(values[0])} for key, values in sorted(sums.items())]
    return with_computed_at(rows, computed_at)


def average_length_of_stay(encounters: Iterable[dict[str, Any]]) -> Sums:
    """Finished encounters with a start and an end, per class and discharge (end) month:
    (discharges, total length of stay in days)."""
    sums: Sums = {}
    for encounter in encounters:
        if encounter["status"] == "finished" and encounter["length_of_stay_days"] is not None:
            add(sums, (encounter["class_code"], month_of(encounter["period_end"])), 1, encounter["length_of_stay_days"])
    return sums


def average_length_of_stay_rows(sums: Sums, computed_at: dt.datetime) -> list[dict[str, Any]]:
    rows = [
        {
            "encounter_class": key[0],
            "discharge_month": key[1],
            "discharges": int(discharges),
            "total_length_of_stay_days": int(days),
            "average_length_of_stay_days": ratio(days, discharges, 2),
        }
        for key, (discharges, days) in sorted(sums.items())
    ]
    return with_computed_at(rows, computed_at)


def readmission_rate_30d(encounters: Iterable[dict[str, Any]]) -> Sums:
    """Per discharge month: (index admissions, index admissions followed by a readmission).

    An index admission is a finished inpatient encounter with an end. It is readmitted when another
    held inpatient encounter of the same patient starts after its end and at most 30 days later.
    Encounters are grouped by patient here, so the job may call this once per patient.
    """
    stays_by_patient: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for encounter in encounters:
        if encounter["is_inpatient"] and encounter["status"] not in NOT_HELD and encounter["period_start"] is not None:
            stays_by_patient[encounter["patient_id"]].append(encounter)
    sums: Sums = {}
    for stays in stays_by_patient.values():
        for index in stays:
            if index["status"] != "finished" or index["period_end"] is None:
                continue
            discharge = as_utc(index["period_end"])
            readmitted = any(
                other is not index and dt.timedelta(0) < as_utc(other["period_start"]) - discharge <= READMISSION_WINDOW for other in stays
            )
            add(sums, (month_of(discharge),), 1, 1 if readmitted else 0)
    return sums


def readmission_rate_30d_rows(sums: Sums, computed_at: dt.datetime) -> list[dict[str, Any]]:
    rows = [
        {
            "discharge_month": key[0],
            "index_admissions": int(admissions),
            "readmissions_30d": int(readmissions),
            "readmission_rate": ratio(readmissions, admissions, 4),
        }
        for key, (admissions, readmissions) in sorted(sums.items())
    ]
    return with_computed_at(rows, computed_at)

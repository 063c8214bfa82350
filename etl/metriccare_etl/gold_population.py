"""Gold measures over patients: condition prevalence and patients by age band and gender."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .gold_sums import Sums, add, ratio, with_computed_at

# Conditions that were ruled out or recorded by mistake do not make a patient a case.
NOT_A_CASE = ("refuted", "entered-in-error")
_PATIENTS, _CODE, _DISPLAY = "patients", "code", "display"


def condition_prevalence(patients: Iterable[dict[str, Any]], conditions: Iterable[dict[str, Any]]) -> Sums:
    """Distinct patients per (code system, code) among the Silver patients, plus the patient total.

    Conditions of patients missing from Silver `patient` are left out, so prevalence stays a share of
    a known population. Groups by patient internally, so the job may call it once per patient.
    """
    patient_ids = {patient["id"] for patient in patients}
    sums: Sums = {(_PATIENTS,): [len(patient_ids)]}
    cases = set()
    for condition in conditions:
        if condition["patient_id"] not in patient_ids or condition["verification_status"] in NOT_A_CASE:
            continue
        system, code = condition["code_system"], condition["code"]
        add(sums, (_DISPLAY, system, code, condition["code_display"] or ""), 1)
        if (condition["patient_id"], system, code) not in cases:
            cases.add((condition["patient_id"], system, code))
            add(sums, (_CODE, system, code), 1)
    return sums


def condition_prevalence_rows(sums: Sums, computed_at: dt.datetime) -> list[dict[str, Any]]:
    """Prevalence = patients with the code / all patients, 4 decimals. The display shown is the one
    most conditions used (ties to the alphabetically first), as sources word one code differently."""
    total = int(sums.get((_PATIENTS,), [0])[0])
    displays: dict[tuple, tuple] = {}
    for key, (count,) in sums.items():
        if key[0] == _DISPLAY and key[3]:
            candidate = (-count, key[3])
            displays[key[1:3]] = min(displays.get(key[1:3], candidate), candidate)
    rows = [
        {
            "code_system": key[1],
            "code": key[2],
            "code_display": displays[key[1:3]][1] if key[1:3] in displays else None,
            "patient_count": int(count),
            "total_patients": total,
            "prevalence": ratio(count, total, 4),
        }
        for key, (count,) in sorted(sums.items())
        if key[0] == _CODE
    ]
    return with_computed_at(rows, computed_at)


def patients_by_age_band_gender(patients: Iterable[dict[str, Any]]) -> Sums:
    """Patients per Silver age band and gender (`unknown` when either is not recorded)."""
    sums: Sums = {}
    for patient in patients:
        add(sums, (patient["age_band"], patient["gender"]), 1)
    return sums


def patients_by_age_band_gender_rows(sums: Sums, computed_at: dt.datetime) -> list[dict[str, Any]]:
    rows = [{"age_band": key[0], "gender": key[1], "patient_count": int(values[0])} for key, values in sorted(sums.items())]
    return with_computed_at(rows, computed_at)

"""Silver `encounter`: class, type, period, length of stay and the patient it belongs to."""

import datetime as dt
import json
from typing import Any

from .fhir_time import month_of
from .silver_common import UNKNOWN, Flattened, Rejection, coding_of, fhir_datetime, first_concept, last_updated, lineage, patient_reference

STATUSES = ("planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown")
# v3 ActCode classes of a stay in a bed: inpatient, inpatient acute, inpatient non-acute.
INPATIENT_CLASSES = ("IMP", "ACUTE", "NONAC")


def flatten_encounter(resource: dict[str, Any], bronze_row: dict[str, Any], processed_at: dt.datetime) -> Flattened:
    """Length of stay is counted two ways: calendar days between the start and end dates (a same-day
    visit is 0, as CMS counts inpatient days) and elapsed hours."""
    rejections: list[Rejection] = []
    status = resource.get("status")
    if status is None:
        rejections.append(Rejection("missing_status", "status is missing"))
    elif status not in STATUSES:
        rejections.append(Rejection("invalid_status", f"status {json.dumps(status)} is not one of {', '.join(STATUSES)}"))
    # R4 `class` is one Coding; R5 made it a list of CodeableConcepts.
    class_system, class_code, class_display = coding_of(first_concept(resource.get("class")))
    if class_code is None:
        rejections.append(Rejection("missing_class", "class has no code"))
    patient_id, patient_text = patient_reference(resource, "subject", rejections)
    period = resource.get("period") or resource.get("actualPeriod") or {}
    if not isinstance(period, dict):
        period = {}
    start = fhir_datetime(period.get("start"), "period.start", "invalid_period", rejections)
    end = fhir_datetime(period.get("end"), "period.end", "invalid_period", rejections)
    if start and end and end < start:
        rejections.append(Rejection("period_end_before_start", f"period.end {period['end']} is before period.start {period['start']}"))
    if rejections:
        return Flattened(None, rejections)
    type_system, type_code, type_display = coding_of(first_concept(resource.get("type")))
    finished_stay = start is not None and end is not None
    row = {
        "id": bronze_row["id"],
        "last_updated": last_updated(bronze_row),
        "status": status,
        "class_system": class_system,
        "class_code": class_code,
        "class_display": class_display,
        "type_system": type_system,
        "type_code": type_code,
        "type_display": type_display,
        "patient_id": patient_id,
        "patient_reference": patient_text,
        "period_start": start,
        "period_end": end,
        "period_start_month": month_of(start) or UNKNOWN,
        "length_of_stay_days": (end.date() - start.date()).days if finished_stay else None,
        "length_of_stay_hours": round((end - start).total_seconds() / 3600, 2) if finished_stay else None,
        "is_inpatient": class_code in INPATIENT_CLASSES,
        **lineage(bronze_row, processed_at),
    }
    return Flattened(row, [])

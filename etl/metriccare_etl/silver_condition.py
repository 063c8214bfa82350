"""Silver `condition`: code, statuses, onset and the patient and encounter it belongs to."""

import datetime as dt
import json
from typing import Any

from .fhir_time import month_of
from .references import reference_id
from .silver_common import UNKNOWN, Flattened, Rejection, coding_of, fhir_datetime, first_concept, last_updated, lineage, patient_reference

CLINICAL_STATUSES = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
VERIFICATION_STATUSES = ("unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error")


def flatten_condition(resource: dict[str, Any], bronze_row: dict[str, Any], processed_at: dt.datetime) -> Flattened:
    """Onset is `onsetDateTime` or `onsetPeriod.start`; `onsetAge` and `onsetString` carry no date and
    leave it empty. A code needs a system: a bare code cannot be compared across sources."""
    rejections: list[Rejection] = []
    code_system, code, code_display = coding_of(resource.get("code"))
    if code is None or code_system is None:
        rejections.append(Rejection("missing_code", "code has no coding with both system and code"))
    clinical_status = _status(resource, "clinicalStatus", CLINICAL_STATUSES, "invalid_clinical_status", rejections)
    verification_status = _status(resource, "verificationStatus", VERIFICATION_STATUSES, "invalid_verification_status", rejections)
    patient_id, patient_text = patient_reference(resource, "subject", rejections)
    encounter = resource.get("encounter")
    encounter_text = encounter.get("reference") if isinstance(encounter, dict) else None
    encounter_id = reference_id(encounter, "Encounter") if encounter_text else None
    if encounter_text and encounter_id is None:
        rejections.append(
            Rejection("invalid_encounter_reference", f"encounter.reference {json.dumps(encounter_text)} is not an Encounter reference")
        )
    onset_text = resource.get("onsetDateTime") or _period_start(resource.get("onsetPeriod"))
    onset = fhir_datetime(onset_text, "onset", "invalid_onset", rejections)
    abatement_text = resource.get("abatementDateTime") or _period_start(resource.get("abatementPeriod"))
    abatement = fhir_datetime(abatement_text, "abatement", "invalid_abatement", rejections)
    if onset and abatement and abatement < onset:
        rejections.append(Rejection("abatement_before_onset", f"abatement {abatement_text} is before onset {onset_text}"))
    recorded = fhir_datetime(resource.get("recordedDate"), "recordedDate", "invalid_recorded_date", rejections)
    if rejections:
        return Flattened(None, rejections)
    _, category_code, _ = coding_of(first_concept(resource.get("category")))
    row = {
        "id": bronze_row["id"],
        "last_updated": last_updated(bronze_row),
        "clinical_status": clinical_status,
        "verification_status": verification_status,
        "category_code": category_code,
        "code_system": code_system,
        "code": code,
        "code_display": code_display,
        "patient_id": patient_id,
        "patient_reference": patient_text,
        "encounter_id": encounter_id,
        "encounter_reference": encounter_text,
        "onset_datetime": onset,
        "onset_month": month_of(onset) or UNKNOWN,
        "abatement_datetime": abatement,
        "recorded_date": recorded.date() if recorded else None,
        **lineage(bronze_row, processed_at),
    }
    return Flattened(row, [])


def _status(resource: dict[str, Any], element: str, allowed: tuple, code: str, rejections: list[Rejection]) -> str | None:
    """The code of an optional status CodeableConcept, which must be one of `allowed` when present."""
    if resource.get(element) is None:
        return None
    _, value, _ = coding_of(resource[element])
    if value not in allowed:
        rejections.append(Rejection(code, f"{element} {json.dumps(value)} is not one of {', '.join(allowed)}"))
    return value


def _period_start(period: Any) -> Any:
    return period.get("start") if isinstance(period, dict) else None

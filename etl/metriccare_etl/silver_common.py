"""Helpers every Silver flattener shares: codings, references, ages, lineage and rejection rows."""

import datetime as dt
import json
from typing import Any, NamedTuple

from .fhir_time import as_utc, parse_fhir_datetime
from .references import reference_id

UNKNOWN = "unknown"
# CMS reporting bands; 65+ is split because Medicare populations dominate it.
AGE_BANDS: tuple[tuple[int, str], ...] = ((18, "0-17"), (35, "18-34"), (50, "35-49"), (65, "50-64"), (75, "65-74"), (85, "75-84"))
OLDEST_BAND = "85+"


class Rejection(NamedTuple):
    """Why a record cannot enter Silver: a stable `code` to group by and a `detail` for a person."""

    code: str
    detail: str


class Flattened(NamedTuple):
    """A Silver row, or the reasons there is none."""

    row: dict[str, Any] | None
    rejections: list[Rejection]


def coding_of(concept: Any) -> tuple[str | None, str | None, str | None]:
    """(system, code, display) of the first coding that has a code, preferring one with a system.

    Accepts a CodeableConcept or a bare Coding (R4 `Encounter.class` is a Coding).
    """
    if not isinstance(concept, dict):
        return None, None, None
    codings = objects_in(concept.get("coding")) if "coding" in concept else [concept]
    usable = [coding for coding in codings if isinstance(coding.get("code"), str)]
    usable.sort(key=lambda coding: not isinstance(coding.get("system"), str))
    if not usable:
        return None, None, None
    coding = usable[0]
    display = coding.get("display") or concept.get("text")
    return text_or_none(coding.get("system")), coding["code"], text_or_none(display)


def first_concept(value: Any) -> Any:
    """The first CodeableConcept of a list (`Encounter.type`, `Condition.category`), or the value itself."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def patient_reference(resource: dict[str, Any], element: str, rejections: list[Rejection]) -> tuple[str | None, str | None]:
    """(patient id, reference text) of a required Patient reference, adding a rejection when unusable."""
    value = resource.get(element)
    text = value.get("reference") if isinstance(value, dict) else None
    if not text:
        rejections.append(Rejection("missing_patient_reference", f"{element}.reference is missing"))
        return None, None
    patient_id = reference_id(value, "Patient")
    if patient_id is None:
        rejections.append(Rejection("invalid_patient_reference", f"{element}.reference {json.dumps(text)} is not a Patient reference"))
    return patient_id, text


def fhir_datetime(value: Any, element: str, code: str, rejections: list[Rejection]) -> dt.datetime | None:
    """A parsed date/time, or None; a present but unparseable value adds a rejection with `code`."""
    if value is None:
        return None
    parsed = parse_fhir_datetime(value)
    if parsed is None:
        rejections.append(Rejection(code, f"{element} {json.dumps(value)} is not a FHIR date/dateTime"))
    return parsed


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Completed years between two dates."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for upper, band in AGE_BANDS:
        if age < upper:
            return band
    return OLDEST_BAND


def last_updated(bronze_row: dict[str, Any]) -> dt.datetime:
    """Bronze's normalised `meta.lastUpdated` (always set there) as a datetime."""
    return parse_fhir_datetime(bronze_row["meta"]["lastUpdated"])


def lineage(bronze_row: dict[str, Any], processed_at: dt.datetime) -> dict[str, Any]:
    return {"source_object": bronze_row["source_object"], "record_hash": bronze_row["record_hash"], "processed_at": as_utc(processed_at)}


def quarantine_row(bronze_row: dict[str, Any], rejections: list[Rejection], quarantined_at: dt.datetime) -> dict[str, Any]:
    """The row of a `<table>_quarantine` table: the whole resource, the first reason code to partition
    by and every reason in `reasons` (a JSON list of {code, detail})."""
    return {
        "record_hash": bronze_row["record_hash"],
        "id": bronze_row["id"],
        "resource_type": bronze_row["resource_type"],
        "last_updated": last_updated(bronze_row),
        "reason_code": rejections[0].code,
        "reasons": json.dumps([rejection._asdict() for rejection in rejections]),
        "resource_json": bronze_row["resource_json"],
        "source_object": bronze_row["source_object"],
        "quarantined_at": as_utc(quarantined_at),
    }


def objects_in(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list element (`name`, `address`, `coding`); none when it is not a list,
    so a malformed element is skipped instead of failing the whole Silver run."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def text_or_none(value: Any) -> str | None:
    """A non-empty string, or None for anything else (FHIR has no empty strings)."""
    return value if isinstance(value, str) and value else None

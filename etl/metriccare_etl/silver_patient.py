"""Silver `patient`: demographics with an age band."""

import datetime as dt
import json
from typing import Any

from .silver_common import (
    UNKNOWN,
    Flattened,
    Rejection,
    age_band,
    age_on,
    coding_of,
    fhir_datetime,
    last_updated,
    lineage,
    objects_in,
    text_or_none,
)

GENDERS = ("male", "female", "other", "unknown")


def flatten_patient(resource: dict[str, Any], bronze_row: dict[str, Any], processed_at: dt.datetime) -> Flattened:
    """Age is in completed years on the processing date, or on the date of death; partial birth
    dates (`1980`, `1980-05`) count from the first day of their period."""
    rejections: list[Rejection] = []
    gender = resource.get("gender", UNKNOWN)
    if gender not in GENDERS:
        rejections.append(Rejection("invalid_gender", f"gender {json.dumps(gender)} is not one of {', '.join(GENDERS)}"))
    birth = fhir_datetime(resource.get("birthDate"), "birthDate", "invalid_birth_date", rejections)
    birth_date = birth.date() if birth else None
    today = processed_at.date()
    if birth_date and birth_date > today:
        rejections.append(Rejection("birth_date_in_future", f"birthDate {birth_date.isoformat()} is after {today.isoformat()}"))
    deceased = resource.get("deceasedBoolean")
    death = fhir_datetime(resource.get("deceasedDateTime"), "deceasedDateTime", "invalid_deceased_date", rejections)
    death_date = death.date() if death else None
    if death_date and birth_date and death_date < birth_date:
        rejections.append(
            Rejection("deceased_before_birth", f"deceasedDateTime {death_date.isoformat()} is before birthDate {birth_date.isoformat()}")
        )
    if rejections:
        return Flattened(None, rejections)
    age = age_on(birth_date, death_date or today) if birth_date else None
    name = _official_name(resource.get("name"))
    address = _home_address(resource.get("address"))
    _, marital_code, _ = coding_of(resource.get("maritalStatus"))
    active = resource.get("active")
    row = {
        "id": bronze_row["id"],
        "last_updated": last_updated(bronze_row),
        "active": active if isinstance(active, bool) else None,
        "family_name": text_or_none(name.get("family")),
        "given_name": " ".join(given for given in _list(name.get("given")) if isinstance(given, str)) or None,
        "gender": gender,
        "birth_date": birth_date,
        "age": age,
        "age_band": age_band(age),
        "deceased": bool(death_date) or deceased is True,
        "deceased_date": death_date,
        "marital_status": marital_code,
        "city": text_or_none(address.get("city")),
        "state": text_or_none(address.get("state")),
        "postal_code": text_or_none(address.get("postalCode")),
        "country": text_or_none(address.get("country")),
        **lineage(bronze_row, processed_at),
    }
    return Flattened(row, [])


def _official_name(names: Any) -> dict[str, Any]:
    candidates = objects_in(names)
    for name in candidates:
        if name.get("use") == "official":
            return name
    return candidates[0] if candidates else {}


def _home_address(addresses: Any) -> dict[str, Any]:
    candidates = objects_in(addresses)
    for address in candidates:
        if address.get("use") == "home":
            return address
    return candidates[0] if candidates else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []

"""FHIR date, dateTime and instant parsing (Bronze's `meta.lastUpdated`), and the jobs' UTC clock.

Python's `datetime.fromisoformat` rejects the partial dates FHIR allows (`1980`, `1980-05`), so the
formats FHIR allows are parsed here with one regular expression.

Leap seconds (etl/README.md, "Leap seconds"): R4's dateTime and instant allow second 60, which neither
Python nor Spark can hold; `LEAP_SECOND` rewrites it to the last microsecond of second 59 before either
parses, so `23:59:60Z` is read as `23:59:59.999999Z` and keeps its order and calendar date.
"""

import datetime as dt
import re

UTC = dt.UTC

# Second 60 of a time, with any fraction: group 1 is the time up to the minute. Silver's Spark columns
# (`fhir.columns`) apply the same pattern, so Bronze and Silver read a leap second alike.
LEAP_SECOND = r"(T\d{2}:\d{2}):60(?:\.\d+)?"
LAST_MICROSECOND = ":59.999999"

_FHIR_DATETIME = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def parse_fhir_datetime(value: object) -> dt.datetime | None:
    """Parses a FHIR date, dateTime or instant into an aware UTC datetime, or None if it is not one.

    Partial dates are anchored at the first instant of their period (`1980` is 1980-01-01T00:00Z);
    a time without offset is read as UTC, the only reading that does not depend on the machine; a leap
    second is the last microsecond of second 59 (`without_leap_second`).
    """
    if not isinstance(value, str):
        return None
    match = _FHIR_DATETIME.match(without_leap_second(value.strip()))
    if not match:
        return None
    parts = match.groupdict()
    fraction = (parts["fraction"] or "0")[:6].ljust(6, "0")
    try:
        parsed = dt.datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=_offset(parts["tz"]),
        )
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def without_leap_second(text: str) -> str:
    """`text` with a second 60 (and its fraction) rewritten to `:59.999999`; any other text unchanged."""
    return re.sub(LEAP_SECOND, lambda match: match.group(1) + LAST_MICROSECOND, text, count=1)


def format_instant(value: dt.datetime) -> str:
    """Fixed-width UTC text (`2024-01-31T09:05:00.000000Z`): string order is then time order,
    which is what a Hudi precombine field compares."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalize_instant(value: object) -> str | None:
    """`format_instant` of a FHIR instant given as text, or None when the text is not a date/time."""
    parsed = parse_fhir_datetime(value)
    return format_instant(parsed) if parsed else None


def as_utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime; naive values are UTC already (Spark hands back naive session-time values
    and the jobs pin the session time zone to UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def _offset(text: str | None) -> dt.timezone:
    if not text or text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))

"""FHIR values as Spark column expressions: dates, instants, codings, JSON-polymorphic elements (references: `references`).

Silver reads each resource with `from_json` and an explicit schema. Elements whose JSON shape varies
(a Coding in R4, a list of CodeableConcepts in R5; an object where a string was expected) are read as
`string` first, which Spark fills with the element's raw JSON text, and parsed again here: a value of an
unexpected shape then becomes null instead of nulling the whole resource.
"""

from pyspark.sql import Column
from pyspark.sql import functions as F

from .time import LAST_MICROSECOND, LEAP_SECOND

# FHIR date, dateTime and instant (https://hl7.org/fhir/R4/datatypes.html#dateTime): partial dates, and
# a time with an optional offset; seconds are optional here, as some sources leave them out.
FHIR_DATETIME_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?)?)?)?$"
CODING_SCHEMA = "system string, code string, display string"
CONCEPT_SCHEMA = f"coding array<struct<{CODING_SCHEMA}>>, text string, {CODING_SCHEMA}"
PERIOD_SCHEMA = "start string, end string"
# Characters of the calendar part of a date/dateTime: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (a time adds more).
_DAY_WIDTH = 10


def is_fhir_datetime(text: Column) -> Column:
    """Whether a string is a FHIR date/dateTime/instant of a real calendar day (2024-02-30 is not) that
    reads as an instant too: a value is either read whole or rejected, never half-parsed."""
    return text.rlike(FHIR_DATETIME_PATTERN) & fhir_local_date(text).isNotNull() & fhir_instant(text).isNotNull()


def fhir_instant(text: Column) -> Column:
    """The UTC timestamp of a FHIR date/dateTime; a time without offset is UTC (the session zone, pinned
    to UTC by the jobs); a partial date is the first instant of its period; a leap second is the last
    microsecond of second 59 (`fhir.time.LEAP_SECOND`, the rule Bronze applies). Null when not FHIR."""
    readable = F.regexp_replace(text, LEAP_SECOND, "$1" + LAST_MICROSECOND)
    with_seconds = F.regexp_replace(readable, r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?=Z|[+-]|$)", "$1:00")
    return F.when(text.rlike(FHIR_DATETIME_PATTERN), with_seconds.cast("timestamp"))


def fhir_local_date(text: Column) -> Column:
    """The calendar date of a FHIR date/dateTime in its own offset: the date the text itself names
    (`2024-01-31T21:00:00-05:00` is 2024-01-31, though it is February in UTC); `1980` is 1980-01-01."""
    return F.when(text.rlike(FHIR_DATETIME_PATTERN), F.substring(text, 1, _DAY_WIDTH).cast("date"))


def has_time(text: Column) -> Column:
    """Whether a FHIR date/dateTime names a time of day, not only a year, month or day."""
    return F.length(text) > _DAY_WIDTH


def known_to_the_day(text: Column) -> Column:
    """Whether a FHIR date/dateTime names a calendar day (`2024-02-10`, or a time), not a year or month."""
    return F.length(text) >= _DAY_WIDTH


def ends_before(end_text: Column, start_text: Column) -> Column:
    """Whether the period a FHIR date/dateTime `end_text` names lies wholly before the one `start_text`
    names (etl/README.md, "Partial dates"): two values with a time compare as instants; otherwise both
    compare at the coarser precision of the two on the calendar values they name, so `2020` does not
    end before `2020-06-15`, nor `2024-02-10` before `2024-02-10T10:00:00+01:00`. Null unless both are FHIR."""
    width = F.least(F.least(F.length(end_text), F.length(start_text)), F.lit(_DAY_WIDTH))
    calendar_order = end_text.substr(F.lit(1), width) < start_text.substr(F.lit(1), width)
    return F.when(
        is_fhir_datetime(end_text) & is_fhir_datetime(start_text),
        F.when(has_time(end_text) & has_time(start_text), fhir_instant(end_text) < fhir_instant(start_text)).otherwise(calendar_order),
    )


def not_before(date: Column, earliest: Column) -> Column:
    """`date`, or `earliest` when `date` is before it; null when `date` is: the first day of a partial
    value's period that is consistent with the value it follows (a death not before the birth)."""
    return F.when(date.isNotNull(), F.greatest(date, earliest))


def month_text(date: Column) -> Column:
    """`YYYY-MM` of a date, the month key of partitions and Gold measures."""
    return F.date_format(date, "yyyy-MM")


def first_element(raw: Column) -> Column:
    """The first element's JSON text of a JSON list, or the text itself when it is not a list."""
    return F.when(F.ltrim(raw).startswith("["), F.get(F.from_json(raw, "array<string>"), 0)).otherwise(raw)


def coding(raw_concept: Column) -> Column:
    """struct(system, code, display) of a CodeableConcept's (or a bare Coding's) JSON text: the first
    coding with a code, preferring one with a system; display falls back to the concept's text."""
    concept = F.from_json(raw_concept, CONCEPT_SCHEMA)
    codings = F.when(concept["coding"].isNotNull(), concept["coding"]).otherwise(
        F.array(F.struct(concept["system"].alias("system"), concept["code"].alias("code"), concept["display"].alias("display")))
    )
    usable = F.filter(codings, lambda item: item["code"].isNotNull() & (item["code"] != ""))
    chosen = F.coalesce(F.get(F.filter(usable, lambda item: item["system"].isNotNull()), 0), F.get(usable, 0))
    return F.struct(
        non_empty(chosen["system"]).alias("system"),
        chosen["code"].alias("code"),
        non_empty(F.coalesce(non_empty(chosen["display"]), concept["text"])).alias("display"),
    )


def non_empty(text: Column) -> Column:
    """A non-empty string, or null (FHIR has no empty strings)."""
    return F.when(text != "", text)


def json_quoted(text: Column) -> Column:
    """The value as `json.dumps` would show a string (`"abc"`), `null` when absent: for rejection details."""
    escaped = F.regexp_replace(text, r"([\"\\])", r"\\$1")
    return F.when(text.isNull(), F.lit("null")).otherwise(F.concat(F.lit('"'), escaped, F.lit('"')))

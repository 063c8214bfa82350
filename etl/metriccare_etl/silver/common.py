"""What every Silver table shares: the latest Bronze version per id, rejections, lineage, age bands."""

import datetime as dt

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from ..fhir.columns import ends_before, fhir_instant, is_fhir_datetime, json_quoted
from ..fhir.references import SUBJECT_FORMS, is_empty_reference, refers_to_patient_or_group

UNKNOWN = "unknown"
# CMS reporting bands; 65+ is split because Medicare populations dominate it.
AGE_BANDS: tuple[tuple[int, str], ...] = ((18, "0-17"), (35, "18-34"), (50, "35-49"), (65, "50-64"), (75, "65-74"), (85, "75-84"))
OLDEST_BAND = "85+"
REJECTIONS = "rejections"
REJECTION_TYPE = "array<struct<code:string,detail:string>>"


def latest_per_id(bronze: DataFrame) -> DataFrame:
    """One Bronze row per id: the latest `meta.lastUpdated`, ties to the greater `record_hash`, so the
    winner does not depend on the order Spark read the rows in."""
    order = Window.partitionBy("id").orderBy(F.col("meta.lastUpdated").desc(), F.col("record_hash").desc())
    return bronze.withColumn("_rank", F.row_number().over(order)).filter(F.col("_rank") == 1).drop("_rank")


def rejection(condition: Column, code: str, detail: Column) -> Column:
    """A {code, detail} struct when `condition` holds, else null (dropped by `rejections`)."""
    return F.when(condition, F.struct(F.lit(code).alias("code"), detail.alias("detail")))


def rejections(*candidates: Column) -> Column:
    """The non-null rejections, in the order given (the first one is the quarantine partition)."""
    return F.filter(F.array(*candidates), lambda item: item.isNotNull()).cast(REJECTION_TYPE).alias(REJECTIONS)


def invalid_datetime(text: Column, element: str, code: str) -> Column:
    """A rejection for a present value that is not a FHIR date/dateTime."""
    return rejection(
        text.isNotNull() & ~F.coalesce(is_fhir_datetime(text), F.lit(False)),
        code,
        F.concat(F.lit(f"{element} "), json_quoted(text), F.lit(" is not a FHIR date/dateTime")),
    )


def subject_rejections(raw_subject: Column, subject_text: Column, *, required: bool) -> list[Column]:
    """R4's `subject` is Reference(Patient | Group), 1..1 on Condition and 0..1 on Encounter (`required`).
    A present `subject.reference` must be a literal reference to a Patient or a Group (or contained, or an
    OID); a subject by `identifier` or `display` alone, or a Group, is valid R4 and kept, its patient unknown."""
    candidates = [
        rejection(
            subject_text.isNotNull() & ~refers_to_patient_or_group(raw_subject),
            "invalid_subject_reference",
            F.concat(
                F.lit("subject.reference "), json_quoted(subject_text), F.lit(f" is not a Patient or Group reference ({SUBJECT_FORMS})")
            ),
        )
    ]
    if required:
        missing = rejection(
            is_empty_reference(raw_subject),
            "missing_subject",
            F.lit("subject is missing: Condition.subject is required (1..1), a Patient or Group reference or an identifier"),
        )
        candidates.insert(0, missing)
    return candidates


def invalid_reference(text: Column, parsed_id: Column, element: str, expected: str, code: str) -> Column:
    """A rejection for a present reference (`text`) whose id could not be read as `expected` (`parsed_id` null)."""
    return rejection(
        text.isNotNull() & parsed_id.isNull(),
        code,
        F.concat(F.lit(f"{element} "), json_quoted(text), F.lit(f" is not {expected}")),
    )


def ends_before_start(start_text: Column, end_text: Column, start_element: str, end_element: str, code: str) -> Column:
    """A rejection when both dates/dateTimes are FHIR and the end's period lies wholly before the start's
    (`fhir.columns.ends_before`: partial dates are periods, a date-only end includes its whole day)."""
    return rejection(
        ends_before(end_text, start_text),
        code,
        F.concat(
            F.lit(f"{end_element} "),
            end_text,
            F.lit(f" is before {start_element} "),
            start_text,
            F.lit(" (the two periods cannot overlap)"),
        ),
    )


def age_on(birth_date: Column, on: Column) -> Column:
    """Completed years between two dates (a birthday not yet reached this year does not count)."""
    not_yet = (F.month(on) < F.month(birth_date)) | ((F.month(on) == F.month(birth_date)) & (F.dayofmonth(on) < F.dayofmonth(birth_date)))
    return (F.year(on) - F.year(birth_date) - F.when(not_yet, 1).otherwise(0)).cast("int")


def age_band(age: Column) -> Column:
    band = F.when(age.isNull(), F.lit(UNKNOWN))
    for upper, name in AGE_BANDS:
        band = band.when(age < upper, F.lit(name))
    return band.otherwise(F.lit(OLDEST_BAND))


def lineage(processed_at: dt.datetime) -> list[Column]:
    return [F.col("source_object"), F.col("record_hash"), F.lit(processed_at).cast("timestamp").alias("processed_at")]


def last_updated() -> Column:
    """Bronze's normalised `meta.lastUpdated` (fixed-width UTC text, always set) as a timestamp."""
    return fhir_instant(F.col("meta.lastUpdated")).alias("last_updated")

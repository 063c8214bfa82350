"""Silver `encounter`: class, type, period (UTC instants and local dates), length of stay, discharge disposition."""

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..fhir.columns import (
    PERIOD_SCHEMA,
    coding,
    fhir_instant,
    fhir_local_date,
    first_element,
    has_time,
    is_fhir_datetime,
    json_quoted,
    known_to_the_day,
    month_text,
    not_before,
)
from ..fhir.references import reference_id, reference_text
from .common import (
    UNKNOWN,
    ends_before_start,
    invalid_datetime,
    last_updated,
    lineage,
    rejection,
    rejections,
    subject_rejections,
)

STATUSES = ("planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown")
# v3 ActCode classes of a stay in a bed: inpatient, inpatient acute, inpatient non-acute.
INPATIENT_CLASSES = ("IMP", "ACUTE", "NONAC")
# Top-level elements read, as raw JSON text where the shape varies between R4 and R5.
RESOURCE_SCHEMA = (
    "resourceType string, status string, class string, type string, subject string, period string, actualPeriod string, "
    "hospitalization struct<dischargeDisposition:string>, admission struct<dischargeDisposition:string>"
)


def flatten_encounters(bronze: DataFrame, processed_at: dt.datetime) -> DataFrame:
    """Bronze encounter rows (one per id) → Silver encounter columns plus `rejections`.

    Input: the Bronze columns. Output: `schemas.SILVER_ENCOUNTER_COLUMNS` + `rejections` + `resource_json` (for quarantine)
    (array<struct<code, detail>>, empty for a valid row). Length of stay is counted two ways:
    local calendar days between the start and end dates (a same-day stay is 0), when both name a day, and
    elapsed hours, when both name a time. A date-only end includes its whole day, a partial one counts from
    its first day but never before the start (etl/README.md, "Partial dates"). Without a literal Patient
    reference (R4's subject is 0..1 and may be logical or a Group) `patient_id` is null: patient unknown.
    """
    resource = F.from_json("resource_json", RESOURCE_SCHEMA)
    parsed = bronze.select(
        "*",
        resource["status"].alias("_status"),
        # R4 `class` is one Coding; R5 made it a list of CodeableConcepts.
        coding(first_element(resource["class"])).alias("_class"),
        coding(first_element(resource["type"])).alias("_type"),
        resource["subject"].alias("_subject"),
        F.from_json(F.coalesce(resource["period"], resource["actualPeriod"]), PERIOD_SCHEMA).alias("_period"),
        # R4 `hospitalization`, R5 `admission`.
        coding(F.coalesce(resource["hospitalization"]["dischargeDisposition"], resource["admission"]["dischargeDisposition"])).alias(
            "_disposition"
        ),
    )
    start_text, end_text = F.col("_period.start"), F.col("_period.end")
    start, end = fhir_instant(start_text), fhir_instant(end_text)
    start_date = fhir_local_date(start_text)
    end_date = not_before(fhir_local_date(end_text), start_date)
    status, class_code = F.col("_status"), F.col("_class.code")
    patient_text = reference_text(F.col("_subject"))
    patient_id = reference_id(F.col("_subject"), "Patient")
    days_known = is_fhir_datetime(start_text) & is_fhir_datetime(end_text) & known_to_the_day(start_text) & known_to_the_day(end_text)
    hours_known = is_fhir_datetime(start_text) & is_fhir_datetime(end_text) & has_time(start_text) & has_time(end_text)
    return parsed.select(
        F.col("id"),
        last_updated(),
        status.alias("status"),
        F.col("_class.system").alias("class_system"),
        class_code.alias("class_code"),
        F.col("_class.display").alias("class_display"),
        F.col("_type.system").alias("type_system"),
        F.col("_type.code").alias("type_code"),
        F.col("_type.display").alias("type_display"),
        patient_id.alias("patient_id"),
        patient_text.alias("patient_reference"),
        start.alias("period_start"),
        end.alias("period_end"),
        F.coalesce(month_text(start_date), F.lit(UNKNOWN)).alias("period_start_month"),
        F.when(days_known, F.datediff(end_date, start_date)).cast("int").alias("length_of_stay_days"),
        F.when(hours_known, F.round((end.cast("double") - start.cast("double")) / 3600, 2)).alias("length_of_stay_hours"),
        F.coalesce(class_code.isin(*INPATIENT_CLASSES), F.lit(False)).alias("is_inpatient"),
        start_date.alias("period_start_date"),
        end_date.alias("period_end_date"),
        F.col("_disposition.code").alias("discharge_disposition"),
        *lineage(processed_at),
        F.col("resource_json"),
        rejections(
            rejection(status.isNull(), "missing_status", F.lit("status is missing")),
            rejection(
                status.isNotNull() & ~status.isin(*STATUSES),
                "invalid_status",
                F.concat(F.lit("status "), json_quoted(status), F.lit(f" is not one of {', '.join(STATUSES)}")),
            ),
            rejection(class_code.isNull(), "missing_class", F.lit("class has no code")),
            *subject_rejections(F.col("_subject"), patient_text, required=False),
            invalid_datetime(start_text, "period.start", "invalid_period"),
            invalid_datetime(end_text, "period.end", "invalid_period"),
            ends_before_start(start_text, end_text, "period.start", "period.end", "period_end_before_start"),
        ),
    )

"""Silver `condition`: code, statuses, onset and abatement (UTC instants and local dates), patient and encounter."""

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from ..fhir.columns import (
    PERIOD_SCHEMA,
    coding,
    fhir_instant,
    fhir_local_date,
    first_element,
    json_quoted,
    month_text,
    not_before,
)
from ..fhir.references import reference_id, reference_text
from .common import (
    UNKNOWN,
    ends_before_start,
    invalid_datetime,
    invalid_reference,
    last_updated,
    lineage,
    rejection,
    rejections,
    subject_rejections,
)

CLINICAL_STATUSES = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
VERIFICATION_STATUSES = ("unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error")
RESOURCE_SCHEMA = (
    "resourceType string, code string, clinicalStatus string, verificationStatus string, category string, subject string, "
    "encounter string, onsetDateTime string, onsetPeriod string, abatementDateTime string, abatementPeriod string, recordedDate string"
)


def flatten_conditions(bronze: DataFrame, processed_at: dt.datetime) -> DataFrame:
    """Bronze condition rows (one per id) → `schemas.SILVER_CONDITION_COLUMNS` + `rejections` + `resource_json` (for quarantine).

    Onset is `onsetDateTime` or `onsetPeriod.start`; `onsetAge` and `onsetString` carry no date and
    leave it empty (abatement likewise). An abatement never counts from before the onset (etl/README.md,
    "Partial dates"). `Condition.code` is 0..1 and may be text alone: such a condition is kept without a
    code (a bare code keeps its code without a system); Gold's prevalence counts only a system and code.
    """
    resource = F.from_json("resource_json", RESOURCE_SCHEMA)
    parsed = bronze.select(
        "*",
        coding(resource["code"]).alias("_code"),
        resource["clinicalStatus"].alias("_clinical_raw"),
        coding(resource["clinicalStatus"])["code"].alias("_clinical"),
        resource["verificationStatus"].alias("_verification_raw"),
        coding(resource["verificationStatus"])["code"].alias("_verification"),
        coding(first_element(resource["category"]))["code"].alias("_category"),
        resource["subject"].alias("_subject"),
        resource["encounter"].alias("_encounter"),
        F.coalesce(resource["onsetDateTime"], F.from_json(resource["onsetPeriod"], PERIOD_SCHEMA)["start"]).alias("_onset"),
        F.coalesce(resource["abatementDateTime"], F.from_json(resource["abatementPeriod"], PERIOD_SCHEMA)["start"]).alias("_abatement"),
        resource["recordedDate"].alias("_recorded"),
    )
    onset_text, abatement_text, recorded_text = F.col("_onset"), F.col("_abatement"), F.col("_recorded")
    onset, abatement = fhir_instant(onset_text), fhir_instant(abatement_text)
    onset_date = fhir_local_date(onset_text)
    abatement_date = not_before(fhir_local_date(abatement_text), onset_date)
    patient_text, patient_id = reference_text(F.col("_subject")), reference_id(F.col("_subject"), "Patient")
    encounter_text, encounter_id = reference_text(F.col("_encounter")), reference_id(F.col("_encounter"), "Encounter")
    return parsed.select(
        F.col("id"),
        last_updated(),
        F.col("_clinical").alias("clinical_status"),
        F.col("_verification").alias("verification_status"),
        F.col("_category").alias("category_code"),
        F.col("_code.system").alias("code_system"),
        F.col("_code.code").alias("code"),
        F.col("_code.display").alias("code_display"),
        patient_id.alias("patient_id"),
        patient_text.alias("patient_reference"),
        encounter_id.alias("encounter_id"),
        encounter_text.alias("encounter_reference"),
        onset.alias("onset_datetime"),
        F.coalesce(month_text(onset_date), F.lit(UNKNOWN)).alias("onset_month"),
        abatement.alias("abatement_datetime"),
        fhir_local_date(recorded_text).alias("recorded_date"),
        onset_date.alias("onset_date"),
        abatement_date.alias("abatement_date"),
        *lineage(processed_at),
        F.col("resource_json"),
        rejections(
            _invalid_status(F.col("_clinical_raw"), F.col("_clinical"), "clinicalStatus", CLINICAL_STATUSES, "invalid_clinical_status"),
            _invalid_status(
                F.col("_verification_raw"),
                F.col("_verification"),
                "verificationStatus",
                VERIFICATION_STATUSES,
                "invalid_verification_status",
            ),
            *subject_rejections(F.col("_subject"), patient_text, required=True),
            invalid_reference(encounter_text, encounter_id, "encounter.reference", "an Encounter reference", "invalid_encounter_reference"),
            invalid_datetime(onset_text, "onset", "invalid_onset"),
            invalid_datetime(abatement_text, "abatement", "invalid_abatement"),
            ends_before_start(onset_text, abatement_text, "onset", "abatement", "abatement_before_onset"),
            invalid_datetime(recorded_text, "recordedDate", "invalid_recorded_date"),
        ),
    )


def _invalid_status(raw: Column, code: Column, element: str, allowed: tuple[str, ...], rejection_code: str) -> Column:
    """An optional status CodeableConcept must, when present, carry one of `allowed`."""
    return rejection(
        raw.isNotNull() & ~F.coalesce(code.isin(*allowed), F.lit(False)),
        rejection_code,
        F.concat(F.lit(f"{element} "), json_quoted(code), F.lit(f" is not one of {', '.join(allowed)}")),
    )

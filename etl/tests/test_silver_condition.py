"""Silver `condition` on the real Spark: code, statuses, local onset and abatement dates, validation."""

import datetime as dt

from metriccare_etl.schemas import SILVER_CONDITION_COLUMNS

from .gold_support import SNOMED, Flattened, naive_utc
from .support import bronze_rows_of_fixture


def condition(condition_id, **fields):
    resource = {
        "resourceType": "Condition",
        "id": condition_id,
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": SNOMED, "code": "38341003"}]},
    }
    resource.update(fields)
    return {key: value for key, value in resource.items() if value is not None}


def test_flattens_code_statuses_onset_and_references(spark):
    # Prepare
    bronze = bronze_rows_of_fixture("transaction_bundle.json")["condition"][0]
    resources = [
        condition("display", code={"text": "High blood pressure", "coding": [{"code": "HTN"}, {"system": SNOMED, "code": "38341003"}]}),
        condition("period", onsetPeriod={"start": "2020-02-10"}),
        condition("age", onsetAge={"value": 40, "unit": "a"}),
        condition("abated", onsetDateTime="2020-01-31T22:00:00-05:00", abatementDateTime="2020-03-01"),
    ]
    # Act
    flattened = Flattened(spark, "condition", resources, rows=[bronze])
    # Assess
    row = flattened.row(bronze["id"])
    assert flattened.columns == [column.name for column in SILVER_CONDITION_COLUMNS]
    assert (row["code_system"], row["code"], row["code_display"]) == (SNOMED, "233604007", "Pneumonia")
    assert (row["clinical_status"], row["verification_status"], row["category_code"]) == ("active", "confirmed", "encounter-diagnosis")
    assert (row["patient_id"], row["encounter_id"]) == ("6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30", "0b8e7c52-1d3f-4a6b-8c9d-7e2f1a3b5c4d")
    assert (row["onset_datetime"], row["onset_month"], row["recorded_date"]) == (naive_utc(2024, 4, 28), "2024-04", dt.date(2024, 4, 29))
    display = flattened.row("display")
    # A coding with a system wins over the bare code; the display falls back to the concept's text.
    assert (display["code_system"], display["code"], display["code_display"]) == (SNOMED, "38341003", "High blood pressure")
    assert (display["encounter_id"], display["encounter_reference"], display["clinical_status"]) == (None, None, None)
    assert flattened.row("period")["onset_month"] == "2020-02"
    assert (flattened.row("age")["onset_datetime"], flattened.row("age")["onset_month"]) == (None, "unknown")
    abated = flattened.row("abated")
    # Local onset date 2020-01-31 (February in UTC).
    assert (abated["onset_date"], abated["onset_month"], abated["onset_datetime"]) == (
        dt.date(2020, 1, 31),
        "2020-01",
        naive_utc(2020, 2, 1, 3),
    )
    assert (abated["abatement_datetime"], abated["abatement_date"]) == (naive_utc(2020, 3, 1), dt.date(2020, 3, 1))


def test_rejects_statuses_references_and_dates_outside_fhir(spark):
    # Prepare
    resources = [
        condition("cured", clinicalStatus={"coding": [{"code": "cured"}]}),
        condition("text-only", verificationStatus={"text": "confirmed"}),
        condition("no-subject", subject=None),
        condition("wrong-encounter", encounter={"reference": "Patient/p1"}),
        condition("spring", onsetDateTime="last spring"),
        condition("month-13", recordedDate="2024-13-01"),
        condition("backwards", onsetDateTime="2020-05-01", abatementDateTime="2020-04-01"),
    ]
    # Act
    flattened = Flattened(spark, "condition", resources)
    # Assess
    assert flattened.rows == {}
    assert {key: flattened.rejections(key) for key in flattened.quarantine} == {
        "cured": [
            ("invalid_clinical_status", 'clinicalStatus "cured" is not one of active, recurrence, relapse, inactive, remission, resolved')
        ],
        "text-only": [
            (
                "invalid_verification_status",
                "verificationStatus null is not one of unconfirmed, provisional, differential, confirmed, refuted, entered-in-error",
            )
        ],
        "no-subject": [
            ("missing_subject", "subject is missing: Condition.subject is required (1..1), a Patient or Group reference or an identifier")
        ],
        "wrong-encounter": [("invalid_encounter_reference", 'encounter.reference "Patient/p1" is not an Encounter reference')],
        "spring": [("invalid_onset", 'onset "last spring" is not a FHIR date/dateTime')],
        "month-13": [("invalid_recorded_date", 'recordedDate "2024-13-01" is not a FHIR date/dateTime')],
        "backwards": [("abatement_before_onset", "abatement 2020-04-01 is before onset 2020-05-01 (the two periods cannot overlap)")],
    }

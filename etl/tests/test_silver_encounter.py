"""Silver `encounter` on the real Spark: flattening, local dates and lengths of stay, validation."""

import datetime as dt

from metriccare_etl.schemas import SILVER_ENCOUNTER_COLUMNS

from .gold_support import Flattened, naive_utc
from .support import bronze_rows_of_fixture


def encounter(encounter_id="e1", **fields):
    resource = {
        "resourceType": "Encounter",
        "id": encounter_id,
        "status": "finished",
        "class": {"code": "AMB"},
        "subject": {"reference": "Patient/p1"},
    }
    resource.update(fields)
    return {key: value for key, value in resource.items() if value is not None}


def test_flattens_class_type_period_and_patient_of_a_bundle_entry(spark):
    # Prepare: the fixture's encounter references its patient by urn:uuid; 2024-04-28T22:15-04:00 to 2024-05-01T09:00-04:00.
    bronze = bronze_rows_of_fixture("transaction_bundle.json")["encounter"][0]
    # Act
    flattened = Flattened(spark, "encounter", rows=[bronze])
    # Assess
    row = flattened.row(bronze["id"])
    assert flattened.columns == [column.name for column in SILVER_ENCOUNTER_COLUMNS]
    assert (row["class_code"], row["class_display"], row["is_inpatient"]) == ("IMP", "inpatient encounter", True)
    assert (row["type_system"], row["type_code"], row["type_display"]) == ("http://snomed.info/sct", "32485007", "Hospital admission")
    assert (row["patient_id"], row["patient_reference"]) == (
        "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30",
        "urn:uuid:6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30",
    )
    assert (row["period_start"], row["period_end"]) == (naive_utc(2024, 4, 29, 2, 15), naive_utc(2024, 5, 1, 13, 0))
    # Local dates 04-28 → 05-01 (UTC would say 04-29): month 2024-04, 3 days; 58.75 elapsed hours.
    assert (row["period_start_date"], row["period_end_date"], row["period_start_month"]) == (
        dt.date(2024, 4, 28),
        dt.date(2024, 5, 1),
        "2024-04",
    )
    assert (row["length_of_stay_days"], row["length_of_stay_hours"]) == (3, 58.75)


def test_dates_and_lengths_of_stay_follow_the_values_own_offset(spark):
    # Prepare: the cases. 20:30-05:00 → next day 10:00-05:00 is 1 local day (0 by UTC dates);
    # 2024-01-31T21:00-05:00 is January locally (February in UTC); no offset is read as UTC.
    resources = [
        encounter("overnight", period={"start": "2024-01-01T20:30:00-05:00", "end": "2024-01-02T10:00:00-05:00"}),
        encounter("late-jan", period={"start": "2024-01-31T21:00:00-05:00", "end": "2024-01-31T23:00:00-05:00"}),
        encounter("no-offset", period={"start": "2024-03-01T23:30:00", "end": "2024-03-02T00:30:00"}),
        encounter("no-seconds", period={"start": "2024-03-05T08:00+01:00"}),
    ]
    # Act
    flattened = Flattened(spark, "encounter", resources)
    # Assess
    shape = {
        key: (row["period_start_month"], row["length_of_stay_days"], row["length_of_stay_hours"]) for key, row in flattened.rows.items()
    }
    assert shape == {
        "overnight": ("2024-01", 1, 13.5),
        "late-jan": ("2024-01", 0, 2.0),
        "no-offset": ("2024-03", 1, 1.0),
        "no-seconds": ("2024-03", None, None),
    }
    assert flattened.row("late-jan")["period_start"] == naive_utc(2024, 2, 1, 2, 0)
    assert flattened.row("no-seconds")["period_start"] == naive_utc(2024, 3, 5, 7, 0)


def test_reads_r5_class_lists_actual_period_absolute_references_and_disposition(spark):
    # Prepare
    r5 = encounter(
        "r5",
        **{
            "class": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER"}]}],
            "actualPeriod": {"start": "2024-03-01"},
            "subject": {"reference": "https://fhir.example.org/r4/Patient/p-77"},
            "admission": {"dischargeDisposition": {"coding": [{"code": "home"}]}},
        },
    )
    r4 = encounter("r4", status="planned", hospitalization={"dischargeDisposition": {"coding": [{"code": "exp"}]}})
    # Act
    flattened = Flattened(spark, "encounter", [r5, r4])
    # Assess
    row = flattened.row("r5")
    assert (row["class_code"], row["class_system"], row["period_start_month"]) == (
        "EMER",
        "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "2024-03",
    )
    assert (row["patient_id"], row["discharge_disposition"]) == ("p-77", "home")
    assert (flattened.row("r4")["period_start_month"], flattened.row("r4")["discharge_disposition"]) == ("unknown", "exp")


def test_rejects_missing_or_unknown_status_class_subject_and_periods(spark):
    # Prepare
    resources = [
        encounter("no-status", status=None),
        encounter("bad-status", status="done"),
        encounter("no-class", **{"class": {"display": "ambulatory"}}),
        encounter("practitioner", subject={"reference": "Practitioner/dr-1"}),
        encounter("yesterday", period={"start": "yesterday"}),
        encounter("backwards", period={"start": "2024-01-02T00:00:00Z", "end": "2024-01-01T00:00:00Z"}),
    ]
    # Act
    flattened = Flattened(spark, "encounter", resources)
    # Assess
    statuses = "planned, arrived, triaged, in-progress, onleave, finished, cancelled, entered-in-error, unknown"
    assert flattened.rows == {}
    assert {key: flattened.rejections(key) for key in flattened.quarantine} == {
        "no-status": [("missing_status", "status is missing")],
        "bad-status": [("invalid_status", f'status "done" is not one of {statuses}')],
        "no-class": [("missing_class", "class has no code")],
        "practitioner": [
            (
                "invalid_subject_reference",
                'subject.reference "Practitioner/dr-1" is not a Patient or Group reference '
                "(Patient/<id> or Group/<id>, either also as an absolute URL, urn:uuid:<id>, urn:oid:<oid> or #<contained id>)",
            )
        ],
        "yesterday": [("invalid_period", 'period.start "yesterday" is not a FHIR date/dateTime')],
        "backwards": [
            (
                "period_end_before_start",
                "period.end 2024-01-01T00:00:00Z is before period.start 2024-01-02T00:00:00Z (the two periods cannot overlap)",
            )
        ],
    }

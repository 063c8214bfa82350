"""Silver's split of Bronze rows on the real Spark: latest version per id, Silver or quarantine with every reason."""

import json

from metriccare_etl.schemas import SILVER_QUARANTINE_COLUMNS
from metriccare_etl.silver.split import split

from .gold_support import Flattened, bronze_frame, naive_utc
from .support import PROCESSED_AT, bronze_row


def versioned_patient(patient_id, last_updated, **fields):
    return bronze_row({"resourceType": "Patient", "id": patient_id, "meta": {"lastUpdated": last_updated}, **fields})


def test_an_invalid_resource_becomes_a_quarantine_row_with_every_reason(spark):
    # Prepare
    bronze = versioned_patient("p1", "2024-01-01T00:00:00Z", gender="F", birthDate="someday")
    # Act
    quarantine = split("patient", bronze_frame(spark, rows=[bronze]), PROCESSED_AT).quarantine
    # Assess
    (row,) = [row.asDict() for row in quarantine.collect()]
    assert quarantine.columns == [column.name for column in SILVER_QUARANTINE_COLUMNS]
    assert (row["record_hash"], row["id"], row["resource_type"], row["reason_code"]) == (
        bronze["record_hash"],
        "p1",
        "Patient",
        "invalid_gender",
    )
    assert json.loads(row["reasons"]) == [
        {"code": "invalid_gender", "detail": 'gender "F" is not one of male, female, other, unknown'},
        {"code": "invalid_birth_date", "detail": 'birthDate "someday" is not a FHIR date/dateTime'},
    ]
    assert (row["resource_json"], row["source_object"]) == (bronze["resource_json"], bronze["source_object"])
    assert (row["last_updated"], row["quarantined_at"]) == (naive_utc(2024, 1, 1), naive_utc(2025, 1, 15, 7))


def test_keeps_and_validates_only_the_latest_version_of_each_id(spark):
    # Prepare: three versions of p1, newest in the middle; p2's old version is invalid, its current one
    # valid; p3 in the wrong table; p4's JSON unreadable; p5 valid.
    rows = [
        versioned_patient("p1", "2024-01-01T00:00:00Z", gender="male"),
        versioned_patient("p1", "2024-03-01T00:00:00Z", gender="female"),
        versioned_patient("p1", "2024-02-01T00:00:00Z", gender="other"),
        versioned_patient("p2", "2024-01-01T00:00:00Z", gender="F"),
        versioned_patient("p2", "2024-02-01T00:00:00Z", gender="female"),
        bronze_row({"resourceType": "Encounter", "id": "p3"}),
        dict(versioned_patient("p4", "2024-01-01T00:00:00Z"), resource_json="{oops"),
        bronze_row({"resourceType": "Patient", "id": "p5"}),
    ]
    # Act
    flattened = Flattened(spark, "patient", rows=rows)
    # Assess
    assert {key: (row["gender"], row["last_updated"]) for key, row in flattened.rows.items()} == {
        "p1": ("female", naive_utc(2024, 3, 1)),
        "p2": ("female", naive_utc(2024, 2, 1)),
        "p5": (None, naive_utc(2025, 1, 15, 6)),  # no gender stated
    }
    assert {key: flattened.rejections(key) for key in flattened.quarantine} == {
        "p3": [("wrong_resource_type", 'resourceType "Encounter" in the patient table')],
        "p4": [("unreadable_resource", "resource_json is not a JSON object")],
    }

"""Silver `patient` on the real Spark: demographics, local dates, ages, validation."""

import datetime as dt

from metriccare_etl.schemas import SILVER_PATIENT_COLUMNS

from .gold_support import Flattened, naive_utc
from .support import PROCESSED_AT, bronze_row, fixture_json


def patient(patient_id, **fields):
    return {"resourceType": "Patient", "id": patient_id, **fields}


def test_flattens_demographics_and_ages(spark):
    # Prepare
    single = fixture_json("patient_single.json")
    resources = [
        single,
        patient("dead", birthDate="1940-01-01", deceasedDateTime="2024-06-01T23:30:00-05:00"),
        patient("flag", deceasedBoolean=True),
        patient("partial", birthDate="1985"),
        patient("leap", birthDate="2007-01-16"),
        patient("odd", name=[{"family": "Lee", "given": 5}, "x"], address=5, maritalStatus={"coding": 5}),
        patient("bare"),
    ]
    # Act
    flattened = Flattened(spark, "patient", resources)
    # Assess
    row = flattened.row("pat-001")
    assert flattened.columns == [column.name for column in SILVER_PATIENT_COLUMNS]
    assert row["last_updated"] == naive_utc(2024, 3, 1, 8, 30, 0, 123000)
    assert (row["family_name"], row["given_name"]) == ("Rivera", "Ana Maria")  # the official name, not the nickname
    assert (row["gender"], row["birth_date"], row["active"], row["marital_status"]) == ("female", dt.date(1958, 7, 14), True, "M")
    assert (row["city"], row["state"], row["postal_code"], row["country"]) == ("Boston", "MA", "02118", "US")  # the home address
    assert (row["deceased"], row["deceased_date"], row["source_object"]) == (False, None, bronze_row(single)["source_object"])
    assert row["processed_at"] == naive_utc(2025, 1, 15, 7, 0)
    # On the processing day 2025-01-15: 1958-07-14 → 66; 1985(-01-01) → 40; 2007-01-16 → 17 (birthday tomorrow).
    ages = {key: (value["age"], value["age_band"]) for key, value in flattened.rows.items()}
    assert ages == {
        "pat-001": (66, "65-74"),
        "dead": (84, "75-84"),  # 1940-01-01 to the local death date 2024-06-01 (2024-06-02 in UTC)
        "flag": (None, "unknown"),
        "partial": (40, "35-49"),
        "leap": (17, "0-17"),
        "odd": (None, "unknown"),
        "bare": (None, "unknown"),
    }
    assert (flattened.row("dead")["deceased"], flattened.row("dead")["deceased_date"]) == (True, dt.date(2024, 6, 1))
    assert (flattened.row("flag")["deceased"], flattened.row("flag")["deceased_date"]) == (True, None)
    odd = flattened.row("odd")
    assert (odd["family_name"], odd["given_name"], odd["city"], odd["marital_status"]) == ("Lee", None, None, None)
    assert (flattened.row("bare")["gender"], flattened.row("bare")["birth_date"]) == (None, None)  # no gender stated


def test_rejects_values_outside_fhir_and_impossible_dates_with_every_reason(spark):
    # Prepare
    resources = [
        patient("gender", gender="F"),
        patient("birth", birthDate="14/07/1958"),
        patient("death", deceasedDateTime="soon"),
        patient("future", birthDate="2030-01-01"),
        patient("before", birthDate="1990-01-01", deceasedDateTime="1980-01-01"),
        patient("both", gender="x", birthDate="never"),
    ]
    # Act
    flattened = Flattened(spark, "patient", resources)
    # Assess
    assert flattened.rows == {}
    assert {key: flattened.rejections(key) for key in flattened.quarantine} == {
        "gender": [("invalid_gender", 'gender "F" is not one of male, female, other, unknown')],
        "birth": [("invalid_birth_date", 'birthDate "14/07/1958" is not a FHIR date/dateTime')],
        "death": [("invalid_deceased_date", 'deceasedDateTime "soon" is not a FHIR date/dateTime')],
        "future": [("birth_date_in_future", f"birthDate 2030-01-01 is after {PROCESSED_AT.date().isoformat()}")],
        "before": [
            ("deceased_before_birth", "deceasedDateTime 1980-01-01 is before birthDate 1990-01-01 (the two periods cannot overlap)")
        ],
        "both": [
            ("invalid_gender", 'gender "x" is not one of male, female, other, unknown'),
            ("invalid_birth_date", 'birthDate "never" is not a FHIR date/dateTime'),
        ],
    }

import json
import unittest
from unittest import mock

from metriccare_etl.schemas import SILVER_QUARANTINE_COLUMNS
from metriccare_etl.silver import FLATTENERS, QUARANTINE, SILVER, split_rdd, to_silver

from .fakes import FakeRDD
from .support import PROCESSED_AT, bronze_row, bronze_rows_of_fixture, utc


def versioned_patient(last_updated, **fields):
    return bronze_row({"resourceType": "Patient", "id": "p1", "meta": {"lastUpdated": last_updated}, **fields})


class ToSilverTest(unittest.TestCase):
    def test_a_valid_resource_becomes_a_silver_row(self):
        kind, row = to_silver("patient", bronze_rows_of_fixture("patients.ndjson")["patient"][0], PROCESSED_AT)
        self.assertEqual((kind, row["id"], row["gender"]), (SILVER, "nd-1", "female"))

    def test_an_invalid_resource_becomes_a_quarantine_row_with_every_reason(self):
        # Prepare
        bronze = versioned_patient("2024-01-01T00:00:00Z", gender="F", birthDate="someday")
        # Act
        kind, row = to_silver("patient", bronze, PROCESSED_AT)
        # Assess
        self.assertEqual(kind, QUARANTINE)
        self.assertEqual(set(row), {column.name for column in SILVER_QUARANTINE_COLUMNS})
        self.assertEqual((row["record_hash"], row["id"], row["resource_type"]), (bronze["record_hash"], "p1", "Patient"))
        self.assertEqual(row["reason_code"], "invalid_gender")
        self.assertEqual(
            json.loads(row["reasons"]),
            [
                {"code": "invalid_gender", "detail": 'gender "F" is not one of male, female, other, unknown'},
                {"code": "invalid_birth_date", "detail": 'birthDate "someday" is not a FHIR date/dateTime'},
            ],
        )
        self.assertEqual(row["resource_json"], bronze["resource_json"])
        self.assertEqual((row["last_updated"], row["quarantined_at"]), (utc(2024, 1, 1), PROCESSED_AT))

    def test_a_resource_in_the_wrong_table_is_quarantined(self):
        kind, row = to_silver("encounter", versioned_patient("2024-01-01T00:00:00Z"), PROCESSED_AT)
        self.assertEqual((kind, row["reason_code"]), (QUARANTINE, "wrong_resource_type"))
        self.assertEqual(json.loads(row["reasons"])[0]["detail"], 'resourceType "Patient" in the encounter table')

    def test_a_flattener_failure_quarantines_the_record_instead_of_stopping_the_run(self):
        def broken(resource, bronze_row, processed_at):
            raise TypeError("'int' object is not iterable")

        with mock.patch.dict(FLATTENERS, patient=broken):
            kind, row = to_silver("patient", versioned_patient("2024-01-01T00:00:00Z"), PROCESSED_AT)
        self.assertEqual((kind, row["reason_code"]), (QUARANTINE, "unexpected_shape"))
        self.assertEqual(json.loads(row["reasons"])[0]["detail"], "TypeError: 'int' object is not iterable")

    def test_unreadable_resource_json_is_quarantined(self):
        bronze = dict(versioned_patient("2024-01-01T00:00:00Z"), resource_json="{oops")
        kind, row = to_silver("patient", bronze, PROCESSED_AT)
        self.assertEqual((kind, row["reason_code"]), (QUARANTINE, "unreadable_resource"))


class LatestPerIdTest(unittest.TestCase):
    def test_keeps_the_latest_version_of_each_id(self):
        # Prepare: three versions of p1, newest in the middle, and one of p2, over two partitions.
        rows = FakeRDD.of(
            [
                versioned_patient("2024-01-01T00:00:00Z", gender="male"),
                versioned_patient("2024-03-01T00:00:00Z", gender="female"),
                versioned_patient("2024-02-01T00:00:00Z", gender="other"),
                bronze_row({"resourceType": "Patient", "id": "p2"}),
            ]
        )
        # Act
        silver, _ = split_rdd("patient", rows, PROCESSED_AT)
        # Assess
        self.assertEqual(
            sorted((row["id"], row["gender"], row["last_updated"]) for row in silver.collect()),
            [("p1", "female", utc(2024, 3, 1)), ("p2", "unknown", utc(2025, 1, 15, 6))],
        )

    def test_only_the_latest_version_is_validated(self):
        # Prepare: the old version is invalid, the current one valid: nothing goes to quarantine.
        rows = FakeRDD.of(
            [versioned_patient("2024-01-01T00:00:00Z", gender="F"), versioned_patient("2024-02-01T00:00:00Z", gender="female")]
        )
        # Act
        silver, quarantine = split_rdd("patient", rows, PROCESSED_AT)
        # Assess
        self.assertEqual([(row["id"], row["gender"]) for row in silver.collect()], [("p1", "female")])
        self.assertEqual(quarantine.collect(), [])

    def test_split_rdd_routes_rows_to_silver_and_quarantine(self):
        rows = FakeRDD.of([versioned_patient("2024-01-01T00:00:00Z"), bronze_row({"resourceType": "Patient", "id": "p2", "gender": "M"})])
        silver, quarantine = split_rdd("patient", rows, PROCESSED_AT)
        self.assertEqual([row["id"] for row in silver.collect()], ["p1"])
        self.assertEqual([(row["id"], row["reason_code"]) for row in quarantine.collect()], [("p2", "invalid_gender")])

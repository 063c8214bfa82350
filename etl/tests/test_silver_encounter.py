import json
import unittest

from metriccare_etl.schemas import SILVER_ENCOUNTER_COLUMNS
from metriccare_etl.silver_encounter import flatten_encounter

from .support import PROCESSED_AT, bronze_row, bronze_rows_of_fixture, utc


def encounter(**fields):
    resource = {
        "resourceType": "Encounter",
        "id": "e1",
        "status": "finished",
        "class": {"code": "AMB"},
        "subject": {"reference": "Patient/p1"},
    }
    resource.update(fields)
    return {key: value for key, value in resource.items() if value is not None}


def flatten(resource):
    return flatten_encounter(resource, bronze_row(resource), PROCESSED_AT)


class FlattenEncounterTest(unittest.TestCase):
    def test_flattens_class_type_period_and_patient_of_a_bundle_entry(self):
        # Prepare: the fixture's encounter references its patient by urn:uuid.
        bronze = bronze_rows_of_fixture("transaction_bundle.json")["encounter"][0]
        # Act
        row = flatten_encounter(json.loads(bronze["resource_json"]), bronze, PROCESSED_AT).row
        # Assess
        self.assertEqual(set(row), {column.name for column in SILVER_ENCOUNTER_COLUMNS})
        self.assertEqual((row["class_code"], row["class_display"], row["is_inpatient"]), ("IMP", "inpatient encounter", True))
        self.assertEqual(
            (row["type_system"], row["type_code"], row["type_display"]), ("http://snomed.info/sct", "32485007", "Hospital admission")
        )
        self.assertEqual(row["patient_id"], "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30")
        self.assertEqual(row["patient_reference"], "urn:uuid:6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30")
        # 2024-04-28T22:15-04:00 is 2024-04-29T02:15Z; 2024-05-01T09:00-04:00 is 2024-05-01T13:00Z.
        self.assertEqual((row["period_start"], row["period_end"]), (utc(2024, 4, 29, 2, 15), utc(2024, 5, 1, 13, 0)))
        self.assertEqual(row["period_start_month"], "2024-04")

    def test_length_of_stay_in_calendar_days_and_hours(self):
        # UTC dates 04-29 to 05-01: 2 days; 02:15 to 13:00 two days later: 58.75 hours.
        bronze = bronze_rows_of_fixture("transaction_bundle.json")["encounter"][0]
        row = flatten_encounter(json.loads(bronze["resource_json"]), bronze, PROCESSED_AT).row
        self.assertEqual((row["length_of_stay_days"], row["length_of_stay_hours"]), (2, 58.75))

    def test_a_same_day_visit_stays_zero_days(self):
        row = flatten(encounter(period={"start": "2024-01-01T09:00:00Z", "end": "2024-01-01T09:45:00Z"})).row
        self.assertEqual((row["length_of_stay_days"], row["length_of_stay_hours"], row["is_inpatient"]), (0, 0.75, False))

    def test_an_open_encounter_has_no_length_of_stay(self):
        row = flatten(encounter(status="in-progress", period={"start": "2024-01-01T09:00:00Z"})).row
        self.assertEqual((row["period_end"], row["length_of_stay_days"], row["length_of_stay_hours"]), (None, None, None))

    def test_without_a_start_the_partition_is_unknown(self):
        self.assertEqual(flatten(encounter(status="planned")).row["period_start_month"], "unknown")

    def test_reads_r5_class_lists_and_actual_period(self):
        row = flatten(
            encounter(
                **{
                    "class": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER"}]}],
                    "actualPeriod": {"start": "2024-03-01"},
                }
            )
        ).row
        self.assertEqual(
            (row["class_code"], row["class_system"], row["period_start_month"]),
            ("EMER", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "2024-03"),
        )

    def test_reads_absolute_patient_references(self):
        self.assertEqual(flatten(encounter(subject={"reference": "https://fhir.example.org/r4/Patient/p-77"})).row["patient_id"], "p-77")


class EncounterValidationTest(unittest.TestCase):
    def assertRejected(self, resource, code, detail):
        flattened = flatten(resource)
        self.assertIsNone(flattened.row)
        self.assertIn((code, detail), [(rejection.code, rejection.detail) for rejection in flattened.rejections])

    def test_rejects_missing_or_unknown_status_and_class(self):
        self.assertRejected(encounter(status=None), "missing_status", "status is missing")
        self.assertRejected(
            encounter(status="done"),
            "invalid_status",
            'status "done" is not one of planned, arrived, triaged, in-progress, onleave, finished, cancelled, entered-in-error, unknown',
        )
        self.assertRejected(encounter(**{"class": {"display": "ambulatory"}}), "missing_class", "class has no code")

    def test_rejects_encounters_without_a_patient(self):
        self.assertRejected(encounter(subject=None), "missing_patient_reference", "subject.reference is missing")
        self.assertRejected(
            encounter(subject={"reference": "Group/g1"}),
            "invalid_patient_reference",
            'subject.reference "Group/g1" is not a Patient reference',
        )
        self.assertRejected(
            encounter(subject={"reference": "#p1"}), "invalid_patient_reference", 'subject.reference "#p1" is not a Patient reference'
        )

    def test_rejects_unreadable_or_backwards_periods(self):
        self.assertRejected(
            encounter(period={"start": "yesterday"}), "invalid_period", 'period.start "yesterday" is not a FHIR date/dateTime'
        )
        self.assertRejected(
            encounter(period={"start": "2024-01-02T00:00:00Z", "end": "2024-01-01T00:00:00Z"}),
            "period_end_before_start",
            "period.end 2024-01-01T00:00:00Z is before period.start 2024-01-02T00:00:00Z",
        )

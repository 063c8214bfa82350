import datetime as dt
import json
import unittest

from metriccare_etl.schemas import SILVER_CONDITION_COLUMNS
from metriccare_etl.silver_condition import flatten_condition

from .support import PROCESSED_AT, bronze_row, bronze_rows_of_fixture, utc

SNOMED = "http://snomed.info/sct"


def condition(**fields):
    resource = {
        "resourceType": "Condition",
        "id": "c1",
        "code": {"coding": [{"system": SNOMED, "code": "38341003", "display": "Hypertension"}]},
        "subject": {"reference": "Patient/p1"},
    }
    resource.update(fields)
    return {key: value for key, value in resource.items() if value is not None}


def flatten(resource):
    return flatten_condition(resource, bronze_row(resource), PROCESSED_AT)


class FlattenConditionTest(unittest.TestCase):
    def test_flattens_code_statuses_onset_and_references(self):
        # Prepare
        bronze = bronze_rows_of_fixture("transaction_bundle.json")["condition"][0]
        # Act
        row = flatten_condition(json.loads(bronze["resource_json"]), bronze, PROCESSED_AT).row
        # Assess
        self.assertEqual(set(row), {column.name for column in SILVER_CONDITION_COLUMNS})
        self.assertEqual((row["code_system"], row["code"], row["code_display"]), (SNOMED, "233604007", "Pneumonia"))
        self.assertEqual(
            (row["clinical_status"], row["verification_status"], row["category_code"]), ("active", "confirmed", "encounter-diagnosis")
        )
        self.assertEqual(row["patient_id"], "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30")
        self.assertEqual(row["encounter_id"], "0b8e7c52-1d3f-4a6b-8c9d-7e2f1a3b5c4d")
        self.assertEqual((row["onset_datetime"], row["onset_month"]), (utc(2024, 4, 28), "2024-04"))
        self.assertEqual(row["recorded_date"], dt.date(2024, 4, 29))

    def test_prefers_a_coding_with_a_system_and_falls_back_to_the_text_for_display(self):
        row = flatten(
            condition(code={"text": "High blood pressure", "coding": [{"code": "HTN"}, {"system": SNOMED, "code": "38341003"}]})
        ).row
        self.assertEqual((row["code_system"], row["code"], row["code_display"]), (SNOMED, "38341003", "High blood pressure"))

    def test_onset_from_a_period_and_none_from_an_age(self):
        self.assertEqual(flatten(condition(onsetPeriod={"start": "2020-02-10"})).row["onset_month"], "2020-02")
        row = flatten(condition(onsetAge={"value": 40, "unit": "a"})).row
        self.assertEqual((row["onset_datetime"], row["onset_month"]), (None, "unknown"))

    def test_an_encounter_reference_is_optional(self):
        row = flatten(condition()).row
        self.assertEqual((row["encounter_id"], row["encounter_reference"], row["clinical_status"]), (None, None, None))

    def test_abatement(self):
        self.assertEqual(
            flatten(condition(onsetDateTime="2020-01-01", abatementDateTime="2020-03-01")).row["abatement_datetime"], utc(2020, 3, 1)
        )


class ConditionValidationTest(unittest.TestCase):
    def assertRejected(self, resource, code, detail):
        flattened = flatten(resource)
        self.assertIsNone(flattened.row)
        self.assertIn((code, detail), [(rejection.code, rejection.detail) for rejection in flattened.rejections])

    def test_rejects_a_code_without_system(self):
        self.assertRejected(
            condition(code={"coding": [{"code": "38341003"}]}), "missing_code", "code has no coding with both system and code"
        )
        self.assertRejected(condition(code=None), "missing_code", "code has no coding with both system and code")

    def test_rejects_statuses_outside_their_value_sets(self):
        self.assertRejected(
            condition(clinicalStatus={"coding": [{"code": "cured"}]}),
            "invalid_clinical_status",
            'clinicalStatus "cured" is not one of active, recurrence, relapse, inactive, remission, resolved',
        )
        self.assertRejected(
            condition(verificationStatus={"text": "confirmed"}),
            "invalid_verification_status",
            "verificationStatus null is not one of unconfirmed, provisional, differential, confirmed, refuted, entered-in-error",
        )

    def test_rejects_bad_references(self):
        self.assertRejected(condition(subject=None), "missing_patient_reference", "subject.reference is missing")
        self.assertRejected(
            condition(encounter={"reference": "Patient/p1"}),
            "invalid_encounter_reference",
            'encounter.reference "Patient/p1" is not an Encounter reference',
        )

    def test_rejects_unreadable_and_backwards_dates(self):
        self.assertRejected(condition(onsetDateTime="last spring"), "invalid_onset", 'onset "last spring" is not a FHIR date/dateTime')
        self.assertRejected(
            condition(recordedDate="2024-13-01"), "invalid_recorded_date", 'recordedDate "2024-13-01" is not a FHIR date/dateTime'
        )
        self.assertRejected(
            condition(onsetDateTime="2020-05-01", abatementDateTime="2020-04-01"),
            "abatement_before_onset",
            "abatement 2020-04-01 is before onset 2020-05-01",
        )

import datetime as dt
import unittest

from metriccare_etl.schemas import SILVER_PATIENT_COLUMNS
from metriccare_etl.silver_common import age_band, age_on
from metriccare_etl.silver_patient import flatten_patient

from .support import PROCESSED_AT, bronze_row, fixture_json, utc


def flatten(resource):
    return flatten_patient(resource, bronze_row(resource), PROCESSED_AT)


def patient(**fields):
    return {"resourceType": "Patient", "id": "p1", **fields}


class FlattenPatientTest(unittest.TestCase):
    def test_flattens_demographics(self):
        # Prepare
        resource = fixture_json("patient_single.json")
        # Act
        row = flatten(resource).row
        # Assess
        self.assertEqual(set(row), {column.name for column in SILVER_PATIENT_COLUMNS})
        self.assertEqual(row["id"], "pat-001")
        self.assertEqual(row["last_updated"], utc(2024, 3, 1, 8, 30, 0, 123000))
        self.assertEqual((row["family_name"], row["given_name"]), ("Rivera", "Ana Maria"))  # the official name, not the nickname
        self.assertEqual((row["gender"], row["birth_date"], row["active"]), ("female", dt.date(1958, 7, 14), True))
        self.assertEqual(row["marital_status"], "M")
        self.assertEqual(
            (row["city"], row["state"], row["postal_code"], row["country"]), ("Boston", "MA", "02118", "US")
        )  # the home address
        self.assertEqual((row["deceased"], row["deceased_date"]), (False, None))
        self.assertEqual(row["source_object"], bronze_row(resource)["source_object"])
        self.assertEqual(row["processed_at"], PROCESSED_AT)

    def test_age_is_in_completed_years_on_the_processing_day(self):
        # 1958-07-14 to 2025-01-15: 66 years (the 67th birthday is in July).
        row = flatten(fixture_json("patient_single.json")).row
        self.assertEqual((row["age"], row["age_band"]), (66, "65-74"))

    def test_age_of_a_deceased_patient_stops_at_death(self):
        # 1940-01-01 to 2024-06-01: 84 years.
        row = flatten(patient(birthDate="1940-01-01", deceasedDateTime="2024-06-01")).row
        self.assertEqual((row["age"], row["age_band"], row["deceased"], row["deceased_date"]), (84, "75-84", True, dt.date(2024, 6, 1)))
        self.assertTrue(flatten(patient(deceasedBoolean=True)).row["deceased"])

    def test_partial_birth_dates_count_from_the_start_of_their_period(self):
        # "1985" is read as 1985-01-01: 40 on 2025-01-15.
        self.assertEqual(flatten(patient(birthDate="1985")).row["age"], 40)

    def test_skips_list_elements_of_the_wrong_shape(self):
        row = flatten(patient(name=[{"family": "Lee", "given": 5}, "x"], address=5, maritalStatus={"coding": 5})).row
        self.assertEqual((row["family_name"], row["given_name"], row["city"], row["marital_status"]), ("Lee", None, None, None))

    def test_missing_gender_and_birth_date_are_unknown(self):
        row = flatten(patient()).row
        self.assertEqual((row["gender"], row["age"], row["age_band"], row["birth_date"]), ("unknown", None, "unknown", None))
        self.assertEqual((row["family_name"], row["given_name"], row["city"]), (None, None, None))


class PatientValidationTest(unittest.TestCase):
    def assertRejected(self, resource, code, detail):
        flattened = flatten(resource)
        self.assertIsNone(flattened.row)
        self.assertEqual([(rejection.code, rejection.detail) for rejection in flattened.rejections], [(code, detail)])

    def test_rejects_values_outside_fhir(self):
        self.assertRejected(patient(gender="F"), "invalid_gender", 'gender "F" is not one of male, female, other, unknown')
        self.assertRejected(patient(birthDate="14/07/1958"), "invalid_birth_date", 'birthDate "14/07/1958" is not a FHIR date/dateTime')
        self.assertRejected(
            patient(deceasedDateTime="soon"), "invalid_deceased_date", 'deceasedDateTime "soon" is not a FHIR date/dateTime'
        )

    def test_rejects_impossible_dates(self):
        self.assertRejected(patient(birthDate="2030-01-01"), "birth_date_in_future", "birthDate 2030-01-01 is after 2025-01-15")
        self.assertRejected(
            patient(birthDate="1990-01-01", deceasedDateTime="1980-01-01"),
            "deceased_before_birth",
            "deceasedDateTime 1980-01-01 is before birthDate 1990-01-01",
        )

    def test_reports_every_problem_not_just_the_first(self):
        codes = [rejection.code for rejection in flatten(patient(gender="x", birthDate="never")).rejections]
        self.assertEqual(codes, ["invalid_gender", "invalid_birth_date"])


class AgeBandTest(unittest.TestCase):
    def test_band_edges(self):
        edges = {
            0: "0-17",
            17: "0-17",
            18: "18-34",
            34: "18-34",
            35: "35-49",
            49: "35-49",
            50: "50-64",
            64: "50-64",
            65: "65-74",
            74: "65-74",
            75: "75-84",
            84: "75-84",
            85: "85+",
            110: "85+",
            None: "unknown",
        }
        for age, band in edges.items():
            with self.subTest(age=age):
                self.assertEqual(age_band(age), band)

    def test_age_on_counts_a_birthday_only_once_reached(self):
        self.assertEqual(age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)), 17)
        self.assertEqual(age_on(dt.date(2000, 2, 29), dt.date(2018, 3, 1)), 18)

import unittest

from metriccare_etl.gold import MEASURES, sums_over_rdds
from metriccare_etl.gold_sums import merge_sums
from metriccare_etl.schemas import GOLD_COLUMNS

from .fakes import FakeRDD
from .gold_support import compute, condition, encounter, patient
from .support import PROCESSED_AT

MEASURE = {measure.table: measure for measure in MEASURES}


def rows(table, **silver):
    """The measure's rows without `computed_at`, which is the same on every row."""
    return [{name: value for name, value in row.items() if name != "computed_at"} for row in compute(MEASURE[table], silver, PROCESSED_AT)]


class EncountersByClassMonthTest(unittest.TestCase):
    def test_counts_held_encounters_by_class_and_start_month(self):
        # Prepare
        encounters = [
            encounter("a", "p1", "AMB", "2024-01-31T23:00:00Z"),
            encounter("b", "p1", "AMB", "2024-01-02T10:00:00Z"),
            encounter("c", "p2", "AMB", "2024-02-01T00:00:00Z"),
            encounter("d", "p2", "EMER", "2024-01-15T00:00:00Z"),
            encounter("e", "p2", "AMB", "2024-01-20T00:00:00Z", status="cancelled"),
            encounter("f", "p2", "AMB", "2024-01-21T00:00:00Z", status="entered-in-error"),
            encounter("g", "p2", "AMB", "2024-01-22T00:00:00Z", status="planned"),
        ]
        # Act / Assess: AMB January = a + b = 2; AMB February = c = 1; EMER January = d = 1;
        # e, f and g did not take place.
        self.assertEqual(
            rows("encounters_by_class_month", encounter=encounters),
            [
                {"encounter_class": "AMB", "period_month": "2024-01", "encounter_count": 2},
                {"encounter_class": "AMB", "period_month": "2024-02", "encounter_count": 1},
                {"encounter_class": "EMER", "period_month": "2024-01", "encounter_count": 1},
            ],
        )


class AverageLengthOfStayTest(unittest.TestCase):
    def test_averages_finished_stays_by_class_and_discharge_month(self):
        encounters = [
            encounter("a", "p1", "IMP", "2024-01-30T10:00:00Z", "2024-02-02T09:00:00Z"),  # 3 days, discharged in February
            encounter("b", "p2", "IMP", "2024-02-10T10:00:00Z", "2024-02-14T10:00:00Z"),  # 4 days
            encounter("c", "p3", "IMP", "2024-02-20T10:00:00Z", "2024-02-20T18:00:00Z"),  # same day: 0 days
            encounter("d", "p4", "IMP", "2024-02-21T10:00:00Z", status="in-progress"),  # not discharged
            encounter("e", "p5", "AMB", "2024-02-01T10:00:00Z", "2024-02-01T10:30:00Z"),  # 0 days
        ]
        # IMP February: (3 + 4 + 0) / 3 = 2.333… → 2.33; AMB February: 0 / 1 = 0.0.
        self.assertEqual(
            rows("average_length_of_stay", encounter=encounters),
            [
                {
                    "encounter_class": "AMB",
                    "discharge_month": "2024-02",
                    "discharges": 1,
                    "total_length_of_stay_days": 0,
                    "average_length_of_stay_days": 0.0,
                },
                {
                    "encounter_class": "IMP",
                    "discharge_month": "2024-02",
                    "discharges": 3,
                    "total_length_of_stay_days": 7,
                    "average_length_of_stay_days": 2.33,
                },
            ],
        )


class ReadmissionRateTest(unittest.TestCase):
    def test_counts_inpatient_returns_within_30_days_of_discharge(self):
        # Prepare: index stays all discharged 2024-03-01T12:00Z.
        discharge_day = ("2024-02-25T12:00:00Z", "2024-03-01T12:00:00Z")
        encounters = [
            # p1: back exactly 30 days later: a readmission.
            encounter("p1-index", "p1", "IMP", *discharge_day),
            encounter("p1-return", "p1", "IMP", "2024-03-31T12:00:00Z", "2024-04-02T12:00:00Z"),
            # p2: back 30 days and 1 second later: not a readmission.
            encounter("p2-index", "p2", "IMP", *discharge_day),
            encounter("p2-return", "p2", "IMP", "2024-03-31T12:00:01Z", "2024-04-02T12:00:00Z"),
            # p3: back the next day, but to the emergency room: not an inpatient readmission.
            encounter("p3-index", "p3", "IMP", *discharge_day),
            encounter("p3-return", "p3", "EMER", "2024-03-02T12:00:00Z", "2024-03-02T18:00:00Z"),
            # p4: a readmission that was cancelled does not count.
            encounter("p4-index", "p4", "IMP", *discharge_day),
            encounter("p4-return", "p4", "IMP", "2024-03-05T12:00:00Z", status="cancelled"),
            # p5: back within 30 days of p1's discharge, but p5 is another patient.
            encounter("p5-index", "p5", "IMP", "2024-03-03T00:00:00Z", "2024-03-04T00:00:00Z"),
        ]
        # Act
        result = rows("readmission_rate_30d", encounter=encounters)
        # Assess: March index stays: p1, p2, p3, p4, p5 = 5, readmitted: p1 = 1, rate 1 / 5 = 0.2.
        # April: p1-return and p2-return are index stays too (discharged 04-02), not readmitted: 0 / 2.
        self.assertEqual(
            result,
            [
                {"discharge_month": "2024-03", "index_admissions": 5, "readmissions_30d": 1, "readmission_rate": 0.2},
                {"discharge_month": "2024-04", "index_admissions": 2, "readmissions_30d": 0, "readmission_rate": 0.0},
            ],
        )

    def test_an_overlapping_stay_is_not_a_readmission(self):
        # The second stay starts before the first ends (a transfer): 2 index stays, 0 readmissions.
        encounters = [
            encounter("a", "p1", "IMP", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"),
            encounter("b", "p1", "ACUTE", "2024-01-04T00:00:00Z", "2024-01-06T00:00:00Z"),
        ]
        self.assertEqual(
            rows("readmission_rate_30d", encounter=encounters),
            [{"discharge_month": "2024-01", "index_admissions": 2, "readmissions_30d": 0, "readmission_rate": 0.0}],
        )


class ConditionPrevalenceTest(unittest.TestCase):
    def test_shares_of_patients_with_each_code(self):
        # Prepare
        patients = [patient("p1"), patient("p2"), patient("p3"), patient("p4")]
        conditions = [
            condition("c1", "p1", "44054006", "Diabetes mellitus type 2"),
            condition("c2", "p1", "44054006", "Diabetes mellitus type 2"),  # p1 again: still one patient
            condition("c3", "p2", "44054006", "Type 2 diabetes mellitus"),
            condition("c4", "p3", "44054006", verification="refuted"),  # ruled out: not a case
            condition("c5", "p9", "44054006"),  # p9 is not a known patient
            condition("c6", "p4", "J45", "Asthma", system="http://hl7.org/fhir/sid/icd-10-cm"),
        ]
        # Act / Assess: 44054006: p1, p2 of 4 patients = 0.5, shown with the display 2 of its 3
        # conditions use; J45: p4 of 4 = 0.25.
        self.assertEqual(
            rows("condition_prevalence", patient=patients, condition=conditions),
            [
                {
                    "code_system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "J45",
                    "code_display": "Asthma",
                    "patient_count": 1,
                    "total_patients": 4,
                    "prevalence": 0.25,
                },
                {
                    "code_system": "http://snomed.info/sct",
                    "code": "44054006",
                    "code_display": "Diabetes mellitus type 2",
                    "patient_count": 2,
                    "total_patients": 4,
                    "prevalence": 0.5,
                },
            ],
        )

    def test_a_code_without_display_has_none(self):
        result = rows("condition_prevalence", patient=[patient("p1")], condition=[condition("c1", "p1", "38341003")])
        self.assertEqual((result[0]["code_display"], result[0]["prevalence"]), (None, 1.0))

    def test_no_patients_no_rows(self):
        self.assertEqual(rows("condition_prevalence", patient=[], condition=[condition("c1", "p1", "38341003")]), [])


class PatientsByAgeBandGenderTest(unittest.TestCase):
    def test_counts_patients_per_band_and_gender(self):
        # Ages on 2025-01-15: 10, 12, 40, unknown.
        patients = [
            patient("a", "female", "2014-06-01"),
            patient("b", "female", "2012-01-01"),
            patient("c", "male", "1984-05-05"),
            patient("d"),
        ]
        self.assertEqual(
            rows("patients_by_age_band_gender", patient=patients),
            [
                {"age_band": "0-17", "gender": "female", "patient_count": 2},
                {"age_band": "35-49", "gender": "male", "patient_count": 1},
                {"age_band": "unknown", "gender": "unknown", "patient_count": 1},
            ],
        )


class SumsOverRddsTest(unittest.TestCase):
    def test_every_measure_gives_the_same_answer_sliced_as_spark_slices_it(self):
        # Prepare: rows spread over 3 partitions, patients' rows split across partitions.
        silver = {
            "patient": [patient("p1", "female", "1950-03-01"), patient("p2", "male", "1990-01-01"), patient("p3")],
            "encounter": [
                encounter("e1", "p1", "IMP", "2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z"),
                encounter("e2", "p1", "IMP", "2024-01-10T00:00:00Z", "2024-01-12T00:00:00Z"),
                encounter("e3", "p2", "AMB", "2024-01-10T00:00:00Z", "2024-01-10T01:00:00Z"),
                encounter("e4", "p2", "IMP", "2024-02-10T00:00:00Z", "2024-02-12T00:00:00Z"),
            ],
            "condition": [
                condition("c1", "p1", "38341003", "Hypertension"),
                condition("c2", "p2", "38341003", "HTN"),
                condition("c3", "p1", "38341003"),
            ],
        }
        rdds = {table: FakeRDD.of(table_rows, slices=3) for table, table_rows in silver.items()}
        for measure in MEASURES:
            with self.subTest(measure=measure.table):
                # Act
                sliced = measure.rows(sums_over_rdds(measure, rdds, FakeRDD.union), PROCESSED_AT)
                # Assess
                self.assertEqual(sliced, compute(measure, silver, PROCESSED_AT))
                self.assertTrue(sliced)

    def test_rows_match_the_gold_columns(self):
        silver = {
            "patient": [patient("p1")],
            "encounter": [encounter("e1", "p1", "IMP", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")],
            "condition": [condition("c1", "p1", "J45")],
        }
        for measure in MEASURES:
            with self.subTest(measure=measure.table):
                names = {column.name for column in GOLD_COLUMNS[measure.table]}
                self.assertEqual([set(row) for row in compute(measure, silver, PROCESSED_AT)], [names])
                self.assertEqual(compute(measure, silver, PROCESSED_AT)[0]["computed_at"], PROCESSED_AT)

    def test_merge_sums_adds_element_wise_without_changing_its_inputs(self):
        first, second = {("a",): [1, 2]}, {("a",): [10, 20], ("b",): [1, 0]}
        self.assertEqual(merge_sums(first, second), {("a",): [11, 22], ("b",): [1, 0]})
        self.assertEqual((first, second), ({("a",): [1, 2]}, {("a",): [10, 20], ("b",): [1, 0]}))

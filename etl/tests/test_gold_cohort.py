"""The whole chain on `fixtures/cohort_bundle.json`: Bronze split, Silver flattening, Gold measures.

Cohort (see `fixtures/make_cohort.py`), measured on 2025-01-15:
  p1 female 1950-03-01; p2 male 1990-07-20; p3 female 2010-01-01; p4 male 1940-01-01, died 2024-06-01.
  e1 p1 IMP 01-02 08:00 → 01-05 12:00    e2 p1 IMP 01-20 09:00 → 01-22 09:00    e3 p1 AMB 01-25 (30 min)
  e4 p2 EMER 02-10 22:00 → 02-11 03:00   e5 p2 IMP 02-11 04:00 → 02-15 10:00    e6 p2 IMP 04-01 → 04-03
  e7 p3 AMB 02-01 cancelled              e8 p4 IMP 05-01 → 05-11                 e9 p4 IMP 05-20 → 05-31
  e10 p3 AMB 02-14 (20 min)
"""

import unittest

from metriccare_etl.bronze import split_file
from metriccare_etl.gold import MEASURES
from metriccare_etl.silver import SILVER, to_silver

from .gold_support import compute
from .support import INGESTED_AT, PROCESSED_AT, RUN_ID, fixture_bytes, tracked_file

MEASURE = {measure.table: measure for measure in MEASURES}


class CohortTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        outcome = split_file(fixture_bytes("cohort_bundle.json"), tracked_file("fhir/cohort_bundle.json"), INGESTED_AT, RUN_ID)
        cls.silver = {table: [] for table in ("patient", "encounter", "condition")}
        for table, records in outcome.records.items():
            for record in records:
                kind, row = to_silver(table, record, PROCESSED_AT)
                assert kind == SILVER, row
                cls.silver[table].append(row)

    def measure(self, table):
        return [
            {name: value for name, value in row.items() if name != "computed_at"}
            for row in compute(MEASURE[table], self.silver, PROCESSED_AT)
        ]

    def test_every_resource_reaches_silver(self):
        self.assertEqual({table: len(rows) for table, rows in self.silver.items()}, {"patient": 4, "encounter": 10, "condition": 8})

    def test_encounters_by_class_and_month(self):
        # January: AMB e3 = 1, IMP e1 + e2 = 2. February: AMB e10 = 1 (e7 cancelled), EMER e4 = 1,
        # IMP e5 = 1. April: IMP e6 = 1. May: IMP e8 + e9 = 2.
        self.assertEqual(
            [(row["encounter_class"], row["period_month"], row["encounter_count"]) for row in self.measure("encounters_by_class_month")],
            [
                ("AMB", "2024-01", 1),
                ("AMB", "2024-02", 1),
                ("EMER", "2024-02", 1),
                ("IMP", "2024-01", 2),
                ("IMP", "2024-02", 1),
                ("IMP", "2024-04", 1),
                ("IMP", "2024-05", 2),
            ],
        )

    def test_average_length_of_stay(self):
        # Calendar days: e1 01-02 → 01-05 = 3, e2 01-20 → 01-22 = 2: IMP January (3 + 2) / 2 = 2.5.
        # e4 02-10 → 02-11 = 1 (EMER). e5 02-11 → 02-15 = 4. e6 04-01 → 04-03 = 2.
        # e8 05-01 → 05-11 = 10, e9 05-20 → 05-31 = 11: IMP May (10 + 11) / 2 = 10.5. AMB visits: 0.
        self.assertEqual(
            [
                (
                    row["encounter_class"],
                    row["discharge_month"],
                    row["discharges"],
                    row["total_length_of_stay_days"],
                    row["average_length_of_stay_days"],
                )
                for row in self.measure("average_length_of_stay")
            ],
            [
                ("AMB", "2024-01", 1, 0, 0.0),
                ("AMB", "2024-02", 1, 0, 0.0),
                ("EMER", "2024-02", 1, 1, 1.0),
                ("IMP", "2024-01", 2, 5, 2.5),
                ("IMP", "2024-02", 1, 4, 4.0),
                ("IMP", "2024-04", 1, 2, 2.0),
                ("IMP", "2024-05", 2, 21, 10.5),
            ],
        )

    def test_readmission_rate_30d(self):
        # January: e1 (discharged 01-05 12:00) → e2 starts 01-20 09:00, 14 d 21 h later: readmitted;
        #          e2 → no later stay of p1: not. 1 of 2 = 0.5.
        # February: e5 (discharged 02-15 10:00) → e6 starts 04-01, 45 d 14 h later: not. 0 of 1.
        # April: e6 → nothing after: 0 of 1.
        # May: e8 (discharged 05-11 10:00) → e9 starts 05-20 10:00, 9 days later: readmitted; e9 → not. 1 of 2.
        self.assertEqual(
            [
                (row["discharge_month"], row["index_admissions"], row["readmissions_30d"], row["readmission_rate"])
                for row in self.measure("readmission_rate_30d")
            ],
            [("2024-01", 2, 1, 0.5), ("2024-02", 1, 0, 0.0), ("2024-04", 1, 0, 0.0), ("2024-05", 2, 1, 0.5)],
        )

    def test_condition_prevalence(self):
        # 4 patients. 44054006: p1 (c1, c2), p2 (c3) = 2 → 0.5; display "Diabetes mellitus type 2" (2 of 3).
        # 38341003: p2 (c4), p4 (c6) = 2 → 0.5 (c5 refuted, c7's p9 unknown); displays "Hypertension"
        #           and "Hypertensive disorder" once each: the tie goes to "Hypertension".
        # J45: p3 (c8) = 1 → 0.25.
        self.assertEqual(
            [
                (row["code"], row["code_display"], row["patient_count"], row["total_patients"], row["prevalence"])
                for row in self.measure("condition_prevalence")
            ],
            [("J45", "Asthma", 1, 4, 0.25), ("38341003", "Hypertension", 2, 4, 0.5), ("44054006", "Diabetes mellitus type 2", 2, 4, 0.5)],
        )

    def test_patients_by_age_band_and_gender(self):
        # On 2025-01-15: p1 74 → 65-74 female; p2 34 → 18-34 male; p3 15 → 0-17 female;
        # p4 84 at death → 75-84 male.
        self.assertEqual(
            [(row["age_band"], row["gender"], row["patient_count"]) for row in self.measure("patients_by_age_band_gender")],
            [("0-17", "female", 1), ("18-34", "male", 1), ("65-74", "female", 1), ("75-84", "male", 1)],
        )

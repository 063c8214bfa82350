"""Every Gold measure on a worked cohort, on the real Spark, against rows computed by hand.

Reference date R = 2024-06-15. Patients (Silver, from FHIR):
  p1 female 1950-03-01; p2 male 1990-07-20; p3 female 2010-06-16 (14 on 2024-06-16);
  p4 male 1940-01-01, died 2024-03-10T22:00-05:00 (local 03-10); p5 female 1980-01-01, deceasedBoolean;
  p6 other 2000-01-01, died 2024-12-01 (after R: alive at R); p7 female born 2024-07-01 (after R); p8 no gender, no birth date.
Inpatient stays (local dates; times in -05:00 unless Z), with their role in the readmission measure:
  p1 A IMP 01-01 20:30 → 01-02 10:00   index (LOS 1: 0 by UTC dates)
     B IMP 01-31 21:00 → 02-03 10:00   readmission of A (29 days; UTC puts the admission in February)
     C IMP 02-20 09:00 → 02-22 09:00   index: B is no index, and A was discharged 49 days before
     D IMP 03-23 23:00 → 03-25 10:00   readmission of C on calendar day 30 (30 days 14 h: missed by 30×24 h)
     E IMP 03-30 → 04-02               index (37 days after C)
  p2 F IMP 02-05 → 02-10 aadvice       not an index (left against advice)
     G IMP 02-15 10Z → 02-16 10Z       index (F is none)
     H IMP 02-16 15Z → 02-18           readmission of G on day 0
     I IMP 03-01 → 03-05               in G's window after its readmission: neither index nor counted again
  p3 J IMP 04-10 → 04-12 other-hcf     not an index (transfer to another acute hospital)
     K ACUTE 04-12 → 04-20 home        index (J is none)
  p4 L IMP 03-01 → 03-10 21:00         not an index (died 03-10, on the discharge date)
  p5 M IMP 03-02 → 03-06 exp           not an index (expired)
  p6 O IMP 02-25 → 02-27               index, not readmitted
     N IMP 05-20 → 05-22               index (83 days after O); May's window closes 06-30, after R
     P IMP 06-10 in progress           readmission of N (an admission needs no discharge)
Other encounters: Q p2 EMER 02-10 22Z → 02-11 03Z; R p3 AMB 02-01 cancelled.
"""

import datetime as dt

import pytest
from metriccare_etl.gold.encounters import average_length_of_stay, encounters_by_class_month, readmission_rate_30d, stay_roles
from metriccare_etl.gold.measures import MEASURES, gold_rows
from metriccare_etl.gold.population import condition_prevalence, patients_by_age_band_gender
from metriccare_etl.schemas import GOLD_COLUMNS
from pyspark.sql import Row

from .gold_support import assertDataFrameEqual, condition, encounter, patient, silver_tables

R = dt.date(2024, 6, 15)
PATIENTS = [
    patient("p1", "female", "1950-03-01"),
    patient("p2", "male", "1990-07-20"),
    patient("p3", "female", "2010-06-16"),
    patient("p4", "male", "1940-01-01", died="2024-03-10T22:00:00-05:00"),
    {**patient("p5", "female", "1980-01-01"), "deceasedBoolean": True},
    patient("p6", "other", "2000-01-01", died="2024-12-01"),
    patient("p7", "female", "2024-07-01"),
    {"resourceType": "Patient", "id": "p8"},
]
ENCOUNTERS = [
    encounter("A", "p1", "2024-01-01T20:30:00-05:00", "2024-01-02T10:00:00-05:00"),
    encounter("B", "p1", "2024-01-31T21:00:00-05:00", "2024-02-03T10:00:00-05:00"),
    encounter("C", "p1", "2024-02-20T09:00:00-05:00", "2024-02-22T09:00:00-05:00"),
    encounter("D", "p1", "2024-03-23T23:00:00-05:00", "2024-03-25T10:00:00-05:00"),
    encounter("E", "p1", "2024-03-30T09:00:00-05:00", "2024-04-02T09:00:00-05:00"),
    encounter("F", "p2", "2024-02-05T10:00:00Z", "2024-02-10T10:00:00Z", disposition="aadvice"),
    encounter("G", "p2", "2024-02-15T10:00:00Z", "2024-02-16T10:00:00Z"),
    encounter("H", "p2", "2024-02-16T15:00:00Z", "2024-02-18T10:00:00Z"),
    encounter("I", "p2", "2024-03-01T10:00:00Z", "2024-03-05T10:00:00Z"),
    encounter("J", "p3", "2024-04-10T10:00:00Z", "2024-04-12T08:00:00Z", disposition="other-hcf"),
    encounter("K", "p3", "2024-04-12T09:00:00Z", "2024-04-20T10:00:00Z", class_code="ACUTE", disposition="home"),
    encounter("L", "p4", "2024-03-01T08:00:00Z", "2024-03-10T21:00:00-05:00"),
    encounter("M", "p5", "2024-03-02T10:00:00Z", "2024-03-06T10:00:00Z", disposition="exp"),
    encounter("O", "p6", "2024-02-25T10:00:00Z", "2024-02-27T10:00:00Z"),
    encounter("N", "p6", "2024-05-20T10:00:00Z", "2024-05-22T10:00:00Z"),
    encounter("P", "p6", "2024-06-10T10:00:00Z", status="in-progress"),
    encounter("Q", "p2", "2024-02-10T22:00:00Z", "2024-02-11T03:00:00Z", class_code="EMER"),
    encounter("R", "p3", "2024-02-01T10:00:00Z", "2024-02-01T10:20:00Z", class_code="AMB", status="cancelled"),
]
DIABETES, HYPERTENSION, PHARYNGITIS, PNEUMONIA, BRONCHITIS = "44054006", "38341003", "195662009", "233604007", "10509002"
CONDITIONS = [
    condition("c1", "p1", DIABETES, "Diabetes"),
    condition("c2", "p1", DIABETES, "Diabetes", clinical="recurrence"),  # a second record: p1 counts once
    condition("c3", "p2", DIABETES, "Diabetes mellitus", clinical="relapse"),
    condition("c4", "p4", DIABETES, "Diabetes"),  # p4 is dead at R
    condition("c5", "p3", DIABETES, "Diabetes", clinical="resolved"),
    condition("c6", "p2", HYPERTENSION, "Hypertension", verification="refuted"),
    condition("c7", "p3", HYPERTENSION, "Hypertension", verification="entered-in-error"),
    condition("c8", "p6", HYPERTENSION, "Hypertensive disorder", verification="unconfirmed"),  # p6 dies after R
    condition("c9", "p3", PHARYNGITIS, clinical="inactive"),
    condition("c10", "p1", PHARYNGITIS, onset="2024-05-20", abatement="2024-06-01"),  # abated before R
    condition("c11", "p2", PHARYNGITIS, onset="2024-07-01"),  # starts after R
    condition("c12", "p6", PNEUMONIA, "Pneumonia", onset="2024-06-15T23:00:00-05:00"),  # onset on R, locally
    condition("c13", "p1", PNEUMONIA, "Pneumonia (disorder)"),
    condition("c14", "p2", PNEUMONIA, "Pneumonia (disorder)"),
    condition("c15", "p99", PNEUMONIA, "Pneumonia"),  # no such patient
    {**condition("c16", "p1", BRONCHITIS), "clinicalStatus": None},  # no clinical status: not known to be active
]


@pytest.fixture(scope="module")
def silver(spark):
    tables = silver_tables(spark, PATIENTS, ENCOUNTERS, [{k: v for k, v in c.items() if v is not None} for c in CONDITIONS])
    cached = {name: frame.cache() for name, frame in tables.items()}
    yield cached
    for frame in cached.values():
        frame.unpersist()


def test_the_cohort_reaches_silver_whole(silver):
    assert {name: frame.count() for name, frame in silver.items()} == {"patient": 8, "encounter": 18, "condition": 16}


def test_encounters_by_class_and_local_start_month(spark, silver):
    # B starts on 01-31 locally; R is cancelled.
    expected = [
        Row(encounter_class="IMP", period_month="2024-01", encounter_count=2),  # A B
        Row(encounter_class="IMP", period_month="2024-02", encounter_count=5),  # C F G H O
        Row(encounter_class="EMER", period_month="2024-02", encounter_count=1),  # Q
        Row(encounter_class="IMP", period_month="2024-03", encounter_count=5),  # D E I L M
        Row(encounter_class="IMP", period_month="2024-04", encounter_count=1),  # J
        Row(encounter_class="ACUTE", period_month="2024-04", encounter_count=1),  # K
        Row(encounter_class="IMP", period_month="2024-05", encounter_count=1),  # N
        Row(encounter_class="IMP", period_month="2024-06", encounter_count=1),  # P
    ]
    assertDataFrameEqual(encounters_by_class_month(silver["encounter"]), expected)


def test_length_of_stay_of_finished_inpatient_stays_by_class_and_local_discharge_month(silver):
    # Local calendar days: A 1; B 3, C 2, F 5, G 1, H 2, O 2; D 2, I 4, L 9, M 4; E 3, J 2; K 8; N 2.
    # Q (EMER) is no inpatient stay; P has no discharge.
    expected = [
        Row(encounter_class="IMP", discharge_month="2024-01", discharges=1, total_length_of_stay_days=1, average_length_of_stay_days=1.0),
        Row(encounter_class="IMP", discharge_month="2024-02", discharges=6, total_length_of_stay_days=15, average_length_of_stay_days=2.5),
        Row(encounter_class="IMP", discharge_month="2024-03", discharges=4, total_length_of_stay_days=19, average_length_of_stay_days=4.75),
        Row(encounter_class="IMP", discharge_month="2024-04", discharges=2, total_length_of_stay_days=5, average_length_of_stay_days=2.5),
        Row(encounter_class="ACUTE", discharge_month="2024-04", discharges=1, total_length_of_stay_days=8, average_length_of_stay_days=8.0),
        Row(encounter_class="IMP", discharge_month="2024-05", discharges=1, total_length_of_stay_days=2, average_length_of_stay_days=2.0),
    ]
    assertDataFrameEqual(average_length_of_stay(silver["encounter"]), expected)


def test_every_admission_is_an_index_a_readmission_or_neither(silver):
    roles = {
        "A": ("index", None), "B": ("readmission", "A"), "C": ("index", None), "D": ("readmission", "C"), "E": ("index", None),
        "F": ("not_index", None), "G": ("index", None), "H": ("readmission", "G"), "I": ("in_window", "G"),
        "J": ("not_index", None), "K": ("index", None), "L": ("not_index", None), "M": ("not_index", None),
        "O": ("index", None), "N": ("index", None), "P": ("readmission", "N"),
    }  # fmt: skip
    found = {row["id"]: (row["role"], row["index_id"]) for row in stay_roles(silver["encounter"], silver["patient"]).collect()}
    assert found == roles


def test_readmission_rate_per_closed_discharge_month(silver):
    # January: A (readmitted by B). February: C (by D), G (by H), O (not): 2 of 3. March: only
    # readmissions and excluded stays. April: E, K, neither readmitted. May: window open until 06-30.
    expected = [
        Row(discharge_month="2024-01", index_admissions=1, readmissions_30d=1, readmission_rate=1.0, reference_date=R),
        Row(discharge_month="2024-02", index_admissions=3, readmissions_30d=2, readmission_rate=0.6667, reference_date=R),
        Row(discharge_month="2024-04", index_admissions=2, readmissions_30d=0, readmission_rate=0.0, reference_date=R),
    ]
    assertDataFrameEqual(readmission_rate_30d(silver["encounter"], silver["patient"], R), expected)


def test_a_discharge_month_is_reported_once_its_last_window_day_has_passed(silver):
    # May 31 + 30 days = June 30: still open on June 30, closed on July 1 (N readmitted by P).
    months = {
        on: [row["discharge_month"] for row in readmission_rate_30d(silver["encounter"], silver["patient"], on).collect()]
        for on in (dt.date(2024, 6, 30), dt.date(2024, 7, 1))
    }
    assert {on: sorted(found) for on, found in months.items()} == {
        dt.date(2024, 6, 30): ["2024-01", "2024-02", "2024-04"],
        dt.date(2024, 7, 1): ["2024-01", "2024-02", "2024-04", "2024-05"],
    }


def test_point_prevalence_among_living_patients_on_the_reference_date(silver):
    # Living on R: p1 p2 p3 p6 p8 (p4 and p5 dead, p7 not born) = 5. Diabetes: p1 (c1, c2), p2 (relapse).
    # Hypertension: p6 only (unconfirmed counts; refuted and entered-in-error do not). Pneumonia: p6 (onset
    # on R), p1, p2; the display most cases used. Pharyngitis: inactive, abated or not yet begun: no row.
    expected = [
        Row(code_system="http://snomed.info/sct", code=DIABETES, code_display="Diabetes", patient_count=2, total_patients=5, prevalence=0.4, reference_date=R),
        Row(code_system="http://snomed.info/sct", code=HYPERTENSION, code_display="Hypertensive disorder", patient_count=1, total_patients=5, prevalence=0.2, reference_date=R),
        Row(code_system="http://snomed.info/sct", code=PNEUMONIA, code_display="Pneumonia (disorder)", patient_count=3, total_patients=5, prevalence=0.6, reference_date=R),
    ]  # fmt: skip
    assertDataFrameEqual(condition_prevalence(silver["patient"], silver["condition"], R), expected)


def test_living_patients_by_age_on_the_reference_date_and_gender(silver):
    # p1 74; p2 33; p3 13 (14 the next day); p6 24; p8 unknown. p4, p5 dead; p7 not born.
    expected = [
        Row(age_band="0-17", gender="female", patient_count=1, reference_date=R),
        Row(age_band="18-34", gender="male", patient_count=1, reference_date=R),
        Row(age_band="18-34", gender="other", patient_count=1, reference_date=R),
        Row(age_band="65-74", gender="female", patient_count=1, reference_date=R),
        Row(age_band="unknown", gender="unknown", patient_count=1, reference_date=R),
    ]
    assertDataFrameEqual(patients_by_age_band_gender(silver["patient"], R), expected)


def test_every_measure_has_its_gold_table_columns(silver):
    computed_at = dt.datetime(2024, 6, 15, 7, tzinfo=dt.UTC)
    columns = {measure.table: gold_rows(measure, silver, R, computed_at).columns for measure in MEASURES}
    assert columns == {table: [column.name for column in spec] for table, spec in GOLD_COLUMNS.items()}


def test_encounters_without_a_patient_count_where_no_patient_is_needed_and_uncoded_conditions_nowhere(spark):
    # Prepare: e2 has no subject (a same-day stay with a date-only end), e3 a logical subject, e4 a Group;
    # had e2 or e3 been p1's, one would be a readmission of e1. c1 is text only, c2 a bare code, c4 logical.
    # p2 states no gender, p3 states `unknown`.
    no_patient = {"subject": None}
    logical = {"subject": {"identifier": {"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"}}}
    tables = silver_tables(
        spark,
        [
            patient("p1", "female", "1980-01-01"),
            {"resourceType": "Patient", "id": "p2", "birthDate": "1990-01-01"},
            patient("p3", "unknown", "1990-02-01"),
        ],
        [
            encounter("e1", "p1", "2024-01-10T10:00:00Z", "2024-01-12T10:00:00Z"),
            {k: v for k, v in {**encounter("e2", "p1", "2024-01-20T10:00:00+01:00", "2024-01-20"), **no_patient}.items() if v is not None},
            {**encounter("e3", "p1", "2024-01-25", "2024-01-26"), **logical},
            {**encounter("e4", "p1", "2024-01-05T09:00:00Z", class_code="AMB"), "subject": {"reference": "Group/g1"}},
        ],
        [
            {**condition("c1", "p1", DIABETES), "code": {"text": "Diabetes"}},
            {**condition("c2", "p1", DIABETES), "code": {"coding": [{"code": DIABETES}]}},
            condition("c3", "p2", DIABETES, "Diabetes"),
            {**condition("c4", "p1", DIABETES, "Diabetes"), **logical},
        ],
    )
    encounters, patients, conditions = tables["encounter"], tables["patient"], tables["condition"]
    # Act, Assess: IMP January e1 e2 e3 (2 + 0 + 1 days); only e1 is a stay of a known patient: an index, not readmitted.
    assertDataFrameEqual(
        encounters_by_class_month(encounters),
        [
            Row(encounter_class="IMP", period_month="2024-01", encounter_count=3),
            Row(encounter_class="AMB", period_month="2024-01", encounter_count=1),
        ],
    )
    assertDataFrameEqual(
        average_length_of_stay(encounters),
        [Row(encounter_class="IMP", discharge_month="2024-01", discharges=3, total_length_of_stay_days=3, average_length_of_stay_days=1.0)],
    )
    assertDataFrameEqual(
        readmission_rate_30d(encounters, patients, R),
        [Row(discharge_month="2024-01", index_admissions=1, readmissions_30d=0, readmission_rate=0.0, reference_date=R)],
    )
    # Living: p1 p2 p3. Diabetes: p2 only (c1 and c2 name no code system and code, c4 no patient).
    assertDataFrameEqual(
        condition_prevalence(patients, conditions, R),
        [
            Row(
                code_system="http://snomed.info/sct",
                code=DIABETES,
                code_display="Diabetes",
                patient_count=1,
                total_patients=3,
                prevalence=0.3333,
                reference_date=R,
            )
        ],
    )
    # p2 (no statement) and p3 (`unknown`) are both 34 and counted under `unknown`.
    assertDataFrameEqual(
        patients_by_age_band_gender(patients, R),
        [
            Row(age_band="18-34", gender="unknown", patient_count=2, reference_date=R),
            Row(age_band="35-49", gender="female", patient_count=1, reference_date=R),
        ],
    )

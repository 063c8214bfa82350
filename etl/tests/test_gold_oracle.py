"""The independent Gold implementation (tests/oracle/gold_oracle.py) on small cases worked out by hand."""

import datetime as dt

import pytest
from metriccare_etl.schemas import GOLD_COLUMNS

from .oracle.gold_oracle import gold_rows, latest_versions, load_resources, parse_time, resources_in, silver
from .support import FIXTURES

REFERENCE = dt.date(2024, 6, 30)


def patient(pid, birth=None, gender="female", **extra):
    return {"resourceType": "Patient", "id": pid, "gender": gender, **({"birthDate": birth} if birth else {}), **extra}


def encounter(eid, klass, start=None, end=None, status="finished", subject="Patient/p1", disposition=None):
    resource = {"resourceType": "Encounter", "id": eid, "status": status, "class": {"code": klass}}
    if subject is not None:
        resource["subject"] = {"reference": subject} if isinstance(subject, str) else subject
    period = {key: value for key, value in (("start", start), ("end", end)) if value is not None}
    if period:
        resource["period"] = period
    if disposition:
        resource["hospitalization"] = {"dischargeDisposition": {"coding": [{"code": disposition}]}}
    return resource


def condition(cid, code, subject, clinical="active", display=None, **extra):
    coding = {"system": "http://snomed.info/sct", "code": code, **({"display": display} if display else {})}
    resource = {"resourceType": "Condition", "id": cid, "code": {"coding": [coding]}, "subject": {"reference": subject}, **extra}
    if clinical:
        resource["clinicalStatus"] = {"coding": [{"code": clinical}]}
    return resource


def rows(table, resources, reference=REFERENCE):
    return gold_rows(resources, reference)[table]


def test_every_table_has_the_gold_columns():
    # Prepare
    resources = [patient("p1", "1980-01-01"), encounter("e1", "IMP", "2024-01-01", "2024-01-02"), condition("c1", "1", "Patient/p1")]

    # Act
    result = gold_rows(resources, REFERENCE)

    # Assess
    for table, columns in GOLD_COLUMNS.items():
        assert result[table], table
        assert [list(row) for row in result[table]] == [[column.name for column in columns]] * len(result[table])


def test_encounters_by_class_month_counts_held_encounters_by_local_start_month():
    resources = [
        encounter("a1", "AMB", "2024-01-31T21:00:00-05:00"),  # 02:00 UTC on Feb 1st, but January where it happened
        encounter("a2", "AMB", "2024-01-05", status="in-progress"),
        encounter("a3", "AMB", "2024-01-07", status="cancelled"),  # counts nowhere
        encounter("a4", "AMB", "2024-01-08", status="entered-in-error"),  # counts nowhere
        encounter("i1", "IMP", "2024-02-10T10:00:00+01:00", "2024-02-12"),
        encounter("n1", "EMER"),  # no start: left out
    ]

    assert rows("encounters_by_class_month", resources) == [
        {"encounter_class": "AMB", "period_month": "2024-01", "encounter_count": 2, "computed_at": None},  # a1 + a2
        {"encounter_class": "IMP", "period_month": "2024-02", "encounter_count": 1, "computed_at": None},
    ]


def test_average_length_of_stay_is_over_finished_inpatient_stays_per_discharge_month():
    resources = [
        encounter("s1", "IMP", "2024-02-10T10:00:00+01:00", "2024-02-14T09:00:00+01:00"),  # 14 - 10 = 4 days
        encounter("s2", "IMP", "2024-02-20T08:00:00+01:00", "2024-02-20T23:00:00+01:00"),  # same day = 0
        encounter("s3", "IMP", "2024-01-31T20:00:00-05:00", "2024-02-01T10:00:00-05:00"),  # Feb 1 - Jan 31 = 1
        encounter("s4", "ACUTE", "2024-03-01", "2024-03-04"),  # 3
        encounter("s5", "IMP", "2024-03-01", "2024-03-09", status="in-progress"),  # not finished
        encounter("s6", "AMB", "2024-03-01", "2024-03-02"),  # not inpatient
        encounter("s7", "NONAC", "2024-03-01"),  # no end
    ]

    assert rows("average_length_of_stay", resources) == [
        # 1 discharge of 3 days: 3 / 1 = 3.0
        {
            "encounter_class": "ACUTE",
            "discharge_month": "2024-03",
            "discharges": 1,
            "total_length_of_stay_days": 3,
            "average_length_of_stay_days": 3.0,
            "computed_at": None,
        },
        # 4 + 0 + 1 = 5 days over 3 discharges: 5 / 3 = 1.666.. -> 1.67
        {
            "encounter_class": "IMP",
            "discharge_month": "2024-02",
            "discharges": 3,
            "total_length_of_stay_days": 5,
            "average_length_of_stay_days": 1.67,
            "computed_at": None,
        },
    ]


def _readmission_cohort():
    return [
        patient("p1"),
        patient("p4", deceasedDateTime="2024-01-22T12:00:00Z"),
        # p1: A index (discharged Jan 5), B starts Jan 20 (15 days: readmission of A), C starts Feb 10,
        # 36 days after A's discharge: a new index (never compared with B).
        encounter("A", "IMP", "2024-01-01", "2024-01-05", subject="Patient/p1"),
        encounter("B", "IMP", "2024-01-20", "2024-01-25", subject="Patient/p1"),
        encounter("C", "IMP", "2024-02-10", "2024-02-12", subject="Patient/p1"),
        # p2: D discharged Jan 10 at 23:00 local (Jan 11 in UTC); E starts Feb 9 local: day 30, a readmission;
        # F starts the same day: a second admission in D's window counts neither as readmission nor as index.
        encounter("D", "ACUTE", "2024-01-08T08:00:00-05:00", "2024-01-10T23:00:00-05:00", subject="Patient/p2"),
        encounter("E", "ACUTE", "2024-02-09T01:00:00-05:00", "2024-02-09T05:00:00-05:00", subject="Patient/p2"),
        encounter("F", "ACUTE", "2024-02-09T06:00:00-05:00", "2024-02-10T05:00:00-05:00", subject="Patient/p2"),
        # p3: G expired: excluded, opens no window, so H (2 days later) is no readmission but an index.
        encounter("G", "IMP", "2024-01-14", "2024-01-16", subject="Patient/p3", disposition="exp"),
        encounter("H", "IMP", "2024-01-18", "2024-01-19", subject="Patient/p3"),
        # p4 died on the day of discharge: excluded.
        encounter("I", "IMP", "2024-01-20", "2024-01-22", subject="Patient/p4"),
        # p5: J discharged Jan 3, K starts Feb 3: 31 days, no readmission; K is February's index.
        encounter("J", "IMP", "2024-01-02", "2024-01-03", subject="urn:uuid:p5"),
        encounter("K", "IMP", "2024-02-03", "2024-02-04", subject="urn:uuid:p5"),
        encounter("L", "IMP", "2024-01-03", "2024-01-04", subject="Patient/p6", status="cancelled"),  # not held
    ]


def test_readmission_rate_follows_the_index_and_window_rules():
    result = rows("readmission_rate_30d", _readmission_cohort(), reference=dt.date(2024, 4, 15))

    assert result == [
        # January's index admissions: A, D, H, J = 4; readmissions: B (of A), E (of D) = 2; 2 / 4 = 0.5
        {
            "discharge_month": "2024-01",
            "index_admissions": 4,
            "readmissions_30d": 2,
            "readmission_rate": 0.5,
            "reference_date": dt.date(2024, 4, 15),
            "computed_at": None,
        },
        # February's: C and K = 2, no readmission: 0 / 2 = 0.0 (F is in D's window after E)
        {
            "discharge_month": "2024-02",
            "index_admissions": 2,
            "readmissions_30d": 0,
            "readmission_rate": 0.0,
            "reference_date": dt.date(2024, 4, 15),
            "computed_at": None,
        },
    ]


def test_a_month_is_reported_only_once_its_window_closed():
    # February 2024 ends on the 29th; + 30 days = March 30, which must be before the reference date.
    on_the_day = rows("readmission_rate_30d", _readmission_cohort(), reference=dt.date(2024, 3, 30))
    the_day_after = rows("readmission_rate_30d", _readmission_cohort(), reference=dt.date(2024, 3, 31))

    assert [row["discharge_month"] for row in on_the_day] == ["2024-01"]  # Jan 31 + 30 = Mar 1 < Mar 30
    assert [row["discharge_month"] for row in the_day_after] == ["2024-01", "2024-02"]


def test_condition_prevalence_counts_living_cases_at_the_reference_date():
    resources = [
        patient("p1", "1980-05-01"),
        patient("p2", "1990-01-01"),
        patient("p6", "2000-01-01"),
        patient("p3", "1950-01-01", deceasedDateTime="2024-05-01"),  # dead before the reference date
        patient("p4", "2024-07-01"),  # born after it
        patient("p5", "1960-01-01", deceasedBoolean=True),
        condition("x1", "X", "Patient/p1", display="Xa", onsetDateTime="2020"),
        condition("x2", "X", "Patient/p1", display="Another name"),  # same patient: still one case
        condition("x3", "X", "Patient/p2", clinical="resolved"),
        condition("x4", "X", "Patient/p3"),
        condition("x5", "X", "Patient/p5"),
        condition("x6", "X", "Patient/missing"),  # no such patient in Silver: left out
        condition("y1", "Y", "Patient/p2", display="Why", abatementDateTime="2024-07-01"),  # abates after: a case
        condition("y2", "Y", "Patient/p1", abatementDateTime="2024-06-30T10:00:00+02:00"),  # abates on the day: no case
        condition("z1", "Z", "Patient/p2", verificationStatus={"coding": [{"code": "refuted"}]}),
        condition("w1", "W", "Patient/p1", onsetDateTime="2024-07-01"),  # not yet
        condition("v1", "V", "Patient/p1", clinical=None),  # no clinicalStatus: not known to be active
    ]

    result = rows("condition_prevalence", resources)

    # Living on 2024-06-30: p1, p2, p6 = 3. X: p1 = 1 / 3 = 0.3333; Y: p2 = 1 / 3 = 0.3333.
    # X's counted conditions x1 ("Xa") and x2 ("Another name") tie 1-1: the alphabetically first wins.
    assert result == [
        {
            "code_system": "http://snomed.info/sct",
            "code": "X",
            "code_display": "Another name",
            "patient_count": 1,
            "total_patients": 3,
            "prevalence": 0.3333,
            "reference_date": REFERENCE,
            "computed_at": None,
        },
        {
            "code_system": "http://snomed.info/sct",
            "code": "Y",
            "code_display": "Why",
            "patient_count": 1,
            "total_patients": 3,
            "prevalence": 0.3333,
            "reference_date": REFERENCE,
            "computed_at": None,
        },
    ]


def test_patients_by_age_band_gender_uses_completed_years_on_the_reference_date():
    resources = [
        patient("a", "2006-07-01"),  # 17 until tomorrow
        patient("b", "2006-06-30"),  # 18 today
        patient("c", "1990", gender="male"),  # partial: 1990-01-01, so 34
        patient("d", "1939-06-30"),  # 85 today
        patient("e", gender="other"),  # no birth date
        patient("f", "1950-01-01", deceasedDateTime="2024-06-30T08:00:00+02:00"),  # dies on the day: not living
        patient("g", "1950-01-01", deceasedDateTime="2024-07-01"),  # dies after: living, 74
    ]

    assert [(row["age_band"], row["gender"], row["patient_count"]) for row in rows("patients_by_age_band_gender", resources)] == [
        ("0-17", "female", 1),
        ("18-34", "female", 1),
        ("18-34", "male", 1),
        ("65-74", "female", 1),
        ("85+", "female", 1),
        ("unknown", "other", 1),
    ]


@pytest.mark.parametrize(
    ("resources", "quarantined"),
    [
        # A year-only death in the birth year, an abatement in the onset month, a date-only end on the day of
        # a timed start: the periods overlap, so R4 (and the README) accept them.
        ([patient("p", "2020-06-15", deceasedDateTime="2020")], {}),
        ([condition("c", "X", "Patient/p", onsetDateTime="2019-05-20", abatementDateTime="2019-05")], {}),
        ([encounter("e", "IMP", "2024-02-10T10:00:00+01:00", "2024-02-10")], {}),
        # A logical reference (identifier only), no subject at all (Encounter.subject is 0..1), a Group.
        ([encounter("e", "AMB", "2024-01-01", subject={"identifier": {"system": "urn:mrn", "value": "7"}})], {}),
        ([encounter("e", "AMB", "2024-01-01", subject=None)], {}),
        ([encounter("e", "AMB", "2024-01-01", subject="Group/g1")], {}),
        # A text-only code (Condition.code is 0..1, a CodeableConcept may be text alone).
        ([{"resourceType": "Condition", "id": "c", "code": {"text": "headache"}, "subject": {"reference": "Patient/p"}}], {}),
        # Really out of order: the periods cannot overlap.
        ([patient("p", "2020-06-15", deceasedDateTime="2019")], {("Patient", "deceased_before_birth"): 1}),
        ([encounter("e", "IMP", "2024-02-10T10:00:00+01:00", "2024-02-09")], {("Encounter", "period_end_before_start"): 1}),
        (
            [condition("c", "X", "Patient/p", onsetDateTime="2019-05-20", abatementDateTime="2019-04")],
            {("Condition", "abatement_before_onset"): 1},
        ),
        # Condition.subject is 1..1; a subject must be a Patient or a Group.
        ([{"resourceType": "Condition", "id": "c", "code": {"text": "headache"}}], {("Condition", "missing_subject"): 1}),
        ([encounter("e", "AMB", "2024-01-01", subject="Practitioner/1")], {("Encounter", "invalid_subject_reference"): 1}),
        # An absent gender says nothing; "F" is no R4 gender.
        ([{"resourceType": "Patient", "id": "p"}], {}),
        ([patient("p", gender="F")], {("Patient", "invalid_gender"): 1}),
    ],
)
def test_what_the_readme_quarantines_follows_r4(resources, quarantined):
    assert dict(silver(resources, REFERENCE).quarantined) == quarantined


def test_an_encounter_without_a_literal_patient_counts_where_no_patient_is_needed():
    # Prepare: e2 would be e1's readmission if its patient were known.
    resources = [
        encounter("e1", "IMP", "2024-01-01", "2024-01-03"),
        encounter("e2", "IMP", "2024-01-10", "2024-01-10", subject={"identifier": {"value": "7"}}),
    ]

    # Act
    result = gold_rows(resources, REFERENCE)

    # Assess: both counted by class and month and in the length of stay (2 + 0 days), e1 alone an index.
    assert result["encounters_by_class_month"] == [
        {"encounter_class": "IMP", "period_month": "2024-01", "encounter_count": 2, "computed_at": None}
    ]
    assert [(row["discharges"], row["total_length_of_stay_days"]) for row in result["average_length_of_stay"]] == [(2, 2)]
    assert [(row["index_admissions"], row["readmissions_30d"]) for row in result["readmission_rate_30d"]] == [(1, 0)]


def test_a_partial_value_used_as_a_date_is_its_first_day_but_never_before_what_it_follows():
    # Prepare: a death in 2020 of a patient born 2020-06-15; a stay from 2024-02-10 ending in 2024-02.
    data = silver(
        [patient("p", "2020-06-15", deceasedDateTime="2020"), encounter("e", "IMP", "2024-02-10T10:00:00+01:00", "2024-02")],
        REFERENCE,
    )

    # Act, Assess: the death counts from the birth; the stay ends in February but has no length in days.
    assert data.patients["p"].death_date == dt.date(2020, 6, 15)
    assert data.encounters[0].discharge_date == dt.date(2024, 2, 10)
    assert gold_rows([encounter("e", "IMP", "2024-02-10T10:00:00+01:00", "2024-02")], REFERENCE)["average_length_of_stay"] == []


def test_gender_absent_counts_as_unknown_in_gold():
    resources = [{"resourceType": "Patient", "id": "a", "birthDate": "1990-01-01"}, patient("b", "1990-01-01", gender="unknown")]

    assert [(row["age_band"], row["gender"], row["patient_count"]) for row in rows("patients_by_age_band_gender", resources)] == [
        ("18-34", "unknown", 2)
    ]


def test_a_leap_second_is_a_valid_second_that_keeps_its_date():
    value = parse_time("2016-12-31T23:59:60Z")

    assert value.local_date == dt.date(2016, 12, 31)
    assert value.instant == dt.datetime(2016, 12, 31, 23, 59, 59, 999_999, dt.UTC)
    assert rows("encounters_by_class_month", [encounter("e", "AMB", "2016-12-31T23:59:60Z")])[0]["period_month"] == "2016-12"


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13", "2024-01-01T24:00:00Z", "2024-01-01T10:00:61Z", "20240101"])
def test_values_that_are_no_date_or_time_are_not_times(text):
    assert parse_time(text) is None


def test_a_time_without_seconds_or_offset_is_read_as_the_readme_says():
    # R4 requires both; the README reads second 0 and UTC.
    assert parse_time("2024-01-01T10:00").instant == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    assert parse_time("2024-01-01T10:00:30+02:00").instant == dt.datetime(2024, 1, 1, 8, 0, 30, tzinfo=dt.UTC)


def test_the_latest_version_of_an_id_wins_and_unkeyable_resources_land_nowhere():
    old = patient("p1", "1980-01-01", meta={"lastUpdated": "2024-01-01T00:00:00Z"})
    new = patient("p1", "1981-01-01", meta={"lastUpdated": "2024-01-01T01:00:00+02:00"})  # 23:00 UTC the day before: older
    newest = patient("p1", "1982-01-01", meta={"lastUpdated": "2024-01-02T00:00:00Z"})
    bad_id = patient("p_2", "1980-01-01")
    no_id = {"resourceType": "Patient", "gender": "male"}

    latest = latest_versions([old, newest, new, bad_id, no_id])

    assert list(latest) == [("Patient", "p1")]
    assert latest[("Patient", "p1")]["birthDate"] == "1982-01-01"


def test_bundles_are_unwrapped_and_resource_types_match_exactly():
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:abc", "resource": {"resourceType": "Patient", "gender": "male"}},  # id from fullUrl
            {"resource": {"resourceType": "patient", "id": "lower"}},  # not an R4 resource type
            {"resource": {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Condition", "id": "c"}}]}},
            {"resource": {"resourceType": "Observation", "id": "o"}},
            {"request": {"method": "DELETE", "url": "Patient/x"}},
        ],
    }

    assert [(r["resourceType"], r["id"]) for r in resources_in(bundle)] == [("Patient", "abc"), ("Condition", "c")]


def test_the_r4_probe_files_give_the_gold_their_readme_works_out_by_hand():
    # Prepare: tests/fixtures/r4-probe/, whose README works out these rows; test_real_fhir_data runs them through the jobs.
    resources = load_resources(FIXTURES / "r4-probe")

    # Act
    result = gold_rows(resources, REFERENCE)

    # Assess: no patient needed by class and month (05, 06); the same-day stay 0 days (04); no prevalence row
    # (03 resolved, 07 uncoded); the infant dead, the other three 44 on 2024-06-30; the lowercase "patient" nowhere.
    assert [(row["encounter_class"], row["period_month"], row["encounter_count"]) for row in result["encounters_by_class_month"]] == [
        ("AMB", "2016-12", 1),
        ("AMB", "2024-03", 2),
        ("EMER", "2024-04", 1),
        ("EMER", "2024-05", 1),
        ("IMP", "2024-02", 1),
    ]
    assert [tuple(row.values())[:5] for row in result["average_length_of_stay"]] == [("IMP", "2024-02", 1, 0, 0.0)]
    assert [tuple(row.values())[:4] for row in result["readmission_rate_30d"]] == [("2024-02", 1, 0, 0.0)]
    assert result["condition_prevalence"] == []
    assert [(row["age_band"], row["gender"], row["patient_count"]) for row in result["patients_by_age_band_gender"]] == [
        ("35-49", "female", 1),
        ("35-49", "male", 1),
        ("35-49", "other", 1),
    ]

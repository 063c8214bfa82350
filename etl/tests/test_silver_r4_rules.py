"""Silver on the real Spark against the R4 rules of etl/README.md ("Partial dates", "Leap seconds",
"Subjects and references", "Codes", "Gender"): one table of cases per rule, each expected value worked out
from the R4 text (Period.end includes its whole day; a partial date is a period; Encounter.subject 0..1,
Condition.subject 1..1, both Reference(Patient | Group); Condition.code 0..1; an absent gender says nothing)."""

import datetime as dt

import pytest

from .gold_support import SNOMED, Flattened, naive_utc

OVERLAP = " (the two periods cannot overlap)"


def patient(patient_id, **fields):
    return {"resourceType": "Patient", "id": patient_id, **fields}


def encounter(encounter_id, start=None, end=None, **fields):
    resource = {"resourceType": "Encounter", "id": encounter_id, "status": "finished", "class": {"code": "IMP"}}
    resource["subject"] = {"reference": "Patient/p1"}
    period = {key: value for key, value in (("start", start), ("end", end)) if value is not None}
    if period:
        resource["period"] = period
    resource.update(fields)
    return {key: value for key, value in resource.items() if value is not None}


def condition(condition_id, onset=None, abatement=None, **fields):
    resource = {
        "resourceType": "Condition",
        "id": condition_id,
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": SNOMED, "code": "195662009"}]},
    }
    if onset:
        resource["onsetDateTime"] = onset
    if abatement:
        resource["abatementDateTime"] = abatement
    resource.update(fields)
    return {key: value for key, value in resource.items() if value is not None}


def outcome(flattened, resource_id, columns):
    """The listed Silver values of an accepted resource, or its quarantine reasons."""
    if resource_id in flattened.rows:
        return tuple(flattened.rows[resource_id][column] for column in columns)
    return flattened.rejections(resource_id)


# Partial dates, Patient: (birthDate, deceasedDateTime, (deceased_date, age, age_band) or the rejections).
# Age is on the death date; a partial death counts from its first day but never before the birth.
DEATHS = [
    ("2020-06-15", "2020", (dt.date(2020, 6, 15), 0, "0-17")),
    ("2020-06-15", "2020-06", (dt.date(2020, 6, 15), 0, "0-17")),
    ("2020-06-15", "2020-12", (dt.date(2020, 12, 1), 0, "0-17")),
    ("2020-06-15", "2021", (dt.date(2021, 1, 1), 0, "0-17")),
    ("1950-03-01", "2024", (dt.date(2024, 1, 1), 73, "65-74")),
    ("2020", "2020-03-01", (dt.date(2020, 3, 1), 0, "0-17")),
    ("2020-06-15", "2020-06-15T08:00:00+02:00", (dt.date(2020, 6, 15), 0, "0-17")),
    ("2020-06-15", "2019", [("deceased_before_birth", f"deceasedDateTime 2019 is before birthDate 2020-06-15{OVERLAP}")]),
    ("2020-06-15", "2020-05", [("deceased_before_birth", f"deceasedDateTime 2020-05 is before birthDate 2020-06-15{OVERLAP}")]),
    (
        "2020-06-15",
        "2020-06-14T23:00:00-05:00",
        [("deceased_before_birth", f"deceasedDateTime 2020-06-14T23:00:00-05:00 is before birthDate 2020-06-15{OVERLAP}")],
    ),
]


def test_partial_dates_a_death_conflicts_with_the_birth_only_when_their_periods_cannot_overlap(spark):
    # Prepare
    resources = [patient(f"p{index}", birthDate=birth, deceasedDateTime=death) for index, (birth, death, _) in enumerate(DEATHS)]
    # Act
    flattened = Flattened(spark, "patient", resources)
    # Assess
    found = [outcome(flattened, f"p{index}", ("deceased_date", "age", "age_band")) for index in range(len(DEATHS))]
    assert found == [expected for *_, expected in DEATHS]


# Partial dates, Condition: (onsetDateTime, abatementDateTime, (onset_date, abatement_date) or the rejections).
ABATEMENTS = [
    ("2019-05-20", "2019-05", (dt.date(2019, 5, 20), dt.date(2019, 5, 20))),
    ("2019-05-20", "2019", (dt.date(2019, 5, 20), dt.date(2019, 5, 20))),
    ("2019-05-20", "2019-06", (dt.date(2019, 5, 20), dt.date(2019, 6, 1))),
    ("2019", "2019-02-01", (dt.date(2019, 1, 1), dt.date(2019, 2, 1))),
    ("2019-05-20T10:00:00Z", "2019-05-20", (dt.date(2019, 5, 20), dt.date(2019, 5, 20))),
    ("2019-05-20", "2019-04", [("abatement_before_onset", f"abatement 2019-04 is before onset 2019-05-20{OVERLAP}")]),
    ("2019-05-20", "2018", [("abatement_before_onset", f"abatement 2018 is before onset 2019-05-20{OVERLAP}")]),
    (
        "2019-05-20T10:00:00Z",
        "2019-05-20T09:00:00Z",
        [("abatement_before_onset", f"abatement 2019-05-20T09:00:00Z is before onset 2019-05-20T10:00:00Z{OVERLAP}")],
    ),
]


def test_partial_dates_an_abatement_conflicts_with_the_onset_only_when_their_periods_cannot_overlap(spark):
    # Prepare
    resources = [condition(f"c{index}", onset, abatement) for index, (onset, abatement, _) in enumerate(ABATEMENTS)]
    # Act
    flattened = Flattened(spark, "condition", resources)
    # Assess
    found = [outcome(flattened, f"c{index}", ("onset_date", "abatement_date")) for index in range(len(ABATEMENTS))]
    assert found == [expected for *_, expected in ABATEMENTS]


# Period.end includes any matching date/time: (start, end, (period_end_date, length_of_stay_days,
# length_of_stay_hours, period_start_month) or the rejections). Days need both ends to the day, hours both times.
STAYS = [
    ("2024-02-10T10:00:00+01:00", "2024-02-10", (dt.date(2024, 2, 10), 0, None, "2024-02")),
    ("2024-02-10T10:00:00+01:00", "2024-02-12", (dt.date(2024, 2, 12), 2, None, "2024-02")),
    ("2024-02-10T23:30:00-05:00", "2024-02-10", (dt.date(2024, 2, 10), 0, None, "2024-02")),
    ("2024-02-10T10:00:00+01:00", "2024-02", (dt.date(2024, 2, 10), None, None, "2024-02")),
    ("2024-02-10", "2024-02-10", (dt.date(2024, 2, 10), 0, None, "2024-02")),
    ("2024-02-10T10:00:00+01:00", "2024-02-10T12:30:00+01:00", (dt.date(2024, 2, 10), 0, 2.5, "2024-02")),
    (
        "2024-02-10T10:00:00+01:00",
        "2024-02-09",
        [("period_end_before_start", f"period.end 2024-02-09 is before period.start 2024-02-10T10:00:00+01:00{OVERLAP}")],
    ),
    (
        "2024-02-11T01:00:00+01:00",
        "2024-02-10",
        [("period_end_before_start", f"period.end 2024-02-10 is before period.start 2024-02-11T01:00:00+01:00{OVERLAP}")],
    ),
]


def test_a_date_only_end_includes_its_whole_day(spark):
    # Prepare
    resources = [encounter(f"e{index}", start, end) for index, (start, end, _) in enumerate(STAYS)]
    # Act
    flattened = Flattened(spark, "encounter", resources)
    # Assess
    columns = ("period_end_date", "length_of_stay_days", "length_of_stay_hours", "period_start_month")
    found = [outcome(flattened, f"e{index}", columns) for index in range(len(STAYS))]
    assert found == [expected for *_, expected in STAYS]


# Leap seconds: (start, end, (period_start, period_start_date, period_start_month, days, hours) or the rejections).
LEAP_SECONDS = [
    (
        "2016-12-31T23:59:60Z",
        "2017-01-01T00:30:00Z",
        (naive_utc(2016, 12, 31, 23, 59, 59, 999999), dt.date(2016, 12, 31), "2016-12", 1, 0.5),
    ),
    (
        "2016-12-31T18:59:60-05:00",
        "2016-12-31T20:00:00-05:00",
        (naive_utc(2016, 12, 31, 23, 59, 59, 999999), dt.date(2016, 12, 31), "2016-12", 0, 1.0),
    ),
    ("2016-12-31T23:59:61Z", None, [("invalid_period", 'period.start "2016-12-31T23:59:61Z" is not a FHIR date/dateTime')]),
    (
        "2017-01-01T00:00:00Z",
        "2016-12-31T23:59:60Z",
        [("period_end_before_start", f"period.end 2016-12-31T23:59:60Z is before period.start 2017-01-01T00:00:00Z{OVERLAP}")],
    ),
]


def test_a_leap_second_is_read_whole_as_the_last_microsecond_of_second_59(spark):
    # Prepare
    resources = [encounter(f"e{index}", start, end) for index, (start, end, _) in enumerate(LEAP_SECONDS)]
    # Act
    flattened = Flattened(spark, "encounter", resources)
    # Assess
    columns = ("period_start", "period_start_date", "period_start_month", "length_of_stay_days", "length_of_stay_hours")
    found = [outcome(flattened, f"e{index}", columns) for index in range(len(LEAP_SECONDS))]
    assert found == [expected for *_, expected in LEAP_SECONDS]


SUBJECT_FORMS = "Patient/<id> or Group/<id>, either also as an absolute URL, urn:uuid:<id>, urn:oid:<oid> or #<contained id>"
LOGICAL = {"identifier": {"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"}}
# Subjects: (subject element or None, Encounter outcome, Condition outcome); an outcome is
# (patient_id, patient_reference) or the rejections.
SUBJECTS = [
    ({"reference": "Patient/p1"}, ("p1", "Patient/p1"), ("p1", "Patient/p1")),
    ({"reference": "urn:uuid:pr-b1"}, ("pr-b1", "urn:uuid:pr-b1"), ("pr-b1", "urn:uuid:pr-b1")),
    (
        None,
        (None, None),
        [("missing_subject", "subject is missing: Condition.subject is required (1..1), a Patient or Group reference or an identifier")],
    ),
    (LOGICAL, (None, None), (None, None)),
    ({"display": "Ana Rivera"}, (None, None), (None, None)),
    ({"reference": "Group/g1"}, (None, "Group/g1"), (None, "Group/g1")),
    ({"reference": "#p1"}, (None, "#p1"), (None, "#p1")),
    (
        {"reference": "Practitioner/dr-1"},
        [("invalid_subject_reference", f'subject.reference "Practitioner/dr-1" is not a Patient or Group reference ({SUBJECT_FORMS})')],
        [("invalid_subject_reference", f'subject.reference "Practitioner/dr-1" is not a Patient or Group reference ({SUBJECT_FORMS})')],
    ),
    (
        {"reference": "patient/p1"},
        [("invalid_subject_reference", f'subject.reference "patient/p1" is not a Patient or Group reference ({SUBJECT_FORMS})')],
        [("invalid_subject_reference", f'subject.reference "patient/p1" is not a Patient or Group reference ({SUBJECT_FORMS})')],
    ),
]


@pytest.mark.parametrize(("table", "make", "position"), [("encounter", encounter, 1), ("condition", condition, 2)])
def test_a_subject_without_a_literal_patient_is_kept_with_its_patient_unknown(spark, table, make, position):
    # Prepare: Encounter.subject is 0..1, Condition.subject 1..1; both may be logical or a Group.
    resources = [{**make(f"s{index}"), "subject": subject} for index, (subject, *_) in enumerate(SUBJECTS)]
    # Act
    flattened = Flattened(spark, table, [{key: value for key, value in resource.items() if value is not None} for resource in resources])
    # Assess
    found = [outcome(flattened, f"s{index}", ("patient_id", "patient_reference")) for index in range(len(SUBJECTS))]
    assert found == [case[position] for case in SUBJECTS]


# Condition.code is 0..1 and may be text alone: (code, (code_system, code, code_display)).
CODES = [
    ({"coding": [{"system": SNOMED, "code": "25064002", "display": "Headache"}]}, (SNOMED, "25064002", "Headache")),
    ({"text": "Headache"}, (None, None, "Headache")),
    ({"coding": [{"code": "25064002"}], "text": "Headache"}, (None, "25064002", "Headache")),
    (None, (None, None, None)),
]


def test_a_condition_without_a_coded_code_is_kept_without_one(spark):
    # Prepare
    resources = [condition(f"c{index}", code=code) for index, (code, _) in enumerate(CODES)]
    # Act
    flattened = Flattened(spark, "condition", resources)
    # Assess
    found = [outcome(flattened, f"c{index}", ("code_system", "code", "code_display")) for index in range(len(CODES))]
    assert found == [expected for _, expected in CODES]


# Gender: (the element, Silver's gender or the rejections); absent is no statement, `unknown` a statement.
GENDERS = [
    (None, None),
    ("unknown", "unknown"),
    ("female", "female"),
    ("F", [("invalid_gender", 'gender "F" is not one of male, female, other, unknown')]),
]


def test_an_absent_gender_stays_absent(spark):
    # Prepare
    resources = [patient(f"p{index}", **({"gender": gender} if gender else {})) for index, (gender, _) in enumerate(GENDERS)]
    # Act
    flattened = Flattened(spark, "patient", resources)
    # Assess
    found = [outcome(flattened, f"p{index}", ("gender",)) for index in range(len(GENDERS))]
    assert found == [expected if isinstance(expected, list) else (expected,) for _, expected in GENDERS]

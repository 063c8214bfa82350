"""FHIR Reference elements read as Spark columns (`fhir.references`), one row per reference as Silver reads them."""

import json

import pytest
from metriccare_etl.fhir.references import FHIR_ID, is_empty_reference, reference_id, reference_text, refers_to_patient_or_group
from pyspark.sql import functions as F

UUID = "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30"
# (the Reference element, the type the element should point at, the id read, or None)
CASES = [
    ({"reference": "Patient/123"}, "Patient", "123"),
    ({"reference": " Patient/123 "}, "Patient", "123"),
    ({"reference": "Encounter/e-1/_history/4"}, "Encounter", "e-1"),
    ({"reference": f"urn:uuid:{UUID}"}, "Patient", UUID),
    ({"reference": f"urn:uuid:{UUID}", "type": "Patient"}, "Patient", UUID),
    ({"reference": f"urn:uuid:{UUID}", "type": "Group"}, "Patient", None),
    ({"reference": "https://fhir.example.org/r4/Patient/123"}, "Patient", "123"),
    ({"reference": "http://hapi.example.org/Patient/abc/_history/2"}, "Patient", "abc"),
    ({"reference": "Group/g1"}, "Patient", None),
    ({"reference": "Patient/p1"}, "Encounter", None),
    ({"reference": "#contained-1"}, "Patient", None),
    ({"reference": ""}, "Patient", None),
    ({"reference": "Patient"}, "Patient", None),
    ({"reference": "Patient/"}, "Patient", None),
    ({"reference": "patient/123"}, "Patient", None),
    ({"reference": "Patient/has space"}, "Patient", None),
    ({"reference": f"Patient/{'x' * 65}"}, "Patient", None),
    ({"reference": "urn:uuid:pr-b1"}, "Patient", "pr-b1"),  # an id, as Bronze takes it from fullUrl urn:uuid:pr-b1
    ({"reference": "urn:uuid:has space"}, "Patient", None),
    ({"reference": "urn:oid:1.2.3"}, "Patient", None),
    ({"reference": "https://example.org"}, "Patient", None),
    ({"reference": "https://example.org/Patient"}, "Patient", None),
    ({"reference": 42}, "Patient", None),
    ({"display": "Ana"}, "Patient", None),
    (None, "Patient", None),
]


def test_reference_id_reads_the_id_of_a_reference_to_the_expected_type(spark):
    # Prepare: each element as the raw JSON text Silver's `from_json` hands over
    rows = [(index, None if element is None else json.dumps(element), expected) for index, (element, expected, _) in enumerate(CASES)]
    frame = spark.createDataFrame(rows, "case int, element string, expected string")
    # Act
    read = frame.select(
        "case",
        F.when(F.col("expected") == "Patient", reference_id(F.col("element"), "Patient"))
        .otherwise(reference_id(F.col("element"), "Encounter"))
        .alias("id"),
    ).collect()
    # Assess
    assert sorted((row["case"], row["id"]) for row in read) == [(index, case[2]) for index, case in enumerate(CASES)]


def test_reference_text_is_the_reference_as_written_or_null(spark):
    # Prepare
    elements = [json.dumps({"reference": "Patient/123"}), json.dumps({"reference": ""}), json.dumps({"display": "Ana"}), None]
    frame = spark.createDataFrame([(element,) for element in elements], "element string")
    # Act
    texts = [row[0] for row in frame.select(reference_text(F.col("element"))).collect()]
    # Assess
    assert texts == ["Patient/123", None, None, None]


# (a subject element, whether its `reference` is one R4's Reference(Patient | Group) allows, whether it says nothing)
SUBJECTS = [
    ({"reference": "Patient/p1"}, True, False),
    ({"reference": f"urn:uuid:{UUID}"}, True, False),
    ({"reference": "Group/g1"}, True, False),
    ({"reference": "https://fhir.example.org/Group/g1/_history/2"}, True, False),
    ({"reference": "#p1"}, True, False),
    ({"reference": "urn:oid:1.2.36.146.595.217.0.1"}, True, False),
    ({"reference": "Practitioner/dr-1"}, False, False),
    ({"reference": "patient/123"}, False, False),
    ({"reference": "Patient/has space"}, False, False),
    ({"reference": "urn:oid:not.an.oid"}, False, False),
    ({"identifier": {"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"}}, False, False),
    ({"display": "Ana Rivera"}, False, False),
    ({}, False, True),
    ({"reference": "", "display": ""}, False, True),
    (None, False, True),
]


def test_a_subject_reference_must_name_a_patient_or_a_group_and_may_be_left_out_or_logical(spark):
    # Prepare
    rows = [(index, None if element is None else json.dumps(element)) for index, (element, _, _) in enumerate(SUBJECTS)]
    frame = spark.createDataFrame(rows, "case int, element string")
    # Act
    read = frame.select(
        "case",
        refers_to_patient_or_group(F.col("element")).alias("literal"),
        is_empty_reference(F.col("element")).alias("empty"),
    ).collect()
    # Assess: a logical, display-only or empty subject has no literal reference at all (null, not false)
    assert sorted((row["case"], bool(row["literal"]), row["empty"]) for row in read) == [
        (index, literal, empty) for index, (_, literal, empty) in enumerate(SUBJECTS)
    ]


@pytest.mark.parametrize(
    ("text", "valid"), [("p1", True), (UUID, True), ("a.b-C", True), ("x" * 64, True), ("x" * 65, False), ("a b", False), ("", False)]
)
def test_fhir_id_is_1_to_64_letters_digits_dashes_and_dots(text, valid):
    assert bool(FHIR_ID.match(text)) is valid

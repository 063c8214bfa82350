import unittest

from metriccare_etl.fhir.references import ParsedReference, parse_reference, reference_id


class ParseReferenceTest(unittest.TestCase):
    def test_relative_references(self):
        self.assertEqual(parse_reference("Patient/123"), ParsedReference("Patient", "123"))
        self.assertEqual(parse_reference("Encounter/e-1/_history/4"), ParsedReference("Encounter", "e-1", "4"))

    def test_urn_uuid_references_carry_the_uuid_as_id_and_no_type(self):
        self.assertEqual(
            parse_reference("urn:uuid:6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30"),
            ParsedReference(None, "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30"),
        )

    def test_absolute_urls_keep_the_server_base(self):
        self.assertEqual(
            parse_reference("https://fhir.example.org/r4/Patient/123"),
            ParsedReference("Patient", "123", None, "https://fhir.example.org/r4"),
        )
        self.assertEqual(
            parse_reference("http://hapi.example.org/Patient/abc/_history/2"),
            ParsedReference("Patient", "abc", "2", "http://hapi.example.org"),
        )

    def test_unusable_references_give_none(self):
        for text in (
            "#contained-1",
            "",
            "Patient",
            "Patient/",
            "patient/123",
            "Patient/has space",
            "urn:uuid:not-a-uuid",
            "urn:oid:1.2.3",
            "https://example.org",
            "https://example.org/Patient",
            None,
            42,
        ):
            with self.subTest(text=text):
                self.assertIsNone(parse_reference(text))


class ReferenceIdTest(unittest.TestCase):
    def test_returns_the_id_when_the_reference_points_at_the_expected_type(self):
        self.assertEqual(reference_id({"reference": "Patient/p1"}, "Patient"), "p1")

    def test_returns_none_when_it_points_at_another_type(self):
        self.assertIsNone(reference_id({"reference": "Group/g1"}, "Patient"))

    def test_takes_urn_uuid_as_the_expected_type_unless_the_element_says_otherwise(self):
        uuid = "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30"
        self.assertEqual(reference_id({"reference": f"urn:uuid:{uuid}"}, "Patient"), uuid)
        self.assertIsNone(reference_id({"reference": f"urn:uuid:{uuid}", "type": "Group"}, "Patient"))

    def test_returns_none_without_a_reference(self):
        self.assertIsNone(reference_id({"display": "Ana"}, "Patient"))
        self.assertIsNone(reference_id(None, "Patient"))

import gzip
import json
import unittest

from metriccare_etl.bronze.fhir_reader import MAX_BUNDLE_DEPTH, read_fhir_file
from metriccare_etl.errors import FhirFileError

from .support import fixture_bytes


def types_and_ids(content):
    return [(found.resource["resourceType"], found.resource.get("id")) for found in content.resources]


class ReadFhirFileTest(unittest.TestCase):
    def test_reads_a_single_pretty_printed_resource(self):
        content = read_fhir_file(fixture_bytes("patient_single.json"))
        self.assertEqual(types_and_ids(content), [("Patient", "pat-001")])
        self.assertEqual(content.resources[0].location, "")

    def test_unwraps_a_bundle_and_counts_entries_without_resource(self):
        # Prepare: 4 entries with a resource (Patient, Encounter, Condition, Observation) and one DELETE.
        content = read_fhir_file(fixture_bytes("transaction_bundle.json"))
        # Assess
        self.assertEqual(
            [resource_type for resource_type, _ in types_and_ids(content)],
            ["Patient", "Encounter", "Condition", "Observation"],
        )
        self.assertEqual(content.entries_without_resource, 1)
        self.assertEqual(content.resources[2].location, "entry[2]")

    def test_takes_the_id_from_a_urn_uuid_full_url_when_the_resource_has_none(self):
        content = read_fhir_file(fixture_bytes("transaction_bundle.json"))
        self.assertEqual(content.resources[0].resource["id"], "6f1c2a9e-4b7d-4c1e-9a53-2d8e5f7a1b30")

    def test_reads_ndjson_one_resource_per_line_skipping_blank_lines(self):
        content = read_fhir_file(fixture_bytes("patients.ndjson"))
        self.assertEqual(types_and_ids(content), [("Patient", "nd-1"), ("Patient", "nd-2"), ("Encounter", "nd-e1")])
        self.assertEqual([found.location for found in content.resources], ["line 1", "line 3", "line 4"])

    def test_unwraps_bundles_inside_bundles(self):
        inner = {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "id": "deep"}}]}
        outer = {"resourceType": "Bundle", "entry": [{"resource": inner}]}
        content = read_fhir_file(json.dumps(outer).encode())
        self.assertEqual(types_and_ids(content), [("Patient", "deep")])
        self.assertEqual(content.resources[0].location, "entry[0] entry[0]")

    def test_reads_gzip_and_a_utf8_byte_order_mark(self):
        self.assertEqual(types_and_ids(read_fhir_file(gzip.compress(fixture_bytes("patient_single.json")))), [("Patient", "pat-001")])
        self.assertEqual(types_and_ids(read_fhir_file(b"\xef\xbb\xbf" + fixture_bytes("patient_single.json"))), [("Patient", "pat-001")])


class MalformedFileTest(unittest.TestCase):
    def assertRefused(self, content, message):
        with self.assertRaises(FhirFileError) as raised:
            read_fhir_file(content)
        self.assertEqual(str(raised.exception), message)

    def test_truncated_json_names_line_and_column(self):
        self.assertRefused(fixture_bytes("malformed_truncated.json"), "not valid JSON: Expecting value at line 6 column 1")

    def test_a_bad_ndjson_line_names_the_line(self):
        self.assertRefused(
            fixture_bytes("malformed_line.ndjson"),
            "NDJSON line 2 is not valid JSON: Expecting property name enclosed in double quotes at column 41",
        )

    def test_empty_and_non_text_files(self):
        self.assertRefused(b"", "file is empty")
        self.assertRefused(b"  \n\n", "file is empty")
        self.assertRefused(b"\xff\xfe{}", "file is not UTF-8 text: byte 0xff at offset 0")
        with self.assertRaisesRegex(FhirFileError, "^file starts like gzip but does not decompress: "):
            read_fhir_file(b"\x1f\x8bnot gzip")

    def test_json_that_is_not_a_fhir_resource(self):
        self.assertRefused(b"[1, 2]", "document: expected a FHIR resource (JSON object), got list")
        self.assertRefused(b'{"id": "x"}', "document: has no resourceType (a string naming an R4 resource type), got null")
        self.assertRefused(b'{"resourceType": "Bundle", "entry": {}}', "document: Bundle.entry must be a list, got dict")

    def test_refuses_json_nested_too_deeply_for_the_parser(self):
        self.assertRefused(b"[" * 100_000, "JSON nested too deeply to read")

    def test_refuses_bundles_nested_past_the_limit(self):
        document = {"resourceType": "Patient", "id": "p"}
        for _ in range(MAX_BUNDLE_DEPTH + 1):
            document = {"resourceType": "Bundle", "entry": [{"resource": document}]}
        with self.assertRaisesRegex(FhirFileError, f"Bundles nested deeper than {MAX_BUNDLE_DEPTH} levels"):
            read_fhir_file(json.dumps(document).encode())


class RejectedEntryTest(unittest.TestCase):
    def test_an_entry_that_is_no_resource_is_rejected_and_the_others_are_read(self):
        # Prepare: a Bundle with a good Patient, an entry that is a string, a resource without resourceType,
        # and a resource whose resourceType is a number; an NDJSON file whose second line is a list.
        bundle = {
            "resourceType": "Bundle",
            "entry": [
                {"resource": {"resourceType": "Patient", "id": "p1"}},
                "x",
                {"fullUrl": "urn:uuid:p2", "resource": {"id": "p2"}},
                {"resource": {"resourceType": 7, "id": "p3"}},
            ],
        }
        ndjson = b'{"resourceType": "Patient", "id": "p4"}\n[1, 2]\n'
        # Act
        from_bundle, from_ndjson = read_fhir_file(json.dumps(bundle).encode()), read_fhir_file(ndjson)
        # Assess
        self.assertEqual(types_and_ids(from_bundle), [("Patient", "p1")])
        self.assertEqual(
            [entry[:3] for entry in from_bundle.rejected],
            [
                ("entry[1]", "not_a_resource", "expected a Bundle entry (JSON object), got str"),
                ("entry[2]", "missing_resource_type", "has no resourceType (a string naming an R4 resource type), got null"),
                ("entry[3]", "missing_resource_type", "has no resourceType (a string naming an R4 resource type), got 7"),
            ],
        )
        self.assertEqual(from_bundle.rejected[1].content, {"id": "p2"})
        self.assertEqual(types_and_ids(from_ndjson), [("Patient", "p4")])
        self.assertEqual(
            [entry[:3] for entry in from_ndjson.rejected],
            [("line 2", "not_a_resource", "expected a FHIR resource (JSON object), got list")],
        )

import hashlib
import json
import unittest

from metriccare_etl.bronze.records import (
    FileOutcome,
    bronze_record,
    canonical_json,
    latest_records,
    load_file,
    pick_latest,
    split_file,
)
from metriccare_etl.bronze.run import run_report
from metriccare_etl.errors import FhirEntryError

from .fakes import FakeClientError, FakeS3
from .support import INGESTED_AT, RAW_BUCKET, RAW_PREFIX, RUN_ID, bronze_row, fixture_bytes, tracked_file


def split(name):
    return split_file(fixture_bytes(name), tracked_file(f"fhir/{name}"), INGESTED_AT, RUN_ID)


class SplitFileTest(unittest.TestCase):
    def test_splits_a_bundle_by_resource_type_and_reports_other_types(self):
        # Act
        outcome = split("transaction_bundle.json")
        # Assess
        self.assertIsNone(outcome.error)
        self.assertEqual(
            {table: len(records) for table, records in outcome.records.items()}, {"patient": 1, "encounter": 1, "condition": 1}
        )
        self.assertEqual(outcome.unsupported, {"Observation": 1})
        self.assertEqual(outcome.entries_without_resource, 1)
        self.assertEqual(outcome.records_written, 3)

    def test_splits_ndjson(self):
        outcome = split("patients.ndjson")
        self.assertEqual([record["id"] for record in outcome.records["patient"]], ["nd-1", "nd-2"])
        self.assertEqual([record["id"] for record in outcome.records["encounter"]], ["nd-e1"])

    def test_adds_ingestion_metadata_to_every_record(self):
        # Prepare
        tracked = tracked_file("fhir/2024/patient_single.json", version_id="3HL4kqtJ")
        resource = json.loads(fixture_bytes("patient_single.json"))
        # Act
        record = split_file(fixture_bytes("patient_single.json"), tracked, INGESTED_AT, RUN_ID).records["patient"][0]
        # Assess
        self.assertEqual(record["source_object"], f"s3://{RAW_BUCKET}/fhir/2024/patient_single.json")
        self.assertEqual(record["source_file_key"], f"s3://{RAW_BUCKET}/fhir/2024/patient_single.json#3HL4kqtJ")
        self.assertEqual(record["ingestion_time"], INGESTED_AT)
        self.assertEqual(record["run_id"], RUN_ID)
        self.assertEqual(record["resource_type"], "Patient")
        self.assertEqual(json.loads(record["resource_json"]), resource)
        self.assertEqual(record["record_hash"], hashlib.sha256(canonical_json(resource).encode()).hexdigest())

    def test_normalises_last_updated_to_utc_for_the_precombine_field(self):
        record = split("patient_single.json").records["patient"][0]
        # 10:30:00.123+02:00 is 08:30:00.123 UTC.
        self.assertEqual(record["meta"], {"lastUpdated": "2024-03-01T08:30:00.123000Z", "versionId": "3"})

    def test_uses_the_ingestion_time_when_a_resource_has_no_last_updated(self):
        record = split("patients.ndjson").records["patient"][1]
        self.assertEqual(record["meta"], {"lastUpdated": "2025-01-15T06:00:00.000000Z", "versionId": None})

    def test_a_malformed_file_gives_an_error_and_no_records(self):
        for name, error in {
            "malformed_truncated.json": "not valid JSON: Expecting value at line 6 column 1",
            "malformed_line.ndjson": "NDJSON line 2 is not valid JSON",
        }.items():
            with self.subTest(name=name):
                outcome = split(name)
                self.assertIn(error, outcome.error)
                self.assertEqual((outcome.records, outcome.records_written, outcome.status), ({}, 0, "FAILED"))

    def test_an_entry_that_cannot_be_keyed_is_rejected_and_the_others_land(self):
        # Prepare: entry[0] Patient has-id, entry[1] a Patient without id whose fullUrl is no urn:uuid.
        # Act
        outcome = split("bundle_patient_without_id.json")
        # Assess
        self.assertIsNone(outcome.error)
        self.assertEqual([record["id"] for record in outcome.records["patient"]], ["has-id"])
        self.assertEqual(
            outcome.rejected,
            [
                {
                    "location": "entry[1]",
                    "reason_code": "invalid_id",
                    "detail": "Patient has no valid id (1-64 of A-Z a-z 0-9 - .), got null",
                    "resource": {"resourceType": "Patient", "gender": "male"},
                }
            ],
        )
        summary = outcome.summary()
        self.assertEqual(
            (summary["status"], summary["records_written"], summary["entries_quarantined"], summary["quarantine_reasons"]),
            ("PARTIAL", 1, 1, {"invalid_id": 1}),
        )
        self.assertEqual(summary["first_quarantined"], "entry[1]: invalid_id: Patient has no valid id (1-64 of A-Z a-z 0-9 - .), got null")

    def test_every_entry_that_cannot_be_keyed_gets_its_reason(self):
        # Prepare: (resource, reason code, detail) for each way an entry cannot become a Bronze record.
        cases = [
            (
                {"resourceType": "Encounter", "id": "bad_id"},
                "invalid_id",
                'Encounter has no valid id (1-64 of A-Z a-z 0-9 - .), got "bad_id"',
            ),
            (
                {"resourceType": "Patient", "id": "x" * 65},
                "invalid_id",
                f'Patient has no valid id (1-64 of A-Z a-z 0-9 - .), got "{"x" * 65}"',
            ),
            (
                {"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "last week"}},
                "invalid_last_updated",
                'Patient/p has meta.lastUpdated "last week", not a FHIR instant',
            ),
            (
                {"resourceType": "patient", "id": "p"},
                "unknown_resource_type",
                'resourceType "patient" is not an R4 resource type; R4 spells it "Patient"',
            ),
            (
                {"resourceType": "Patiënt", "id": "p"},
                "unknown_resource_type",
                'resourceType "Patiënt" is not an R4 resource type; R4\'s resource types are listed at https://hl7.org/fhir/R4/resourcelist.html',
            ),
        ]
        bundle = {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "id": "ok"}}]}
        bundle["entry"] += [{"resource": resource} for resource, _, _ in cases]
        # Act
        outcome = split_file(json.dumps(bundle).encode(), tracked_file("fhir/b.json"), INGESTED_AT, RUN_ID)
        # Assess
        self.assertEqual([record["id"] for record in outcome.records["patient"]], ["ok"])
        self.assertEqual(
            [(entry["location"], entry["reason_code"], entry["detail"]) for entry in outcome.rejected],
            [(f"entry[{index}]", code, detail) for index, (_, code, detail) in enumerate(cases, start=1)],
        )
        self.assertEqual(outcome.unsupported, {})

    def test_a_leap_second_last_updated_is_a_valid_instant(self):
        record = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2016-12-31T23:59:60Z"}})
        self.assertEqual(record["meta"]["lastUpdated"], "2016-12-31T23:59:59.999999Z")

    def test_an_unparseable_last_updated_is_an_entry_error(self):
        with self.assertRaises(FhirEntryError) as raised:
            bronze_record({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "last week"}}, tracked_file(), INGESTED_AT, RUN_ID)
        self.assertEqual(
            (raised.exception.reason_code, str(raised.exception)),
            ("invalid_last_updated", 'Patient/p has meta.lastUpdated "last week", not a FHIR instant'),
        )

    def test_the_same_resource_always_gets_the_same_hash(self):
        first = bronze_row({"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "1990"})
        second = bronze_row({"birthDate": "1990", "gender": "male", "id": "p", "resourceType": "Patient"})
        self.assertEqual(first["record_hash"], second["record_hash"])


class LoadFileTest(unittest.TestCase):
    def setUp(self):
        self.s3 = FakeS3()

    def load(self, tracked):
        return load_file(self.s3, tracked, raw_bucket=RAW_BUCKET, raw_prefix=RAW_PREFIX, ingestion_time=INGESTED_AT, run_id=RUN_ID)

    def test_reads_the_recorded_version_not_the_latest(self):
        # Prepare: v1 holds a Patient, v2 (uploaded later, tracked as its own file) an NDJSON batch.
        self.s3.add(RAW_BUCKET, "fhir/a.json", fixture_bytes("patient_single.json"), version_id="v1")
        self.s3.add(RAW_BUCKET, "fhir/a.json", fixture_bytes("patients.ndjson"), version_id="v2")
        # Act
        outcome = self.load(tracked_file("fhir/a.json", version_id="v1"))
        # Assess
        self.assertEqual([record["id"] for record in outcome.records["patient"]], ["pat-001"])
        self.assertEqual(self.s3.reads, [(RAW_BUCKET, "fhir/a.json", "v1")])

    def test_a_file_outside_the_raw_prefix_fails_without_being_read(self):
        outcome = self.load(tracked_file("other/a.json"))
        self.assertEqual(
            outcome.error, f"s3://{RAW_BUCKET}/other/a.json is outside s3://{RAW_BUCKET}/fhir/, the only location Bronze reads"
        )
        self.assertFalse(outcome.readable)
        self.assertEqual(self.s3.reads, [])

    def test_a_vanished_version_fails_the_file(self):
        self.s3.add(RAW_BUCKET, "fhir/a.json", b"{}", version_id="v2")
        outcome = self.load(tracked_file("fhir/a.json", version_id="v1"))
        self.assertEqual(outcome.error, f"cannot read s3://{RAW_BUCKET}/fhir/a.json: the object version no longer exists")
        self.assertTrue(outcome.readable)

    def test_access_denied_on_the_object_fails_the_file_not_the_job(self):
        # Prepare: fhir/a.json was deleted; the role may list only the raw prefix, so S3 answers
        # AccessDenied. Failing the job would fail every later run on this same file.
        self.s3.missing_is_access_denied = True
        # Act
        outcome = self.load(tracked_file("fhir/a.json"))
        # Assess
        self.assertEqual(
            outcome.error,
            f"cannot read s3://{RAW_BUCKET}/fhir/a.json: the object could not be read (S3 AccessDenied); it may have been deleted, "
            "or it is not readable by the Bronze role (S3 answers AccessDenied, not NoSuchKey, for a missing object when the role may list only the raw prefix)",
        )
        self.assertEqual((outcome.s3_error_code, outcome.records, outcome.readable), ("AccessDenied", {}, True))
        self.assertEqual(outcome.summary()["s3_error_code"], "AccessDenied")

    def test_every_answer_about_the_object_fails_the_file_with_its_s3_code(self):
        for code in ("AccessDenied", "403", "404", "NoSuchKey", "NoSuchVersion"):
            with self.subTest(code=code):
                self.s3.object_errors[(RAW_BUCKET, "fhir/a.json")] = code
                outcome = self.load(tracked_file("fhir/a.json"))
                self.assertEqual(outcome.s3_error_code, code)
                self.assertTrue(outcome.error.startswith(f"cannot read s3://{RAW_BUCKET}/fhir/a.json: "))

    def test_throttling_and_server_errors_fail_the_job_not_the_file(self):
        # These say nothing about the file: the run fails, the file stays IN_PROGRESS, the next attempt retries it.
        for code in ("SlowDown", "InternalError", "503", "ServiceUnavailable", "RequestTimeout", "ExpiredToken"):
            with self.subTest(code=code):
                self.s3.object_errors[(RAW_BUCKET, "fhir/a.json")] = code
                with self.assertRaises(FakeClientError) as raised:
                    self.load(tracked_file("fhir/a.json"))
                self.assertEqual(raised.exception.response["Error"]["Code"], code)


class PickLatestTest(unittest.TestCase):
    def test_keeps_the_later_last_updated_whatever_the_order(self):
        older = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2024-01-01T00:00:00Z"}, "gender": "male"})
        newer = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2024-01-01T00:00:00-01:00"}, "gender": "female"})
        self.assertIs(pick_latest(older, newer), newer)
        self.assertIs(pick_latest(newer, older), newer)

    def test_breaks_ties_by_record_hash_so_the_answer_is_stable(self):
        first = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2024-01-01T00:00:00Z"}, "gender": "male"})
        second = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2024-01-01T00:00:00Z"}, "gender": "female"})
        winner = max(first, second, key=lambda record: record["record_hash"])
        self.assertIs(pick_latest(first, second), winner)
        self.assertIs(pick_latest(second, first), winner)


def test_latest_records_keeps_one_record_per_id_across_files(spark):
    # Prepare: two files of one run, in two Spark partitions, carry versions of patient p; the newer sits in the first file.
    newer = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2024-02-01T00:00:00Z"}})
    older = bronze_row({"resourceType": "Patient", "id": "p", "meta": {"lastUpdated": "2024-01-01T00:00:00Z"}})
    other = bronze_row({"resourceType": "Patient", "id": "q"})
    outcomes = spark.sparkContext.parallelize(
        [FileOutcome("k1", "s3://b/1", records={"patient": [newer, other]}), FileOutcome("k2", "s3://b/2", records={"patient": [older]})], 2
    )
    # Act
    latest = latest_records(outcomes, "patient").collect()
    # Assess
    assert sorted((record["id"], record["meta"]["lastUpdated"]) for record in latest) == [
        ("p", "2024-02-01T00:00:00.000000Z"),
        ("q", "2025-01-15T06:00:00.000000Z"),
    ]
    assert latest_records(outcomes, "condition").collect() == []


class RunReportTest(unittest.TestCase):
    def test_totals_records_unsupported_types_partial_files_and_failures(self):
        # Prepare
        good = split("transaction_bundle.json").summary()
        ndjson = split("patients.ndjson").summary()
        bad = split("malformed_truncated.json").summary()
        partial = split("bundle_patient_without_id.json").summary()
        # Act
        report = run_report(RUN_ID, [good, ndjson, bad, partial], unfinished=["k9"])
        # Assess: patient 1 + 2 + 1, encounter 1 + 1, condition 1; one Patient quarantined for its id.
        self.assertEqual(report["files_claimed"], 4)
        self.assertEqual((report["files_processed"], report["files_partial"], report["files_failed"]), (2, 1, 1))
        self.assertEqual(report["records_by_table"], {"condition": 1, "encounter": 2, "patient": 4})
        self.assertEqual(report["entries_quarantined_by_reason"], {"invalid_id": 1})
        self.assertEqual(report["unsupported_resource_types"], {"Observation": 1})
        self.assertEqual(report["entries_without_resource"], 1)
        self.assertEqual(report["files_taken_over_by_another_run"], ["k9"])
        self.assertEqual(report["files_unreadable"], {})
        self.assertEqual(len(report["files"]), 4)
        json.dumps(report)  # the job writes it as JSON

    def test_lists_the_files_whose_object_could_not_be_read(self):
        # Prepare: one good file, one deleted (AccessDenied), one malformed (no S3 code).
        s3 = FakeS3()
        s3.missing_is_access_denied = True
        s3.add(RAW_BUCKET, "fhir/good.json", fixture_bytes("patient_single.json"))
        s3.add(RAW_BUCKET, "fhir/bad.json", fixture_bytes("malformed_truncated.json"))
        outcomes = [
            load_file(s3, tracked_file(name), raw_bucket=RAW_BUCKET, raw_prefix=RAW_PREFIX, ingestion_time=INGESTED_AT, run_id=RUN_ID)
            for name in ("fhir/good.json", "fhir/gone.json", "fhir/bad.json")
        ]
        # Act
        report = run_report(RUN_ID, [outcome.summary() for outcome in outcomes], job_run_id="jr_1")
        # Assess: 1 processed, 2 failed, of which 1 unreadable.
        self.assertEqual((report["files_processed"], report["files_failed"]), (1, 2))
        self.assertEqual(report["files_unreadable"], {f"s3://{RAW_BUCKET}/fhir/gone.json#v1": "AccessDenied"})
        self.assertEqual(report["job_run_id"], "jr_1")

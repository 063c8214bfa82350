import json
import unittest

from metriccare_etl.bronze.raw_files import location_problem, quarantine_file, quarantine_key, read_raw_file
from metriccare_etl.errors import FhirFileError, RawObjectError

from .fakes import FakeClientError, FakeS3
from .support import INGESTED_AT, LAKEHOUSE_BUCKET, RAW_BUCKET, RAW_PREFIX, RUN_ID, tracked_file

QUARANTINE_PREFIX = "quarantine/bronze/"


class LocationProblemTest(unittest.TestCase):
    def test_accepts_files_under_the_raw_prefix_only(self):
        self.assertIsNone(location_problem(tracked_file("fhir/2024/a.json"), RAW_BUCKET, RAW_PREFIX))
        self.assertIsNotNone(location_problem(tracked_file("fhir-archive/a.json"), RAW_BUCKET, RAW_PREFIX))
        self.assertIsNotNone(location_problem(tracked_file("fhir/a.json", bucket="someone-elses-bucket"), RAW_BUCKET, RAW_PREFIX))
        self.assertIsNotNone(location_problem(tracked_file(""), RAW_BUCKET, ""))


class ReadRawFileTest(unittest.TestCase):
    def setUp(self):
        self.s3 = FakeS3()
        self.s3.add(RAW_BUCKET, "fhir/a.json", b"old", version_id="v1", etag="e1")
        self.s3.add(RAW_BUCKET, "fhir/a.json", b"new", version_id="v2", etag="e2")

    def test_pins_the_version_id(self):
        self.assertEqual(read_raw_file(self.s3, tracked_file("fhir/a.json", version_id="v1")), b"old")

    def test_without_a_version_checks_the_etag(self):
        self.assertEqual(read_raw_file(self.s3, tracked_file("fhir/a.json", version_id=None, etag="e2")), b"new")
        with self.assertRaisesRegex(FhirFileError, "overwritten after it was recorded"):
            read_raw_file(self.s3, tracked_file("fhir/a.json", version_id=None, etag="e1"))

    def test_a_deleted_object_is_a_file_error(self):
        with self.assertRaisesRegex(FhirFileError, r"^cannot read s3://metriccare-raw-dev/fhir/gone.json: the object no longer exists$"):
            read_raw_file(self.s3, tracked_file("fhir/gone.json"))

    def test_access_denied_on_the_object_is_a_file_error_naming_the_s3_code(self):
        # Prepare: the Bronze role may list only the raw prefix, so S3 answers a deleted object with AccessDenied.
        self.s3.missing_is_access_denied = True
        # Act
        with self.assertRaises(RawObjectError) as raised:
            read_raw_file(self.s3, tracked_file("fhir/gone.json"))
        # Assess
        self.assertEqual(raised.exception.s3_error_code, "AccessDenied")
        self.assertIn(
            "fhir/gone.json: the object could not be read (S3 AccessDenied); it may have been deleted, or it is not readable by the Bronze role",
            str(raised.exception),
        )

    def test_a_bodiless_404_says_the_object_may_be_gone(self):
        self.s3.object_errors[(RAW_BUCKET, "fhir/a.json")] = "404"
        with self.assertRaisesRegex(
            RawObjectError,
            r"^cannot read s3://metriccare-raw-dev/fhir/a.json: the object could not be read \(S3 404\); it may have been deleted, or it is not readable by the Bronze role$",
        ):
            read_raw_file(self.s3, tracked_file("fhir/a.json"))

    def test_throttling_is_not_a_file_error(self):
        self.s3.object_errors[(RAW_BUCKET, "fhir/a.json")] = "SlowDown"
        with self.assertRaises(FakeClientError):
            read_raw_file(self.s3, tracked_file("fhir/a.json"))


class QuarantineFileTest(unittest.TestCase):
    def setUp(self):
        self.s3 = FakeS3()

    def quarantine(self, tracked, readable=True):
        return quarantine_file(
            self.s3,
            tracked,
            "not valid JSON: Expecting value at line 6 column 1",
            lakehouse_bucket=LAKEHOUSE_BUCKET,
            quarantine_prefix=QUARANTINE_PREFIX,
            run_id=RUN_ID,
            now=INGESTED_AT,
            readable=readable,
        )

    def test_copies_the_file_under_the_run_and_writes_the_error_beside_it(self):
        # Prepare
        self.s3.add(RAW_BUCKET, "fhir/2024/bad.json", b"{ broken", version_id="v7")
        tracked = tracked_file("fhir/2024/bad.json", version_id="v7")
        # Act
        note_key = self.quarantine(tracked)
        # Assess
        copy_key = "quarantine/bronze/wr_0001/fhir/2024/bad.json"
        self.assertEqual(self.s3.puts[(LAKEHOUSE_BUCKET, copy_key)], b"{ broken")
        self.assertEqual(self.s3.copies[0]["CopySource"], {"Bucket": RAW_BUCKET, "Key": "fhir/2024/bad.json", "VersionId": "v7"})
        self.assertEqual(note_key, f"{copy_key}.error.json")
        note = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, note_key)])
        self.assertEqual(note["error"], "not valid JSON: Expecting value at line 6 column 1")
        self.assertEqual(note["file_key"], tracked.file_key)
        self.assertEqual(note["quarantined_copy"], f"s3://{LAKEHOUSE_BUCKET}/{copy_key}")
        self.assertIsNone(note["copy_error"])
        self.assertEqual(note["run_id"], RUN_ID)
        self.assertEqual(note["failed_at"], "2025-01-15T06:00:00.000000Z")

    def test_still_writes_the_error_when_the_object_is_gone(self):
        note_key = self.quarantine(tracked_file("fhir/gone.json"))
        note = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, note_key)])
        self.assertIsNone(note["quarantined_copy"])
        self.assertEqual(note["copy_error"], "the object no longer exists")

    def test_still_writes_the_error_when_the_object_answers_access_denied(self):
        # Prepare: the object is gone and the role may list only the raw prefix.
        self.s3.missing_is_access_denied = True
        # Act
        note_key = self.quarantine(tracked_file("fhir/gone.json"))
        # Assess: no copy, the note says why; the lakehouse side was writable.
        note = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, note_key)])
        self.assertIsNone(note["quarantined_copy"])
        self.assertTrue(note["copy_error"].startswith("the object could not be read (S3 AccessDenied)"))

    def test_throttling_on_the_copy_propagates(self):
        self.s3.add(RAW_BUCKET, "fhir/a.json", b"{ broken")
        self.s3.object_errors[(RAW_BUCKET, "fhir/a.json")] = "SlowDown"
        with self.assertRaises(FakeClientError):
            self.quarantine(tracked_file("fhir/a.json"))
        self.assertEqual(self.s3.puts, {})

    def test_does_not_try_to_copy_what_the_job_may_not_read(self):
        note_key = self.quarantine(tracked_file("elsewhere/a.json"), readable=False)
        self.assertEqual(self.s3.copies, [])
        self.assertEqual(
            json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, note_key)])["copy_error"], "not copied: the job may not read this location"
        )

    def test_an_access_problem_propagates(self):
        self.s3.fail_with = "AccessDenied"
        with self.assertRaises(FakeClientError):
            self.quarantine(tracked_file("fhir/a.json"))

    def test_quarantine_key_keeps_the_original_key_under_the_run(self):
        self.assertEqual(quarantine_key("quarantine/bronze/", "wr_9", "fhir/x/y.ndjson"), "quarantine/bronze/wr_9/fhir/x/y.ndjson")

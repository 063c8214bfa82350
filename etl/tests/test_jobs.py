"""The job scripts: they compile, stay thin, and run end to end against in-memory Glue, Spark and AWS."""

import ast
import contextlib
import io
import json
import py_compile
import runpy
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

import pyspark
from metriccare_etl.processed_files import FAILED, IN_PROGRESS, PENDING, PROCESSED

from . import fake_glue
from .fakes import FakeClientError, FakeDynamoDB, FakeS3
from .support import FIXTURES, LAKEHOUSE_BUCKET, RAW_BUCKET
from .test_job_args import argv, get_resolved_options

ETL = Path(__file__).parents[1]
JOBS = sorted((ETL / "jobs").glob("*.py"))
SCRIPTS_BUCKET, CONFIG_KEY = "metriccare-scripts-dev", "config/lakehouse.json"
# What a job script may import: the package does the work, these only run it.
ALLOWED_IMPORTS = {"json", "sys", "boto3", "awsglue", "pyspark", "metriccare_etl"}


class JobScriptsTest(unittest.TestCase):
    def test_there_is_one_script_per_layer(self):
        self.assertEqual([job.name for job in JOBS], ["bronze_job.py", "gold_job.py", "silver_job.py"])

    def test_every_script_compiles(self):
        with tempfile.TemporaryDirectory() as directory:
            for job in JOBS:
                with self.subTest(job=job.name):
                    py_compile.compile(str(job), cfile=str(Path(directory) / f"{job.stem}.pyc"), doraise=True)

    def test_scripts_are_a_thin_layer_over_the_package(self):
        for job in JOBS:
            with self.subTest(job=job.name):
                tree = ast.parse(job.read_text())
                imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
                imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
                self.assertLessEqual(imported, ALLOWED_IMPORTS)
                self.assertLess(len(job.read_text().splitlines()), 100)

    def test_the_package_imports_from_a_zip_with_the_standard_library_and_pyspark(self):
        # Prepare: the archive the stack ships with --extra-py-files holds metriccare_etl/...
        package = ETL / "metriccare_etl"
        with tempfile.TemporaryDirectory() as directory:
            archive = Path(directory) / "metriccare_etl.zip"
            with zipfile.ZipFile(archive, "w") as zipped:
                for source in sorted(package.glob("*.py")):
                    zipped.write(source, f"metriccare_etl/{source.name}")
            modules = [source.stem for source in package.glob("*.py") if source.stem != "__init__"]
            # Silver and Gold are Spark DataFrame code: pyspark (Glue's own) is the one package besides the standard library.
            pyspark_root = str(Path(pyspark.__file__).parents[1])
            code = f"import sys; sys.path[:] = [{str(archive)!r}, {pyspark_root!r}] + [p for p in sys.path if 'site-packages' not in p]\n"
            code += "".join(f"import metriccare_etl.{module}\n" for module in modules)
            # Act
            result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
        # Assess
        self.assertEqual(result.returncode, 0, result.stderr)


class JobsEndToEndTest(unittest.TestCase):
    """Bronze, Silver and Gold run in order on raw files, as the workflow runs them."""

    RAW_FILES = {
        "fhir/2024/transaction_bundle.json": (FIXTURES / "transaction_bundle.json").read_bytes(),
        "fhir/2024/patients.ndjson": (FIXTURES / "patients.ndjson").read_bytes(),
        "fhir/2024/cohort_bundle.json": (FIXTURES / "cohort_bundle.json").read_bytes(),
        "fhir/2024/broken.json": (FIXTURES / "malformed_truncated.json").read_bytes(),
        "fhir/2024/invalid_patient.json": json.dumps({"resourceType": "Patient", "id": "bad-1", "gender": "F"}).encode(),
    }

    def setUp(self):
        self.s3 = FakeS3()
        self.s3.add(SCRIPTS_BUCKET, CONFIG_KEY, (ETL / "config" / "lakehouse.json").read_bytes())
        items = []
        for number, (key, body) in enumerate(self.RAW_FILES.items()):
            self.s3.add(RAW_BUCKET, key, body, version_id=f"v{number}")
            items.append(
                {
                    "file_key": {"S": f"s3://{RAW_BUCKET}/{key}#v{number}"},
                    "bucket": {"S": RAW_BUCKET},
                    "object_key": {"S": key},
                    "version_id": {"S": f"v{number}"},
                    "status": {"S": PENDING},
                    "received_at": {"S": f"2025-01-15T05:00:0{number}.000Z"},
                }
            )
        self.dynamodb = FakeDynamoDB(items)
        self.hudi = fake_glue.FakeHudi()
        self.spark = fake_glue.FakeSpark(self.hudi)
        fake_glue.install(self.spark, {"s3": self.s3, "dynamodb": self.dynamodb}, get_resolved_options)
        self.addCleanup(fake_glue.uninstall)
        self.addCleanup(setattr, sys, "argv", sys.argv)

    def run_job(self, layer, run_id="wr_1", job_run_id="jr_1"):
        sys.argv = argv(
            JOB_NAME=f"metriccare_{layer}_job_dev",
            WORKFLOW_RUN_ID=run_id,
            JOB_RUN_ID=job_run_id,
            config_s3_uri=f"s3://{SCRIPTS_BUCKET}/{CONFIG_KEY}",
        )
        with contextlib.redirect_stdout(io.StringIO()) as log:
            runpy.run_path(str(ETL / "jobs" / f"{layer}_job.py"), run_name="__main__")
        return log.getvalue()

    def table(self, layer, name):
        return self.hudi.rows(f"s3://{LAKEHOUSE_BUCKET}/{layer}/{name}/")

    def test_bronze_ingests_good_files_and_quarantines_the_broken_one(self):
        # Act
        log = self.run_job("bronze")
        # Assess: Patients: 1 (bundle) + 2 (NDJSON) + 4 (cohort) + 1 (invalid_patient) = 8;
        # Encounters: 1 + 1 + 10 = 12; Conditions: 1 + 8 = 9.
        self.assertEqual(
            {name: len(self.table("bronze", name)) for name in ("patient", "encounter", "condition")},
            {"patient": 8, "encounter": 12, "condition": 9},
        )
        statuses = {item["object_key"]["S"]: item["status"]["S"] for item in self.dynamodb.items.values()}
        self.assertEqual(statuses.pop("fhir/2024/broken.json"), FAILED)
        self.assertEqual(set(statuses.values()), {PROCESSED})
        bundle = next(item for item in self.dynamodb.items.values() if item["object_key"]["S"] == "fhir/2024/transaction_bundle.json")
        self.assertEqual(bundle["records_written"], {"N": "3"})  # Patient, Encounter, Condition; not the Observation
        self.assertIn((LAKEHOUSE_BUCKET, "quarantine/bronze/wr_1/fhir/2024/broken.json"), self.s3.puts)
        self.assertIn((LAKEHOUSE_BUCKET, "quarantine/bronze/wr_1/fhir/2024/broken.json.error.json"), self.s3.puts)
        report = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, "bronze/_run_reports/wr_1.json")])
        self.assertEqual(
            (report["files_processed"], report["files_failed"], report["unsupported_resource_types"]), (4, 1, {"Observation": 1})
        )
        self.assertEqual({write["hoodie.datasource.hive_sync.database"] for write in self.hudi.writes}, {"metriccare_bronze_dev"})
        self.assertEqual(json.loads(log)["files_failed"], 1)  # the totals reach the job log too

    def test_a_second_run_reads_no_file_again(self):
        # Prepare
        self.run_job("bronze", run_id="wr_1", job_run_id="jr_1")
        reads = list(self.s3.reads)
        # Act
        self.run_job("bronze", run_id="wr_2", job_run_id="jr_2")
        # Assess: only the config object is read again.
        self.assertEqual(self.s3.reads[len(reads) :], [(SCRIPTS_BUCKET, CONFIG_KEY, None)])
        self.assertEqual(len([read for read in reads if read[0] == RAW_BUCKET]), len(self.RAW_FILES))

    def test_a_glue_retry_finishes_what_its_failed_attempt_left_in_progress(self):
        # Prepare: the first attempt fails its first Hudi write, after failing broken.json.
        real_save = self.hudi.save

        def failing_save(path, rows, options):
            raise RuntimeError("executor lost")

        self.hudi.save = failing_save
        with self.assertRaisesRegex(RuntimeError, "executor lost"):
            self.run_job("bronze", run_id="wr_1", job_run_id="jr_1")
        left = {item["object_key"]["S"]: (item["status"]["S"], item["job_run_id"]["S"]) for item in self.dynamodb.items.values()}
        self.assertEqual(left.pop("fhir/2024/broken.json"), (FAILED, "jr_1"))
        self.assertEqual(set(left.values()), {(IN_PROGRESS, "jr_1")})
        self.hudi.save = real_save
        raw_reads = len([read for read in self.s3.reads if read[0] == RAW_BUCKET])
        # Act: Glue retries the job within the same workflow run.
        self.run_job("bronze", run_id="wr_1", job_run_id="jr_1_attempt_1")
        # Assess: the four good files are taken over, read again once and PROCESSED by the retry;
        # broken.json stays FAILED by the first attempt and is not read again.
        items = {item["object_key"]["S"]: item for item in self.dynamodb.items.values()}
        self.assertEqual(items.pop("fhir/2024/broken.json")["job_run_id"], {"S": "jr_1"})
        self.assertEqual(
            {(item["status"]["S"], item["run_id"]["S"], item["job_run_id"]["S"]) for item in items.values()},
            {(PROCESSED, "wr_1", "jr_1_attempt_1")},
        )
        self.assertEqual(len([read for read in self.s3.reads if read[0] == RAW_BUCKET]) - raw_reads, 4)
        self.assertEqual(
            {name: len(self.table("bronze", name)) for name in ("patient", "encounter", "condition")},
            {"patient": 8, "encounter": 12, "condition": 9},
        )
        report = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, "bronze/_run_reports/wr_1.json")])
        self.assertEqual((report["job_run_id"], report["files_processed"], report["files_failed"]), ("jr_1_attempt_1", 4, 0))

    def test_an_unreadable_raw_object_fails_its_file_and_no_later_run(self):
        # Prepare: patients.ndjson was deleted after it was recorded; the Bronze role may list only the
        # raw prefix, so S3 answers AccessDenied instead of NoSuchKey.
        gone = "fhir/2024/patients.ndjson"
        del self.s3.objects[(RAW_BUCKET, gone)]
        self.s3.missing_is_access_denied = True
        # Act
        self.run_job("bronze", run_id="wr_1", job_run_id="jr_1")
        # Assess: the run succeeded; the file is FAILED with the reason and its S3 code, the batch went on.
        items = {item["object_key"]["S"]: item for item in self.dynamodb.items.values()}
        failed = items.pop(gone)
        self.assertEqual(failed["status"], {"S": FAILED})
        self.assertEqual(
            failed["error"]["S"],
            f"cannot read s3://{RAW_BUCKET}/{gone}: the object could not be read (S3 AccessDenied); it may have been deleted, "
            "or it is not readable by the Bronze role (S3 answers AccessDenied, not NoSuchKey, for a missing object when the role may list only the raw prefix)",
        )
        self.assertEqual(items.pop("fhir/2024/broken.json")["status"], {"S": FAILED})
        self.assertEqual({item["status"]["S"] for item in items.values()}, {PROCESSED})
        # Patients 8 - 2 and encounters 12 - 1 without the NDJSON file; conditions unchanged (9).
        self.assertEqual(
            {name: len(self.table("bronze", name)) for name in ("patient", "encounter", "condition")},
            {"patient": 6, "encounter": 11, "condition": 9},
        )
        report = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, "bronze/_run_reports/wr_1.json")])
        self.assertEqual((report["files_processed"], report["files_failed"]), (3, 2))
        self.assertEqual(report["files_unreadable"], {failed["file_key"]["S"]: "AccessDenied"})
        note = json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, f"quarantine/bronze/wr_1/{gone}.error.json")])
        self.assertEqual(note["error"], failed["error"]["S"])
        # Act: the next run is not poisoned by it: it succeeds, claims nothing and reads no raw object.
        reads = len(self.s3.reads)
        self.run_job("bronze", run_id="wr_2", job_run_id="jr_2")
        # Assess
        self.assertEqual(self.s3.reads[reads:], [(SCRIPTS_BUCKET, CONFIG_KEY, None)])
        self.assertEqual(json.loads(self.s3.puts[(LAKEHOUSE_BUCKET, "bronze/_run_reports/wr_2.json")])["files_claimed"], 0)

    def test_a_failed_file_re_queued_as_the_readme_says_is_ingested_by_the_next_run(self):
        # Prepare: patients.ndjson is unreadable during the first run, so it ends FAILED.
        gone = "fhir/2024/patients.ndjson"
        body = self.s3.objects.pop((RAW_BUCKET, gone))
        self.s3.missing_is_access_denied = True
        self.run_job("bronze", run_id="wr_1", job_run_id="jr_1")
        file_key = next(key for key, item in self.dynamodb.items.items() if item["object_key"]["S"] == gone)
        self.assertEqual(self.dynamodb.status_of(file_key), FAILED)
        # Act: the version is restored and an operator re-queues the item with the README's update-item.
        self.s3.objects[(RAW_BUCKET, gone)] = body
        self.dynamodb.update_item(
            TableName="metriccare_processed_files_dev",
            Key={"file_key": {"S": file_key}},
            UpdateExpression="SET #status = :pending REMOVE job_run_id, #error",
            ConditionExpression="#status = :failed",
            ExpressionAttributeNames={"#status": "status", "#error": "error"},
            ExpressionAttributeValues={":pending": {"S": "PENDING"}, ":failed": {"S": "FAILED"}},
        )
        self.run_job("bronze", run_id="wr_2", job_run_id="jr_2")
        # Assess: PROCESSED by the second run, with its records (2 patients, 1 encounter) now in Bronze.
        item = self.dynamodb.items[file_key]
        self.assertEqual(
            (item["status"], item["run_id"], item["job_run_id"], item["records_written"]),
            ({"S": PROCESSED}, {"S": "wr_2"}, {"S": "jr_2"}, {"N": "3"}),
        )
        self.assertNotIn("error", item)
        self.assertEqual(
            {name: len(self.table("bronze", name)) for name in ("patient", "encounter", "condition")},
            {"patient": 8, "encounter": 12, "condition": 9},
        )

    def test_throttling_on_a_raw_object_fails_the_run_and_the_next_attempt_takes_the_files_over(self):
        # Prepare: S3 throttles reads of one object during the first attempt.
        self.s3.object_errors[(RAW_BUCKET, "fhir/2024/patients.ndjson")] = "SlowDown"
        # Act
        with self.assertRaisesRegex(FakeClientError, "SlowDown"):
            self.run_job("bronze", run_id="wr_1", job_run_id="jr_1")
        # Assess: no file was failed for it; the claimed files wait IN_PROGRESS for the next attempt.
        self.assertEqual({item["status"]["S"] for item in self.dynamodb.items.values()}, {IN_PROGRESS})
        # Act: the throttling is over; Glue retries.
        del self.s3.object_errors[(RAW_BUCKET, "fhir/2024/patients.ndjson")]
        self.run_job("bronze", run_id="wr_1", job_run_id="jr_1_attempt_1")
        # Assess
        statuses = {item["object_key"]["S"]: item["status"]["S"] for item in self.dynamodb.items.values()}
        self.assertEqual(statuses.pop("fhir/2024/broken.json"), FAILED)
        self.assertEqual(set(statuses.values()), {PROCESSED})

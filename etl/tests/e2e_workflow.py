"""The end-to-end workflow on the Glue 5.1 runtime, run once per test session and shared by the modules
that assert on it (test_end_to_end.py: the tables; test_catalog_sync.py: the catalog; test_trino_queries.py:
what Trino reads): the three real job scripts, in workflow order, on real Spark 3.5.6 and Hudi 1.0.2, S3
through S3A and DynamoDB in moto, the Data Catalog a real Hive Metastore, with the argv Glue would pass
for workspace dev built from the synthesized stack.

The cohort (tests/fixtures/e2e/, described in its README) is one on which the Gold measure
definitions agree whichever way local dates, readmissions, prevalence and age bands are refined: all
times at noon in one offset, one readmission and no chain, living patients, active confirmed
conditions, ages far from a band's edge. Four workflow runs, as the workflow would make them:
1. batch-1.json, batch-2.ndjson and broken.json arrive, and gone.json, whose recorded version is
   deleted before Bronze reads it;
2. a newer version of Patient p2 (meta.lastUpdated 2024-06-01) arrives, and two encounters of p3:
   e5, cancelled, starting in June 2024 (a month Silver has no partition for yet, counted nowhere in
   Gold), and e6, which ends before it starts (Silver quarantines it: its quarantine table's first row);
3. an older copy of p2 (2024-04-01) arrives late;
4. nothing arrives.
"""

import json
import platform
import re
import time

import boto3
import pyspark
import pytest
from local_runtime.query_engine import METASTORE_URIS, catalog, create_databases, use_metastore
from local_runtime.synthesized_stack import ACCOUNT_ID, PROJECT_ROOT, synthesize
from local_runtime.workflow import hadoop_settings, provision, restore_hadoop_settings, run_workflow, upload

from .support import FIXTURES

COHORT = FIXTURES / "e2e"
JOURNEYS = PROJECT_ROOT / ".build" / "journeys"
LAYERS = ("bronze", "silver", "gold")
# The Hadoop settings the jobs' --conf and the metastore change on the shared session; put back after the runs.
HADOOP_KEYS = ["fs.s3a.encryption.algorithm", "fs.s3a.encryption.key", "fs.s3a.endpoint.region", METASTORE_URIS]
_COMPLETED_COMMIT = re.compile(r"/\.hoodie/(timeline/)?\d+(_\d+)?\.(commit|replacecommit)$")


def patient_p2(version: str, family: str) -> bytes:
    resource = {
        "resourceType": "Patient",
        "id": "p2",
        "meta": {"lastUpdated": version},
        "active": True,
        "gender": "male",
        "birthDate": "1984-06-15",
        "name": [{"use": "official", "family": family, "given": ["Bob"]}],
    }
    return json.dumps(resource).encode()


def june_encounters() -> bytes:
    """NDJSON: Encounter e5 of p3, cancelled, starting in June 2024 (a month Silver has no partition for yet,
    counted nowhere in Gold), and e6 of p3, ending before it starts (quarantined by Silver)."""
    common = {"resourceType": "Encounter", "meta": {"lastUpdated": "2024-06-01T12:00:00Z"}, "subject": {"reference": "Patient/p3"}}
    amb = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}
    resources = [
        {**common, "id": "e5", "status": "cancelled", "class": amb, "period": {"start": "2024-06-12T12:00:00-05:00"}},
        {
            **common,
            "id": "e6",
            "status": "finished",
            "class": amb,
            "period": {"start": "2024-06-14T12:00:00-05:00", "end": "2024-06-13T12:00:00-05:00"},
        },
    ]
    return "".join(json.dumps(resource) + "\n" for resource in resources).encode()


class Lake:
    """Reads of what the jobs left in the local AWS."""

    def __init__(self, spark, lake):
        self.spark, self.lake = spark, lake
        self.s3, self.dynamodb = boto3.client("s3"), boto3.client("dynamodb")

    def path(self, layer, table):
        return f"s3://{self.lake.lakehouse_bucket}/{layer}/{table}/"

    def rows(self, layer, table, *columns):
        frame = self.spark.read.format("hudi").load(self.path(layer, table))
        return sorted(tuple(row) for row in frame.select(*columns).collect())

    def commits(self):
        """Completed Hudi commits per table, counted from the timeline files in S3 (version 8 keeps them in
        `.hoodie/timeline/<requested>_<completed>.commit`, version 6 in `.hoodie/<instant>.commit`)."""
        counts = {}
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.lake.lakehouse_bucket):
            for item in page.get("Contents", []):
                if _COMPLETED_COMMIT.search(item["Key"]):
                    table = item["Key"].split("/.hoodie/")[0]
                    counts[table] = counts.get(table, 0) + 1
        return counts

    def items(self):
        scanned = self.dynamodb.scan(TableName=self.lake.processed_files_table)["Items"]
        return {item["object_key"]["S"]: item for item in scanned}

    def json_object(self, key):
        return json.loads(self.s3.get_object(Bucket=self.lake.lakehouse_bucket, Key=key)["Body"].read())

    def encryption(self, key):
        head = self.s3.head_object(Bucket=self.lake.lakehouse_bucket, Key=key)
        return head.get("ServerSideEncryption"), head.get("SSEKMSKeyId")


@pytest.fixture(scope="session")
def workflow(spark, aws, query_engine, request):
    """Runs the four workflow runs once with Hive sync on and keeps what each left behind: `(lake, reader,
    snapshots)`, the catalog as each run left it in `snapshots["catalog_run<n>"]`. The session's Spark
    settings are put back right after the runs (later tests share the session and must not sync)."""
    saved = hadoop_settings(spark, HADOOP_KEYS)
    started = time.monotonic()
    terraform = synthesize()
    lake = provision(terraform, "dev")

    def acting(actor):
        aws.request_log.actor = actor

    reader = Lake(spark, lake)
    snapshots = {}
    try:
        for name in ("batch-1.json", "batch-2.ndjson", "broken.json"):
            upload(lake, f"2024/{name}", (COHORT / name).read_bytes())
        gone = upload(lake, "2024/gone.json", patient_p2("2024-05-01T12:00:00Z", "Gone"))
        reader.s3.delete_object(Bucket=lake.raw_bucket, Key="fhir/2024/gone.json", VersionId=gone.rsplit("#", 1)[1])
        metastore = query_engine.metastore_ready()
        metastore_ready = time.monotonic()
        databases = create_databases(metastore, terraform, "dev")  # as Terraform creates them in the Data Catalog
        snapshots["databases"] = databases
        use_metastore(spark, metastore.uri)
        timings = [time.monotonic()]
        snapshots["run1"] = run_workflow(lake, acting)
        snapshots["catalog_run1"] = catalog(metastore, databases)
        timings.append(time.monotonic())
        snapshots["run1_p2"] = reader.rows("silver", "patient", "id", "family_name", "last_updated")
        upload(lake, "2024/p2-v2.json", patient_p2("2024-06-01T12:00:00Z", "Brook-Newer"))
        upload(lake, "2024/june-encounters.ndjson", june_encounters())
        snapshots["run2"] = run_workflow(lake, acting)
        snapshots["catalog_run2"] = catalog(metastore, databases)
        timings.append(time.monotonic())
        snapshots["run2_p2"] = reader.rows("silver", "patient", "id", "family_name")
        upload(lake, "2024/p2-late-old-copy.json", patient_p2("2024-04-01T12:00:00Z", "Brook-Older"))
        snapshots["run3"] = run_workflow(lake, acting)
        timings.append(time.monotonic())
        snapshots["commits_before_run4"] = reader.commits()
        snapshots["run4"] = run_workflow(lake, acting)
        timings.append(time.monotonic())
        snapshots["commits_after_run4"] = reader.commits()
        snapshots["catalog_run4"] = catalog(metastore, databases)
        _save_journey(aws.request_log, terraform, lake)
        elapsed = time.monotonic() - started
        hudi = spark._jvm.java.lang.Thread.currentThread().getContextClassLoader().loadClass("org.apache.hudi.DataSourceWriteOptions")
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(
                f"\nend to end: Spark {spark.version} (pyspark {pyspark.__version__}), "
                f"Hudi {hudi.getPackage().getImplementationVersion()}, Python {platform.python_version()}; "
                f"4 workflow runs (12 job runs) with Hive sync in {elapsed:.1f} s (the metastore ready after "
                f"{metastore_ready - started:.1f} s), by run: "
                + ", ".join(f"{later - earlier:.1f} s" for earlier, later in zip(timings, timings[1:], strict=False))
            )
    finally:
        restore_hadoop_settings(spark, saved)
    return lake, reader, snapshots


def _save_journey(request_log, terraform, lake):
    """The jobs' recorded AWS calls, for the access journeys (`__tests__/journeys/`): each job's calls
    with the stack it ran against, its workspace and the local key that stands for the environment key."""
    jobs = {f"{layer}_job" for layer in LAYERS}
    with open(request_log.path, encoding="utf-8") as handle:
        calls = [call for call in map(json.loads, handle) if call.get("actor") in jobs]
    save_recording(
        "glue-jobs", "the three Glue jobs of four workflow runs on the local Glue 5.1 runtime (S3A and boto3)", terraform, lake, calls
    )


def save_recording(journey, description, terraform, lake, calls, **extra):
    """Writes `.build/journeys/<journey>.json`: the calls with the stack they ran against, workspace dev and
    the local key that stands for the environment key."""
    JOURNEYS.mkdir(parents=True, exist_ok=True)
    (JOURNEYS / f"{journey}.json").write_text(
        json.dumps(
            {
                "journey": journey,
                "description": description,
                "workspace": "dev",
                "accountId": ACCOUNT_ID,
                "region": boto3.session.Session().region_name,
                "keys": {lake.kms_key_arn: _address(terraform, "aws_kms_key", "/kms/key")},
                **extra,
                "stack": terraform,
                "calls": calls,
            }
        )
    )


def _address(terraform, resource_type, path_suffix):
    """The address of the one resource of `resource_type` whose construct path ends with `path_suffix`."""
    (name,) = [
        name for name, block in terraform["resource"][resource_type].items() if block["//"]["metadata"]["path"].endswith(path_suffix)
    ]
    return f"{resource_type}.{name}"

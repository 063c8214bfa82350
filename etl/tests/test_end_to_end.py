"""End to end on the Glue 5.1 runtime: what the three real job scripts left in the lake after the four
workflow runs of `e2e_workflow.py` (the session's `workflow`, with Hive sync on): Bronze, Silver, Gold, the
processed-files table, the quarantine, encryption, the Hudi commits and the data-quality metrics each run
published. The catalog those runs synced is checked in test_catalog_sync.py, what Trino reads of it in
test_trino_queries.py."""

import json

import boto3
import pytest
from local_runtime.synthesized_stack import ACCOUNT_ID
from metriccare_etl.schemas import GOLD_COLUMNS
from moto.cloudwatch.models import cloudwatch_backends

from .e2e_workflow import COHORT
from .support import named_query

pytestmark = pytest.mark.e2e


def test_bronze_holds_every_resource_of_the_good_files_with_the_newest_version(workflow):
    # Prepare
    lake, reader, _ = workflow
    # Act
    patients = reader.rows("bronze", "patient", "id", "meta.lastUpdated")
    encounters = reader.rows("bronze", "encounter", "id")
    conditions = reader.rows("bronze", "condition", "id")
    # Assess: p2's newest version (run 2) stays after its older copy (run 3)
    assert patients == [("p1", "2024-05-01T12:00:00.000000Z"), ("p2", "2024-06-01T12:00:00.000000Z"), ("p3", "2024-05-01T12:00:00.000000Z")]
    assert encounters == [("e1",), ("e2",), ("e3",), ("e4",), ("e5",), ("e6",)]
    assert conditions == [("c1",), ("c2",), ("c3",)]


def test_silver_holds_typed_rows_at_their_paths(workflow):
    # Prepare
    _, reader, _ = workflow
    # Act
    patients = reader.rows("silver", "patient", "id", "gender", "birth_date", "age_band", "deceased")
    encounters = reader.rows("silver", "encounter", "id", "patient_id", "class_code", "period_start_month", "length_of_stay_days")
    conditions = reader.rows("silver", "condition", "id", "patient_id", "code", "clinical_status", "onset_month")
    # Assess: ages on any date from 2021-06 to 2031-06: p1 75-84, p2 35-49, p3 18-34
    assert [row[:2] + (row[2].isoformat(),) + row[3:] for row in patients] == [
        ("p1", "female", "1946-06-15", "75-84", False),
        ("p2", "male", "1984-06-15", "35-49", False),
        ("p3", "female", "1996-06-15", "18-34", False),
    ]
    assert encounters == [
        ("e1", "p1", "IMP", "2024-03", 4),
        ("e2", "p1", "IMP", "2024-03", 2),
        ("e3", "p2", "AMB", "2024-03", 0),
        ("e4", "p3", "EMER", "2024-04", 0),
        ("e5", "p3", "AMB", "2024-06", None),
    ]
    assert conditions == [
        ("c1", "p1", "44054006", "active", "2020-01"),
        ("c2", "p2", "44054006", "active", "2020-01"),
        ("c3", "p1", "38341003", "active", "2020-01"),
    ]


def test_gold_equals_the_hand_computed_measures(workflow):
    # Prepare
    _, reader, _ = workflow
    # Act
    by_class = reader.rows("gold", "encounters_by_class_month", "encounter_class", "period_month", "encounter_count")
    stays = reader.rows(
        "gold",
        "average_length_of_stay",
        "encounter_class",
        "discharge_month",
        "discharges",
        "total_length_of_stay_days",
        "average_length_of_stay_days",
    )
    readmissions = reader.rows(
        "gold", "readmission_rate_30d", "discharge_month", "index_admissions", "readmissions_30d", "readmission_rate"
    )
    prevalence = reader.rows("gold", "condition_prevalence", "code", "code_display", "patient_count", "total_patients", "prevalence")
    population = reader.rows("gold", "patients_by_age_band_gender", "age_band", "gender", "patient_count")
    # Assess (tests/fixtures/e2e/README.md works each value out)
    assert by_class == [("AMB", "2024-03", 1), ("EMER", "2024-04", 1), ("IMP", "2024-03", 2)]
    assert stays == [("IMP", "2024-03", 2, 6, 3.0)]
    assert readmissions == [("2024-03", 1, 1, 1.0)]
    assert prevalence == [("38341003", "Hypertensive disorder", 1, 3, 0.3333), ("44054006", "Diabetes mellitus type 2", 2, 3, 0.6667)]
    assert population == [("18-34", "female", 1), ("35-49", "male", 1), ("75-84", "female", 1)]


def test_the_malformed_file_and_the_vanished_version_are_quarantined_with_their_error_and_failed_while_the_batch_lands(workflow):
    # Prepare
    lake, reader, _ = workflow
    key = "fhir/2024/broken.json"
    # Act
    items = reader.items()
    note = reader.json_object(f"quarantine/bronze/wr_local_0001/{key}.error.json")
    copy = reader.s3.get_object(Bucket=lake.lakehouse_bucket, Key=f"quarantine/bronze/wr_local_0001/{key}")["Body"].read()
    # Assess
    failed = items.pop(key)
    assert (failed["status"]["S"], failed["error"]["S"]) == ("FAILED", "not valid JSON: Expecting value at line 6 column 1")
    assert (note["error"], note["file_key"], note["quarantined_copy"]) == (
        failed["error"]["S"],
        failed["file_key"]["S"],
        f"s3://{lake.lakehouse_bucket}/quarantine/bronze/wr_local_0001/{key}",
    )
    assert copy == (COHORT / "broken.json").read_bytes()
    vanished = items.pop("fhir/2024/gone.json")
    gone_note = reader.json_object("quarantine/bronze/wr_local_0001/fhir/2024/gone.json.error.json")
    assert (vanished["status"]["S"], vanished["error"]["S"]) == (
        "FAILED",
        f"cannot read s3://{lake.raw_bucket}/fhir/2024/gone.json: the object version no longer exists",
    )
    assert (gone_note["quarantined_copy"], gone_note["copy_error"]) == (None, "the object version no longer exists")
    assert {key: (item["status"]["S"], item["records_written"]["N"]) for key, item in items.items()} == {
        "fhir/2024/batch-1.json": ("PROCESSED", "7"),
        "fhir/2024/batch-2.ndjson": ("PROCESSED", "3"),
        "fhir/2024/p2-v2.json": ("PROCESSED", "1"),
        "fhir/2024/june-encounters.ndjson": ("PROCESSED", "2"),
        "fhir/2024/p2-late-old-copy.json": ("PROCESSED", "1"),
    }


def test_the_run_report_and_the_quarantine_are_written_with_sse_kms_under_the_environment_key(workflow):
    # Prepare
    lake, reader, _ = workflow
    keys = [
        "bronze/_run_reports/wr_local_0001.json",
        "quarantine/bronze/wr_local_0001/fhir/2024/broken.json",
        "quarantine/bronze/wr_local_0001/fhir/2024/broken.json.error.json",
    ]
    # Act
    report = reader.json_object(keys[0])
    encryption = {key: reader.encryption(key) for key in keys}
    gone = next(key for key in report["files_unreadable"])
    # Assess
    assert (report["files_claimed"], report["files_processed"], report["files_failed"], report["records_by_table"]) == (
        4,
        2,
        2,
        {"condition": 3, "encounter": 4, "patient": 3},
    )
    assert (gone.split("#")[0], report["files_unreadable"][gone]) == (f"s3://{lake.raw_bucket}/fhir/2024/gone.json", "NoSuchVersion")
    assert encryption == {key: ("aws:kms", lake.kms_key_arn) for key in keys}


def test_what_spark_writes_through_s3a_carries_sse_kms_under_the_environment_key(workflow):
    # Prepare
    lake, reader, _ = workflow
    listed = reader.s3.list_objects_v2(Bucket=lake.lakehouse_bucket, Prefix="gold/")["Contents"]
    parquet = [item["Key"] for item in listed if item["Key"].endswith(".parquet")]
    # Act
    encryption = {reader.encryption(key) for key in parquet}
    # Assess
    assert parquet and encryption == {("aws:kms", lake.kms_key_arn)}


def test_a_newer_version_replaces_the_row_and_an_older_copy_arriving_later_never_does(workflow):
    # Prepare
    _, reader, snapshots = workflow
    # Act
    after_older_copy = reader.rows("silver", "patient", "id", "family_name")
    # Assess
    assert snapshots["run1_p2"][1][:2] == ("p2", "Brook")
    assert snapshots["run2_p2"] == [("p1", "Avery"), ("p2", "Brook-Newer"), ("p3", "Casey")]
    assert after_older_copy == [("p1", "Avery"), ("p2", "Brook-Newer"), ("p3", "Casey")]


def test_a_run_with_nothing_new_adds_no_hudi_commit(workflow):
    # Prepare
    lake, _, snapshots = workflow
    before, after = snapshots["commits_before_run4"], snapshots["commits_after_run4"]
    # Act
    logs = snapshots["run4"]
    # Assess: 3 Bronze runs wrote patient, 2 encounter, 1 condition; no table got a commit in run 4
    assert after == before
    assert {table: count for table, count in before.items() if table.startswith("bronze/")} == {
        "bronze/patient": 3,
        "bronze/encounter": 2,
        "bronze/condition": 1,
    }
    assert "gold: every measure is current (its Silver tables and reference date unchanged), nothing written" in logs["gold"]
    assert json.loads(logs["bronze"].strip().splitlines()[-1])["files_claimed"] == 0


def test_bronze_is_table_version_8_and_silver_version_6_both_merging_by_event_time_on_the_precombine_field(workflow):
    # Prepare
    lake, reader, _ = workflow

    def table_config(key):
        properties = reader.s3.get_object(Bucket=lake.lakehouse_bucket, Key=f"{key}/.hoodie/hoodie.properties")["Body"].read().decode()
        return dict(line.split("=", 1) for line in properties.splitlines() if "=" in line and not line.startswith("#"))

    # Act
    bronze, silver = table_config("bronze/encounter"), table_config("silver/encounter")
    # Assess: Bronze is Hudi 1.0's table version 8 with its merge mode; Silver the version 6 Athena reads, whose
    # table config names event-time merging by its payload class and merge strategy (Hudi's event-time strategy id)
    assert (bronze["hoodie.table.version"], bronze["hoodie.record.merge.mode"], bronze["hoodie.table.precombine.field"]) == (
        "8",
        "EVENT_TIME_ORDERING",
        "meta.lastUpdated",
    )
    assert (
        silver["hoodie.table.version"],
        silver["hoodie.compaction.payload.class"],
        silver["hoodie.record.merge.strategy.id"],
        silver["hoodie.table.precombine.field"],
    ) == ("6", "org.apache.hudi.common.model.DefaultHoodieRecordPayload", "eeb8d96f-b1e4-49fd-bbf8-28ac514178e5", "last_updated")


def test_the_athena_named_queries_return_the_measures_on_the_gold_tables(workflow):
    # Prepare: each Gold table under the name the named queries use (Athena resolves them in the Gold database).
    _, reader, _ = workflow
    for table in GOLD_COLUMNS:
        reader.spark.read.format("hudi").load(reader.path("gold", table)).createOrReplaceTempView(table)
    (reference_date,) = {row[0] for row in reader.rows("gold", "condition_prevalence", "reference_date")}
    # Act
    results = {table: [tuple(row) for row in reader.spark.sql(named_query(table)).collect()] for table in GOLD_COLUMNS}
    # Assess: the measures of test_gold_equals_the_hand_computed_measures, in each query's order and units
    sct = "http://snomed.info/sct"
    assert results == {
        "encounters_by_class_month": [("EMER", "2024-04", 1), ("AMB", "2024-03", 1), ("IMP", "2024-03", 2)],
        "average_length_of_stay": [("IMP", "2024-03", 2, 3.0)],
        "readmission_rate_30d": [("2024-03", 1, 1, 100.0, reference_date)],
        "condition_prevalence": [
            (sct, "44054006", "Diabetes mellitus type 2", 2, 3, 66.67, reference_date),
            (sct, "38341003", "Hypertensive disorder", 1, 3, 33.33, reference_date),
        ],
        "patients_by_age_band_gender": [
            ("18-34", "female", 1, reference_date),
            ("35-49", "male", 1, reference_date),
            ("75-84", "female", 1, reference_date),
        ],
    }


def _published(namespace, name, **dimensions):
    """The values the jobs published for one metric, in the order they arrived: CloudWatch keeps each metric by its
    exact set of dimensions, as moto stores them (moto's own GetMetricStatistics also sums wider dimension sets)."""
    backend = cloudwatch_backends[ACCOUNT_ID][boto3.session.Session().region_name]
    wanted = sorted(dimensions.items())
    return [
        datum.value
        for datum in backend.metric_data
        if datum.namespace == namespace and datum.name == name and sorted((d.name, d.value) for d in datum.dimensions) == wanted
    ]


def test_each_run_published_its_data_quality_metrics_as_its_report_says(workflow):
    # Prepare
    lake, reader, _ = workflow
    namespace = lake.arguments["bronze"]["--metrics_namespace"]
    reports = [reader.json_object(f"bronze/_run_reports/wr_local_{run:04d}.json") for run in range(1, 5)]
    # Act
    bronze = {
        name: _published(namespace, name, Job="bronze") for name in ("FilesProcessed", "FilesFailed", "RecordsRead", "QuarantinedPercent")
    }
    encounter_share = _published(namespace, "QuarantinedPercent", Job="silver", Table="encounter")
    e6 = _published(namespace, "RecordsQuarantined", Job="silver", Table="encounter", Reason="period_end_before_start")
    silver_share = _published(namespace, "QuarantinedPercent", Job="silver")
    # Assess: by hand from the cohort. Run 1: batch-1 and batch-2 land 3 patients, 4 encounters, 3 conditions;
    # broken and gone fail. Run 2: p2's new version and e5, e6. Run 3: p2's old copy. Run 4: nothing (no share).
    assert namespace == "metriccare/dev"
    assert bronze == {
        "FilesProcessed": [2, 2, 1, 0],
        "FilesFailed": [2, 0, 0, 0],
        "RecordsRead": [10, 3, 1, 0],
        "QuarantinedPercent": [0, 0, 0],
    }
    assert bronze["FilesProcessed"] == [report["files_processed"] for report in reports]
    assert bronze["FilesFailed"] == [report["files_failed"] for report in reports]
    assert bronze["RecordsRead"] == [sum(report["records_by_table"].values()) for report in reports]
    # Silver: encounters read 4 then 2 (e5 kept, e6 quarantined: 50 %); the run's share 0 of 10, then 1 of 3 (p2, e5, e6)
    assert encounter_share[:2] == [0.0, 50.0]
    assert e6 == [1]
    assert silver_share[:2] == [0.0, pytest.approx(100 / 3)]

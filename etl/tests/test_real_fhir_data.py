"""FHIR data this project did not write, through the real jobs: the HL7 R4 specification's examples and the
seeded Synthea population (the six shortest of the suite's 8 patients; `toolchain/fhir/`), with our R4 probe files
(`tests/fixtures/r4-probe/`, described in its README), uploaded to one lake and run in one workflow run
(the three job scripts on real Spark 3.5.6, Hudi 1.0.2 and moto, with Glue's argv for workspace staging, so
that this lake sits beside the end-to-end test's dev lake in the suite's moto). One run for all three keeps
Spark's and Hudi's fixed costs (a Hudi commit per table) to one workflow run.

Every Gold table must equal, row for row, the independent implementation of etl/README.md
(`tests/oracle/gold_oracle.py`) over the same files, and Silver must hold the ids and quarantine reasons it
computes; the probe files' Silver rows and reasons are asserted value by value. The module prints, per data
set, resources in, accepted and quarantined by reason, and the wall time (docs/benchmarks.md keeps them).
"""

import datetime as dt
import io
import json
import os
import re
import time
from collections import Counter
from pathlib import Path

import boto3
import pytest
from local_runtime.fhir_datasets import fhir_dataset
from local_runtime.progress import Progress
from local_runtime.synthesized_stack import synthesize
from local_runtime.workflow import hadoop_settings, provision, restore_hadoop_settings, run_workflow, upload
from metriccare_etl.spark_tables import table_exists

from .gold_support import naive_utc
from .oracle.gold_oracle import GOLD_TABLES, gold_rows, load_resources, silver
from .support import FIXTURES

pytestmark = pytest.mark.e2e

PROBE = FIXTURES / "r4-probe"
# Where each data set's files go under the raw prefix; the prefix tells the data sets apart in the lake.
DATASETS = {"spec": "fhir-spec-examples", "synthea": "fhir-synthea", "probe": None}
HADOOP_KEYS = ["fs.s3a.encryption.algorithm", "fs.s3a.encryption.key", "fs.s3a.endpoint.region"]
TYPES = {"patient": "Patient", "encounter": "Encounter", "condition": "Condition"}
RUN_ID = "wr_local_0001"


# The suite runs the population's six shortest histories (by bundle size, so the same six for the pinned
# population). The two longest, 25 of its 33 MB, alone put 588 of the 875 month partitions into Silver's
# first run: about four minutes of every `npm test` spent on partition count (issue 28), not on R4 rules.
SYNTHEA_BUNDLES = 6


def _folders(scratch):
    folders = {name: PROBE if dataset is None else fhir_dataset(dataset) for name, dataset in DATASETS.items()}
    shortest = sorted(folders["synthea"].glob("*.json"), key=lambda path: (path.stat().st_size, path.name))[:SYNTHEA_BUNDLES]
    folders["synthea"] = scratch / "synthea"
    folders["synthea"].mkdir()
    for bundle in shortest:
        (folders["synthea"] / bundle.name).symlink_to(bundle)
    return folders


class Lake:
    """What the workflow run left: the lake's tables, the processed-files items and Bronze's report."""

    def __init__(self, spark, lake):
        self.spark, self.lake = spark, lake
        self.s3 = boto3.client("s3")
        self._tables = {}
        self.report = self.json_object(f"bronze/_run_reports/{RUN_ID}.json")
        scanned = boto3.client("dynamodb").scan(TableName=lake.processed_files_table)["Items"]
        self.items = {item["object_key"]["S"].removeprefix(lake.raw_prefix): item for item in scanned}

    def json_object(self, key):
        return json.loads(self.s3.get_object(Bucket=self.lake.lakehouse_bucket, Key=key)["Body"].read())

    def rows(self, path, *columns):
        """The table's rows as dicts (`columns`, else all but Hudi's); none when no run wrote the table (Hudi
        writes no empty commit: a quarantine table exists only once something was quarantined). Each table
        is read once: the run is over, and a Hudi read costs seconds on a busy machine."""
        if path not in self._tables:
            uri = f"s3://{self.lake.lakehouse_bucket}/{path}/"
            if table_exists(self.spark, uri):
                frame = self.spark.read.format("hudi").load(uri)
                self._tables[path] = [
                    row.asDict() for row in frame.select(*[c for c in frame.columns if not c.startswith("_hoodie_")]).collect()
                ]
            else:
                self._tables[path] = []
        return [{column: row[column] for column in columns} if columns else dict(row) for row in self._tables[path]]


@pytest.fixture(scope="module")
def real(spark, request, tmp_path_factory):
    """Uploads the three data sets, runs one workflow run, and keeps the lake, the folders and the timing."""
    folders = _folders(tmp_path_factory.mktemp("real-fhir"))
    saved = hadoop_settings(spark, HADOOP_KEYS)
    try:
        lake = provision(synthesize(), "staging")
        started = time.monotonic()
        for name, folder in folders.items():
            for path in sorted(folder.glob("*.json")):
                upload(lake, f"{name}/{path.name}", path.read_bytes())
        uploaded, load_before = time.monotonic(), os.getloadavg()
        steps = io.StringIO()
        outputs = run_workflow(lake, progress=Progress(steps))
        ran, load_after = time.monotonic(), os.getloadavg()
        reader = Lake(spark, lake)
        figures = {name: _figures(reader, name) for name in folders}
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(
                f"\nreal FHIR data: upload {uploaded - started:.1f} s, 1 workflow run (3 job runs) {ran - uploaded:.1f} s; "
                f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; " + _job_times(steps.getvalue())
            )
            for name, lines in figures.items():
                print(f"  {name}: " + "; ".join(lines))
        yield reader, folders, outputs
    finally:
        restore_hadoop_settings(spark, saved)


def _job_times(progress_lines):
    """`bronze 12.3 s, silver ...` from the workflow's progress lines (`[  12.3 s] bronze   job done in 12.3 s`)."""
    done = re.compile(r"\] (\w+) +job done in ([0-9.]+ s)$")
    return ", ".join(" ".join(match.groups()) for match in map(done.search, progress_lines.splitlines()) if match)


def _figures(reader, name):
    """One data set's way through the run: files by status, resources in, Bronze's and Silver's quarantine by
    reason, versions of one id superseded, rows accepted, other R4 types read but not loaded."""
    prefix = f"s3://{reader.lake.raw_bucket}/{reader.lake.raw_prefix}{name}/"
    files = [summary for summary in reader.report["files"] if summary["source_object"].startswith(prefix)]
    records = Counter()
    bronze_reasons, other_types = Counter(), Counter()
    for summary in files:
        records.update(summary["records_by_table"])
        bronze_reasons.update(summary["quarantine_reasons"])
        other_types.update(summary["unsupported_resource_types"])
    statuses = Counter(summary["status"] for summary in files)
    accepted, quarantined, distinct = Counter(), Counter(), Counter()
    for table in TYPES:
        distinct[table] = sum(1 for row in reader.rows(f"bronze/{table}", "source_object") if row["source_object"].startswith(prefix))
        accepted[table] = sum(1 for row in reader.rows(f"silver/{table}", "source_object") if row["source_object"].startswith(prefix))
        for row in reader.rows(f"quarantine/silver/{table}", "source_object", "reason_code"):
            if row["source_object"].startswith(prefix):
                quarantined[f"{table} {row['reason_code']}"] += 1
    entries_in = sum(records.values()) + sum(bronze_reasons.values())
    return [
        f"{len(files)} files ({', '.join(f'{count} {status}' for status, count in sorted(statuses.items()))})",
        f"{entries_in} resources in ({', '.join(f'{table} {records[table]}' for table in TYPES)}, unkeyable {sum(bronze_reasons.values())})",
        f"Bronze quarantined {sum(bronze_reasons.values())} {dict(bronze_reasons)}",
        f"superseded by a version of the same id {sum(records.values()) - sum(distinct.values())}",
        f"Silver accepted {sum(accepted.values())} ({', '.join(f'{table} {accepted[table]}' for table in TYPES)})",
        f"Silver quarantined {sum(quarantined.values())} {dict(quarantined)}",
        f"other R4 types read, not loaded: {sum(other_types.values())}",
    ]


def _normalised(rows):
    """Rows as sorted JSON texts without `computed_at`, dates as ISO text: a value-for-value comparison."""
    texts = Counter()
    for row in rows:
        values = {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items() if key != "computed_at"}
        texts[json.dumps(values, sort_keys=True)] += 1
    return texts


def test_every_gold_table_equals_the_independent_implementation_of_the_readme(real):
    # Prepare
    reader, folders, _ = real
    resources = [resource for folder in folders.values() for resource in load_resources(folder)]
    (reference_date,) = {row["reference_date"] for row in reader.rows("gold/patients_by_age_band_gender", "reference_date")}
    # Act
    expected = gold_rows(resources, reference_date)
    found = {table: reader.rows(f"gold/{table}") for table in GOLD_TABLES}
    # Assess: every table has rows (the data reaches every measure), and equals the oracle's, value for value.
    differing = {}
    for table in GOLD_TABLES:
        pipeline, oracle = _normalised(found[table]), _normalised(expected[table])
        if pipeline != oracle:
            differing[table] = {
                "pipeline only": sorted((pipeline - oracle).elements()),
                "oracle only": sorted((oracle - pipeline).elements()),
            }
    assert differing == {}
    assert {table: len(rows) > 0 for table, rows in found.items()} == dict.fromkeys(GOLD_TABLES, True)


def test_silver_holds_the_ids_and_quarantine_reasons_the_independent_implementation_computes(real):
    # Prepare
    reader, folders, _ = real
    resources = [resource for folder in folders.values() for resource in load_resources(folder)]
    (processed,) = {row["processed_at"].date() for row in reader.rows("silver/patient", "processed_at")}
    # Act
    expected = silver(resources, processed)
    ids = {table: sorted(row["id"] for row in reader.rows(f"silver/{table}", "id")) for table in TYPES}
    reasons = Counter()
    for table, resource_type in TYPES.items():
        reasons.update((resource_type, row["reason_code"]) for row in reader.rows(f"quarantine/silver/{table}", "reason_code"))
    # Assess
    assert ids == {
        "patient": sorted(expected.patients),
        "encounter": sorted(encounter.id for encounter in expected.encounters),
        "condition": sorted(condition.id for condition in expected.conditions),
    }
    assert reasons == expected.quarantined


def test_every_file_lands_and_only_unkeyable_entries_are_left_out(real):
    # Prepare
    reader, folders, _ = real
    # Act
    statuses = {key: (item["status"]["S"], int(item["records_written"]["N"])) for key, item in reader.items.items()}
    # Assess: one specification example is a Patient without an id (R4 allows that only for a create): the
    # lake is keyed by id, so that entry is quarantined; every other file lands whole, except the probes'.
    partial = {key: value for key, value in statuses.items() if value[0] != "PROCESSED"}
    assert partial == {
        "spec/json-edge-cases.json": ("PARTIAL", 0),
        "probe/08-lowercase-type.json": ("PARTIAL", 0),
        "probe/10-bundle-one-bad-id.json": ("PARTIAL", 2),
    }
    assert len(statuses) == sum(len(list(folder.glob("*.json"))) for folder in folders.values())
    edge = reader.json_object(f"quarantine/bronze/{RUN_ID}/{reader.lake.raw_prefix}spec/json-edge-cases.json.rejected-entries.json")
    assert [(entry["location"], entry["reason_code"], entry["detail"]) for entry in edge["entries"]] == [
        ("document", "invalid_id", "Patient has no valid id (1-64 of A-Z a-z 0-9 - .), got null")
    ]


def test_the_probe_files_end_bronze_as_r4_says_with_every_reason_named(real):
    # Prepare
    reader, _, _ = real
    notes = f"quarantine/bronze/{RUN_ID}/{reader.lake.raw_prefix}probe"
    # Act
    items = {key.removeprefix("probe/"): item for key, item in reader.items.items() if key.startswith("probe/")}
    lowercase = reader.json_object(f"{notes}/08-lowercase-type.json.rejected-entries.json")
    bad_id = reader.json_object(f"{notes}/10-bundle-one-bad-id.json.rejected-entries.json")
    # Assess
    assert {name: item["status"]["S"] for name, item in items.items() if item["status"]["S"] != "PROCESSED"} == {
        "08-lowercase-type.json": "PARTIAL",
        "10-bundle-one-bad-id.json": "PARTIAL",
    }
    assert (lowercase["records_written"], lowercase["entries"]) == (
        0,
        [
            {
                "location": "document",
                "reason_code": "unknown_resource_type",
                "detail": 'resourceType "patient" is not an R4 resource type; R4 spells it "Patient"',
                "resource": json.loads((PROBE / "08-lowercase-type.json").read_text()),
            }
        ],
    )
    bundle = json.loads((PROBE / "10-bundle-one-bad-id.json").read_text())
    assert (bad_id["records_written"], bad_id["entries"]) == (
        2,
        [
            {
                "location": "entry[2]",
                "reason_code": "invalid_id",
                "detail": 'Encounter has no valid id (1-64 of A-Z a-z 0-9 - .), got "bad_id"',
                "resource": bundle["entry"][2]["resource"],
            }
        ],
    )
    partial = items["10-bundle-one-bad-id.json"]
    assert (partial["records_written"]["N"], partial["entries_quarantined"]["N"], partial["error"]["S"]) == (
        "2",
        "1",
        "entries quarantined: 1 (invalid_id 1); records written: 2; "
        'first: entry[2]: invalid_id: Encounter has no valid id (1-64 of A-Z a-z 0-9 - .), got "bad_id"; '
        f"all in s3://{reader.lake.lakehouse_bucket}/{notes}/10-bundle-one-bad-id.json.rejected-entries.json",
    )
    assert "expires_at" not in partial
    assert reader.report["entries_quarantined_by_reason"] == {"invalid_id": 2, "unknown_resource_type": 1}


def test_the_probe_files_valid_r4_lands_in_silver_with_the_values_r4_gives_it(real):
    # Prepare
    reader, _, _ = real
    probe = lambda row: row["id"].startswith("pr-")  # noqa: E731
    # Act
    patients = {
        row["id"]: (row["gender"], row["birth_date"], row["deceased"], row["deceased_date"], row["last_updated"])
        for row in reader.rows("silver/patient")
        if probe(row)
    }
    infant = next(row for row in reader.rows("silver/patient") if row["id"] == "pr-infant")
    encounter_columns = (
        "class_code",
        "patient_id",
        "period_start",
        "period_start_date",
        "period_end_date",
        "period_start_month",
        "length_of_stay_days",
        "length_of_stay_hours",
    )
    encounters = {row["id"]: tuple(row[column] for column in encounter_columns) for row in reader.rows("silver/encounter") if probe(row)}
    condition_columns = (
        "code_system",
        "code",
        "code_display",
        "clinical_status",
        "patient_id",
        "onset_date",
        "abatement_date",
        "onset_month",
    )
    conditions = {row["id"]: tuple(row[column] for column in condition_columns) for row in reader.rows("silver/condition") if probe(row)}
    quarantined = [row for table in TYPES for row in reader.rows(f"quarantine/silver/{table}", "id") if probe(row)]
    # Assess (tests/fixtures/r4-probe/README.md): a resource without meta.lastUpdated has the run's ingestion time.
    ingested = patients["pr-1"][4]
    day = dt.date
    assert patients == {
        "pr-1": ("female", day(1980, 1, 1), False, None, ingested),
        "pr-infant": ("female", day(2020, 6, 15), True, day(2020, 6, 15), ingested),
        "pr-b1": ("male", day(1980, 1, 1), False, None, ingested),
        "pr-b2": ("other", day(1980, 1, 1), False, None, naive_utc(2016, 12, 31, 23, 59, 59, 999999)),
    }
    assert (infant["age"], infant["age_band"]) == (0, "0-17")
    assert encounters == {
        "pr-e-sameday": ("IMP", "pr-1", naive_utc(2024, 2, 10, 9), day(2024, 2, 10), day(2024, 2, 10), "2024-02", 0, None),
        "pr-e-logical": ("AMB", None, naive_utc(2024, 3, 5, 9), day(2024, 3, 5), day(2024, 3, 5), "2024-03", 0, 0.5),
        "pr-e-nosubject": ("AMB", None, naive_utc(2024, 3, 6, 9), day(2024, 3, 6), day(2024, 3, 6), "2024-03", 0, 0.5),
        "pr-e-leap": ("AMB", "pr-1", naive_utc(2016, 12, 31, 23, 59, 59, 999999), day(2016, 12, 31), day(2017, 1, 1), "2016-12", 1, 0.5),
        "pr-b1-e": ("EMER", "pr-b1", naive_utc(2024, 4, 1, 10), day(2024, 4, 1), day(2024, 4, 1), "2024-04", 0, 2.0),
        "pr-b2-e": ("EMER", "pr-b2", naive_utc(2024, 5, 1, 10), day(2024, 5, 1), day(2024, 5, 1), "2024-05", 0, 2.0),
    }
    snomed = "http://snomed.info/sct"
    assert conditions == {
        "pr-c-abated": (snomed, "195662009", "Acute viral pharyngitis", "resolved", "pr-1", day(2019, 5, 20), day(2019, 5, 20), "2019-05"),
        "pr-c-text": (None, None, "Headache", "active", "pr-1", None, None, "unknown"),
    }
    assert quarantined == []


def test_the_run_prints_its_figures_and_the_bronze_report_counts_partial_files(real):
    # Prepare
    reader, folders, outputs = real
    # Act
    printed = json.loads(outputs["bronze"].strip().splitlines()[-1])
    # Assess: spec 56 files, synthea 6, probe 11; 3 partial (the edge case and two probes), none failed.
    files = sum(len(list(Path(folder).glob("*.json"))) for folder in folders.values())
    assert (printed["files_claimed"], printed["files_processed"], printed["files_partial"], printed["files_failed"]) == (
        files,
        files - 3,
        3,
        0,
    )
    assert printed["entries_quarantined_by_reason"] == reader.report["entries_quarantined_by_reason"]

"""Athena reads Hudi with Hudi 0.14.0 or 0.15.0 (Athena's "Considerations and limitations" for Hudi), and
Glue 5.1 writes with Hudi 1.0.2. This module writes a lake with the real jobs' code, then opens it with
the real Hudi 0.15.0 reader in its own Spark process (`local_runtime.hudi_0_15_reader`): every Silver
table (quarantine tables included) and every Gold table, written as table version 6, reads back row for
row; a Bronze table, Hudi 1.0's table version 8, does not open at all, which is why Silver and Gold are
written as version 6."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from metriccare_etl.config import parse_config
from metriccare_etl.errors import TableVersionError
from metriccare_etl.gold.run import run_gold
from metriccare_etl.hudi_options import ATHENA_READABLE, hudi_write_options
from metriccare_etl.silver.run import run_silver
from metriccare_etl.spark_tables import read_frame, table_uri, write_frame

from .gold_support import bronze_frame, condition, encounter, patient
from .test_config import SHIPPED

ETL = Path(__file__).resolve().parents[1]
CONFIG = parse_config(SHIPPED.read_text())
RUN_AT = dt.datetime(2025, 1, 15, 7, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory):
    lake_uri = f"file://{tmp_path_factory.mktemp('athena-lake')}"
    # One record per Silver table that fails validation, so every quarantine table has a row to read.
    bronze = {
        "patient": [patient("p1", "female", "1950-03-01"), patient("p2", "male", "1990-07-20"), patient("p9", "robot", "1990-07-20")],
        "encounter": [
            encounter("e1", "p1", "2024-01-01T08:00:00-05:00", "2024-01-03T09:00:00-05:00"),
            encounter("e9", "p1", "2024-01-05T08:00:00Z", "2024-01-04T08:00:00Z"),
        ],
        "condition": [
            condition("c1", "p1", "44054006", "Diabetes mellitus type 2"),
            condition("c9", "p1", "44054006", clinical="sleeping"),
        ],
    }
    for name, resources in bronze.items():
        write_frame(bronze_frame(spark, resources), CONFIG.bronze_tables[name], "metriccare_bronze_dev", lake_uri, sync_catalog=False)
    run_silver(spark, CONFIG, lake_uri, "metriccare_silver_dev", RUN_AT, sync_catalog=False)
    run_gold(spark, CONFIG, lake_uri, "metriccare_gold_dev", RUN_AT, sync_catalog=False)
    return lake_uri


def read_with_hudi_0_15(uris):
    completed = subprocess.run(
        [sys.executable, "-m", "local_runtime.hudi_0_15_reader", *uris],
        cwd=ETL,
        env={**os.environ, "PYTHONPATH": str(ETL)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {result["uri"]: result for result in map(json.loads, completed.stdout.splitlines())}


ATHENA_TABLES = {
    **{("silver", name): table for name, table in CONFIG.silver_tables.items()},
    **{("silver", table.name): table for table in CONFIG.silver_quarantine_tables.values()},
    **{("gold", name): table for name, table in CONFIG.gold_tables.items()},
}


@pytest.fixture(scope="module")
def read_by_hudi_0_15(lake):
    """Every Silver and Gold table and the Bronze encounter table through Hudi 0.15.0, in one reader process."""
    tables = [*ATHENA_TABLES.values(), CONFIG.bronze_tables["encounter"]]
    return read_with_hudi_0_15([table_uri(table, lake) for table in tables])


def as_values(rows):
    """JSON rows as sorted text with sorted keys: Hudi 0.15 lists a partition column last, the jobs' reads in the table's order."""
    return None if rows is None else sorted(json.dumps(json.loads(row), sort_keys=True) for row in rows)


def table_version(lake_uri, table):
    properties = Path(table_uri(table, lake_uri).removeprefix("file://"), ".hoodie", "hoodie.properties").read_text()
    return dict(line.split("=", 1) for line in properties.splitlines() if "=" in line and not line.startswith("#"))["hoodie.table.version"]


def test_athenas_hudi_reader_reads_every_silver_and_gold_table_as_the_jobs_wrote_it(spark, lake, read_by_hudi_0_15):
    # Prepare
    uris = {key: table_uri(table, lake) for key, table in ATHENA_TABLES.items()}
    # Act
    read = read_by_hudi_0_15
    # Assess: every table is version 6 and Hudi 0.15.0 returns the rows Hudi 1.0.2 reads, e.g. the
    # cohort's one stay (p1, IMP, 2024-01-01 to 2024-01-03 local: 2 days) and its one prevalent condition
    assert {key: table_version(lake, table) for key, table in ATHENA_TABLES.items()} == {key: "6" for key in ATHENA_TABLES}
    assert {key: as_values(read[uri].get("rows")) for key, uri in uris.items()} == {
        key: as_values(read_frame(spark, table, lake).toJSON().collect()) for key, table in ATHENA_TABLES.items()
    }
    stays = [json.loads(row) for row in read[uris["gold", "average_length_of_stay"]]["rows"]]
    assert [(row["encounter_class"], row["discharge_month"], row["discharges"], row["average_length_of_stay_days"]) for row in stays] == [
        ("IMP", "2024-01", 1, 2.0)
    ]
    prevalence = [json.loads(row) for row in read[uris["gold", "condition_prevalence"]]["rows"]]
    assert [(row["code"], row["patient_count"], row["total_patients"]) for row in prevalence] == [("44054006", 1, 2)]
    encounters = [json.loads(row) for row in read[uris["silver", "encounter"]]["rows"]]
    assert [(row["id"], row["period_start_month"], row["length_of_stay_days"]) for row in encounters] == [("e1", "2024-01", 2)]
    quarantined = {
        name: [(row["id"], row["reason_code"]) for row in map(json.loads, read[uris["silver", f"{name}_quarantine"]]["rows"])]
        for name in CONFIG.silver_tables
    }
    assert quarantined == {
        "patient": [("p9", "invalid_gender")],
        "encounter": [("e9", "period_end_before_start")],
        "condition": [("c9", "invalid_clinical_status")],
    }


def test_athenas_hudi_reader_cannot_open_a_table_version_8_table(lake, read_by_hudi_0_15):
    # Prepare: Bronze keeps Hudi 1.0's default table version (8)
    bronze = CONFIG.bronze_tables["encounter"]
    uri = table_uri(bronze, lake)
    # Act
    read = read_by_hudi_0_15
    # Assess: Hudi 0.15.0 rejects the timeline layout before reading a file
    assert table_version(lake, bronze) == "8"
    assert read[uri] == {
        "uri": uri,
        "error": "java.lang.IllegalArgumentException at org.apache.hudi.common.util.ValidationUtils.checkArgument",
    }


def write_as_version_8(spark, rows, table, lake_uri):
    """`rows` written to `table` as before this change: the jobs' options without ATHENA_READABLE."""
    database = f"metriccare_{table.layer}_dev"
    options = {name: value for name, value in hudi_write_options(table, database, False).items() if name not in ATHENA_READABLE}
    rows.write.format("hudi").options(**options).mode("append").save(table_uri(table, lake_uri))


def test_a_gold_table_already_stored_as_version_8_is_refused_with_what_to_do(spark, lake, tmp_path):
    # Prepare: a Gold table written before Gold moved to version 6, with Hudi 1.0's default version
    table = CONFIG.gold_tables["condition_prevalence"]
    rows = read_frame(spark, table, lake)
    old = f"file://{tmp_path}"
    write_as_version_8(spark, rows, table, old)
    # Act
    with pytest.raises(TableVersionError) as refused:
        write_frame(rows, table, "metriccare_gold_dev", old, sync_catalog=False)
    # Assess: refused before Hudi writes (Hudi would keep version 8 without a word), naming the fix
    assert str(refused.value) == (
        f"gold table `condition_prevalence` at {old}/gold/condition_prevalence/ is stored as Hudi table version 8; "
        "its writes ask for version 6 (hoodie.write.table.version) and Hudi does not change a table's version by "
        "writing to it. Gold tables are recomputed from Silver: delete the table's prefix and `gold/_checkpoints/gold.json`, "
        'and the next Gold run rewrites every measure (etl/README.md, "Silver and Gold are written as Hudi table version 6").'
    )
    assert table_version(old, table) == "8"


def test_a_silver_table_already_stored_as_version_8_stops_the_silver_run_with_what_to_do(spark, lake, tmp_path):
    # Prepare: Silver's encounter table as Silver wrote it before this change (version 8), and Bronze
    # with one more encounter, so that the next Silver run has something to write
    table = CONFIG.silver_tables["encounter"]
    old = f"file://{tmp_path}"
    write_as_version_8(spark, read_frame(spark, table, lake), table, old)
    new_encounter = encounter("e2", "p2", "2024-02-01T08:00:00Z", "2024-02-02T08:00:00Z")
    write_frame(bronze_frame(spark, [new_encounter]), CONFIG.bronze_tables["encounter"], "metriccare_bronze_dev", old, sync_catalog=False)
    # Act
    with pytest.raises(TableVersionError) as refused:
        run_silver(spark, CONFIG, old, "metriccare_silver_dev", RUN_AT, sync_catalog=False)
    # Assess: the patient table (no Bronze patient here) is skipped; the encounter table stops the run before Hudi writes
    assert str(refused.value) == (
        f"silver table `encounter` at {old}/silver/encounter/ is stored as Hudi table version 8; "
        "its writes ask for version 6 (hoodie.write.table.version) and Hudi does not change a table's version by "
        "writing to it. Silver tables are rebuilt from Bronze: delete the prefixes of `encounter` and `encounter_quarantine` "
        "and `_checkpoints/encounter.json` beside the Silver tables, and the next Silver run reads Bronze whole and rewrites "
        'both (etl/README.md, "Silver and Gold are written as Hudi table version 6").'
    )
    assert table_version(old, table) == "8"

"""Athena reads Hudi with Hudi 0.14.0 or 0.15.0 (Athena's "Considerations and limitations" for Hudi), and
Glue 5.1 writes with Hudi 1.0.2. This module writes a lake with the real jobs' code, then opens it with
the real Hudi 0.15.0 reader in its own Spark process (`local_runtime.hudi_0_15_reader`): the Gold tables,
written as table version 6, read back row for row; a Silver table, Hudi 1.0's table version 8, does not
open at all, which is why Gold is written as version 6."""

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
    bronze = {
        "patient": [patient("p1", "female", "1950-03-01"), patient("p2", "male", "1990-07-20")],
        "encounter": [encounter("e1", "p1", "2024-01-01T08:00:00-05:00", "2024-01-03T09:00:00-05:00")],
        "condition": [condition("c1", "p1", "44054006", "Diabetes mellitus type 2")],
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


@pytest.fixture(scope="module")
def read_by_hudi_0_15(lake):
    """Every Gold table and the Silver encounter table through Hudi 0.15.0, in one reader process."""
    tables = [*CONFIG.gold_tables.values(), CONFIG.silver_tables["encounter"]]
    return read_with_hudi_0_15([table_uri(table, lake) for table in tables])


def table_version(lake_uri, table):
    properties = Path(table_uri(table, lake_uri).removeprefix("file://"), ".hoodie", "hoodie.properties").read_text()
    return dict(line.split("=", 1) for line in properties.splitlines() if "=" in line and not line.startswith("#"))["hoodie.table.version"]


def test_athenas_hudi_reader_reads_every_gold_table_as_the_jobs_wrote_it(spark, lake, read_by_hudi_0_15):
    # Prepare
    gold = {name: table_uri(table, lake) for name, table in CONFIG.gold_tables.items()}
    # Act
    read = read_by_hudi_0_15
    # Assess: every Gold table is version 6 and Hudi 0.15.0 returns the rows Hudi 1.0.2 reads, e.g. the
    # cohort's one stay (p1, IMP, 2024-01-01 to 2024-01-03 local: 2 days) and its one prevalent condition
    assert {name: table_version(lake, CONFIG.gold_tables[name]) for name in gold} == {name: "6" for name in gold}
    assert {name: read[uri].get("rows") for name, uri in gold.items()} == {
        name: sorted(read_frame(spark, CONFIG.gold_tables[name], lake).toJSON().collect()) for name in gold
    }
    stays = [json.loads(row) for row in read[gold["average_length_of_stay"]]["rows"]]
    assert [(row["encounter_class"], row["discharge_month"], row["discharges"], row["average_length_of_stay_days"]) for row in stays] == [
        ("IMP", "2024-01", 1, 2.0)
    ]
    prevalence = [json.loads(row) for row in read[gold["condition_prevalence"]]["rows"]]
    assert [(row["code"], row["patient_count"], row["total_patients"]) for row in prevalence] == [("44054006", 1, 2)]


def test_athenas_hudi_reader_cannot_open_a_table_version_8_table(lake, read_by_hudi_0_15):
    # Prepare: Silver keeps Hudi 1.0's default table version (8)
    silver = CONFIG.silver_tables["encounter"]
    uri = table_uri(silver, lake)
    # Act
    read = read_by_hudi_0_15
    # Assess: Hudi 0.15.0 rejects the timeline layout before reading a file
    assert table_version(lake, silver) == "8"
    assert read[uri] == {
        "uri": uri,
        "error": "java.lang.IllegalArgumentException at org.apache.hudi.common.util.ValidationUtils.checkArgument",
    }


def test_a_gold_table_already_stored_as_version_8_is_refused_with_what_to_do(spark, lake, tmp_path):
    # Prepare: a Gold table written before this change, with Hudi 1.0's default version
    table = CONFIG.gold_tables["condition_prevalence"]
    rows = read_frame(spark, table, lake)
    old = f"file://{tmp_path}"
    options = {
        name: value for name, value in hudi_write_options(table, "metriccare_gold_dev", False).items() if name not in ATHENA_READABLE
    }
    rows.write.format("hudi").options(**options).mode("append").save(table_uri(table, old))
    # Act
    with pytest.raises(TableVersionError) as refused:
        write_frame(rows, table, "metriccare_gold_dev", old, sync_catalog=False)
    # Assess: refused before Hudi writes (Hudi would keep version 8 without a word), naming the fix
    assert str(refused.value) == (
        f"gold table `condition_prevalence` at {old}/gold/condition_prevalence/ is stored as Hudi table version 8; "
        "its writes ask for version 6 (hoodie.write.table.version) and Hudi does not change a table's version by "
        "writing to it. Gold tables are recomputed from Silver: delete the table's prefix and `gold/_checkpoints/gold.json`, "
        'and the next Gold run rewrites every measure (etl/README.md, "Gold is written as Hudi table version 6").'
    )
    assert table_version(old, table) == "8"

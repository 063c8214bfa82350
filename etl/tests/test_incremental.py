"""Cost follows new data, on the real Spark and Hudi: Silver reads only the Bronze commits since its
checkpoint and leaves unchanged rows alone; nothing new means no Silver or Gold commit.

The lake is a local folder (`file://`): the same Hadoop FileSystem calls as S3A, which this module also
passed against the moto server, at a sixth of the time on the project's 2-core machine."""

import datetime as dt

import pytest
from metriccare_etl.config import parse_config
from metriccare_etl.gold.run import run_gold
from metriccare_etl.silver.run import run_silver
from metriccare_etl.spark_tables import latest_commit_time, read_frame, table_uri, write_frame

from .gold_support import bronze_frame, condition, encounter, patient
from .test_config import SHIPPED

DATABASE = "metriccare_silver_dev"
CONFIG = parse_config(SHIPPED.read_text())
FIRST_RUN, SECOND_RUN = dt.datetime(2025, 1, 15, 7, tzinfo=dt.UTC), dt.datetime(2025, 1, 15, 8, tzinfo=dt.UTC)
THIRD_RUN, NEXT_DAY = dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC), dt.datetime(2025, 1, 16, 7, tzinfo=dt.UTC)
GOLD = list(CONFIG.gold_tables)


@pytest.fixture(scope="module")
def lake_uri(tmp_path_factory):
    return f"file://{tmp_path_factory.mktemp('lake')}"


def timelines(spark, lake):
    """The latest commit (instant time) of every Silver and Gold table."""
    tables = {**CONFIG.silver_tables, **CONFIG.gold_tables}
    return {name: latest_commit_time(spark, table_uri(table, lake)) for name, table in tables.items()}


def write_bronze(spark, lake, table, resources):
    write_frame(bronze_frame(spark, resources), CONFIG.bronze_tables[table], "metriccare_bronze_dev", lake, sync_catalog=False)


def gold_rows(spark, lake, table, *columns):
    return sorted(tuple(row) for row in read_frame(spark, CONFIG.gold_tables[table], lake).select(*columns).collect())


def processed(spark, lake, table):
    return {row["id"]: row["processed_at"] for row in read_frame(spark, CONFIG.silver_tables[table], lake).collect()}


@pytest.fixture(scope="module")
def lake(spark, lake_uri):
    write_bronze(spark, lake_uri, "patient", [patient("p1", "female", "1950-03-01"), patient("p2", "male", "1990-07-20")])
    write_bronze(spark, lake_uri, "encounter", [encounter("e1", "p1", "2024-01-01T08:00:00Z", "2024-01-03T08:00:00Z")])
    write_bronze(spark, lake_uri, "condition", [condition("c1", "p1", "44054006")])
    first_silver = run_silver(spark, CONFIG, lake_uri, DATABASE, FIRST_RUN, sync_catalog=False)
    first_gold = run_gold(spark, CONFIG, lake_uri, DATABASE, FIRST_RUN, sync_catalog=False)
    return {"silver": first_silver, "gold": first_gold, "timelines": timelines(spark, lake_uri)}


def test_the_first_run_reads_all_of_bronze(lake):
    assert [(result.table, result.bronze_rows, result.silver_rows, result.skipped) for result in lake["silver"]] == [
        ("patient", 2, 2, False),
        ("encounter", 1, 1, False),
        ("condition", 1, 1, False),
    ]
    assert [result.table for result in lake["gold"]] == [
        "encounters_by_class_month",
        "average_length_of_stay",
        "readmission_rate_30d",
        "condition_prevalence",
        "patients_by_age_band_gender",
    ]


def test_nothing_new_in_bronze_ends_silver_and_gold_without_a_commit(spark, lake, lake_uri):
    # Act
    silver = run_silver(spark, CONFIG, lake_uri, DATABASE, SECOND_RUN, sync_catalog=False)
    gold = run_gold(spark, CONFIG, lake_uri, DATABASE, SECOND_RUN, reference_date=FIRST_RUN.date(), sync_catalog=False)
    # Assess
    assert [(result.table, result.skipped) for result in silver] == [("patient", True), ("encounter", True), ("condition", True)]
    assert gold is None
    assert timelines(spark, lake_uri) == lake["timelines"]


def test_one_new_file_changes_only_its_rows(spark, lake, lake_uri):
    # Prepare: one new Bronze commit: p1 again unchanged (a re-sent file), p2 with a new gender, and a new encounter
    # in another; the condition table gets nothing.
    write_bronze(
        spark,
        lake_uri,
        "patient",
        [patient("p1", "female", "1950-03-01"), {**patient("p2", "other", "1990-07-20"), "meta": {"lastUpdated": "2025-01-15T07:30:00Z"}}],
    )
    write_bronze(spark, lake_uri, "encounter", [encounter("e2", "p2", "2024-02-01T08:00:00Z", "2024-02-02T08:00:00Z")])
    # Act
    silver = run_silver(spark, CONFIG, lake_uri, DATABASE, SECOND_RUN, sync_catalog=False)
    gold = run_gold(spark, CONFIG, lake_uri, DATABASE, SECOND_RUN, sync_catalog=False)
    # Assess: only the new commit was read (the checkpoint's own commit is not read again), p1 not rewritten.
    assert [(result.table, result.bronze_rows, result.silver_rows, result.skipped) for result in silver] == [
        ("patient", 2, 1, False),
        ("encounter", 1, 1, False),
        ("condition", 0, 0, True),
    ]
    first, second = FIRST_RUN.replace(tzinfo=None), SECOND_RUN.replace(tzinfo=None)
    assert processed(spark, lake_uri, "patient") == {"p1": first, "p2": second}
    assert processed(spark, lake_uri, "encounter") == {"e1": first, "e2": second}
    now = timelines(spark, lake_uri)
    assert now["condition"] == lake["timelines"]["condition"]
    assert now["patient"] != lake["timelines"]["patient"] and now["encounter"] != lake["timelines"]["encounter"]
    assert gold is not None and now["encounters_by_class_month"] != lake["timelines"]["encounters_by_class_month"]


def test_a_new_condition_recomputes_only_the_measure_that_reads_conditions(spark, lake, lake_uri):
    # Prepare: after the previous tests (p1 female 1950, p2 other 1990; e1, e2; c1 44054006 of p1), one new
    # condition of p2 with another code; patients and encounters get nothing.
    write_bronze(spark, lake_uri, "condition", [condition("c2", "p2", "38341003")])
    before = timelines(spark, lake_uri)
    # Act
    silver = run_silver(spark, CONFIG, lake_uri, DATABASE, THIRD_RUN, sync_catalog=False)
    gold = run_gold(spark, CONFIG, lake_uri, DATABASE, THIRD_RUN, sync_catalog=False)
    # Assess: only condition_prevalence (patient, condition) read the changed table; the rest keep their commits.
    assert [(result.table, result.silver_rows, result.skipped) for result in silver] == [
        ("patient", 0, True),
        ("encounter", 0, True),
        ("condition", 1, False),
    ]
    assert [(result.table, result.rows) for result in gold] == [("condition_prevalence", 2)]
    after = timelines(spark, lake_uri)
    assert {name for name in GOLD if after[name] != before[name]} == {"condition_prevalence"}
    # 2 living patients, each with one active confirmed condition of their own code: 1/2 each.
    assert gold_rows(spark, lake_uri, "condition_prevalence", "code", "patient_count", "total_patients", "prevalence") == [
        ("38341003", 1, 2, 0.5),
        ("44054006", 1, 2, 0.5),
    ]


def test_a_new_reference_date_alone_recomputes_only_the_dated_measures(spark, lake, lake_uri):
    before = timelines(spark, lake_uri)
    # Act: the next day's first run, nothing new in Bronze.
    silver = run_silver(spark, CONFIG, lake_uri, DATABASE, NEXT_DAY, sync_catalog=False)
    gold = run_gold(spark, CONFIG, lake_uri, DATABASE, NEXT_DAY, sync_catalog=False)
    # Assess: volume and length of stay do not depend on the date; readmissions, prevalence, age bands do.
    assert all(result.skipped for result in silver)
    assert [result.table for result in gold] == ["readmission_rate_30d", "condition_prevalence", "patients_by_age_band_gender"]
    after = timelines(spark, lake_uri)
    assert {name for name in GOLD if after[name] != before[name]} == {
        "readmission_rate_30d",
        "condition_prevalence",
        "patients_by_age_band_gender",
    }
    assert {row[0] for row in gold_rows(spark, lake_uri, "patients_by_age_band_gender", "reference_date")} == {NEXT_DAY.date()}
    # A second run the same day finds every measure current.
    assert run_gold(spark, CONFIG, lake_uri, DATABASE, NEXT_DAY.replace(hour=8), sync_catalog=False) is None

"""What analysts read, on the engine they read it with: Trino 483 (Athena's engine is Trino) over the
catalog the end-to-end workflow (`e2e_workflow.py`) synced into the Hive Metastore, reading the lake in
moto's S3. Every named query (`etl/athena/*.sql`) and a query over every column of each Silver table
return the rows Spark returns for the same SQL, compared value by value: two implementations of SQL and
of the Hudi reader (Spark with Hudi 1.0.2, Trino with its own Hudi connector).

The same named queries then run through the Glue API (catalog `hudi_glue`: moto's Glue, holding the
definitions the sync wrote, as the Data Catalog holds them on Glue) as the analyst: moto records the Glue
and S3 calls Trino makes, which are the ones Athena makes with the analyst's credentials, and they are
saved as the analyst's journey (`.build/journeys/analyst-trino.json`) for `__tests__/journeys/`."""

import datetime as dt
import decimal
import io
import json

import boto3
import pytest
from local_runtime.lake_sql import print_answers, run_statements, statement
from local_runtime.query_engine import GLUE_CATALOG, METASTORE_CATALOG, copy_to_glue, named_queries

from .e2e_workflow import save_recording

pytestmark = pytest.mark.e2e

GOLD, SILVER = "metriccare_gold_dev", "metriccare_silver_dev"
SILVER_TABLES = ("patient", "encounter", "condition", "encounter_quarantine")


def as_trino_value(value):
    """A value Spark returned as Trino's client protocol sends it: dates, decimals and timestamps as text,
    timestamps in UTC rounded to milliseconds (Trino reads Hive timestamps at millisecond precision and
    rounds the microseconds Spark writes, half up)."""
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) + dt.timedelta(microseconds=500)  # PySpark hands timestamps over as naive local times
        return utc.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    return value


def spark_rows(spark, sql):
    return [[as_trino_value(value) for value in row] for row in spark.sql(sql).collect()]


@pytest.fixture(scope="module")
def engines(workflow, query_engine):
    """Spark with every synced table as a view under its catalog name (its layer's database), and Trino."""
    lake, reader, snapshots = workflow
    for database in (GOLD, SILVER):
        for table in snapshots["catalog_run4"][database]:
            layer = database.split("_")[1]
            folder = f"quarantine/silver/{table.removesuffix('_quarantine')}" if table.endswith("_quarantine") else f"{layer}/{table}"
            frame = reader.spark.read.format("hudi").load(f"s3://{lake.lakehouse_bucket}/{folder}/")
            frame.createOrReplaceTempView(f"{layer}_{table}" if layer == "silver" else table)
    return reader.spark, query_engine.trino_ready().client()


def test_every_named_query_returns_on_trino_the_rows_spark_returns(engines):
    # Prepare: Athena resolves the named queries' tables in the Gold database (modules/athena/named-queries.ts)
    spark, trino = engines
    queries = named_queries()
    # Act
    by_trino = {name: trino.rows(sql, catalog=METASTORE_CATALOG, schema=GOLD) for name, sql in queries.items()}
    by_spark = {name: spark_rows(spark, sql) for name, sql in queries.items()}
    # Assess: equal values in equal order (each query has its ORDER BY), and not empty
    assert by_trino == by_spark
    assert sorted(queries) == [
        "average_length_of_stay",
        "condition_prevalence",
        "encounters_by_class_month",
        "patients_by_age_band_gender",
        "readmission_rate_30d",
    ]
    assert all(by_trino.values())


@pytest.mark.parametrize("table", SILVER_TABLES)
def test_every_column_of_each_silver_table_reads_the_same_on_trino_and_spark(engines, table):
    # Prepare: every column of the table, in one statement both engines run
    spark, trino = engines
    columns = [name for name in spark.table(f"silver_{table}").columns if not name.startswith("_hoodie_")]
    select = f"SELECT {', '.join(columns)} FROM {{}} ORDER BY {'record_hash' if table.endswith('_quarantine') else 'id'}"
    # Act
    by_trino = trino.rows(select.format(f"{METASTORE_CATALOG}.{SILVER}.{table}"))
    by_spark = spark_rows(spark, select.format(f"silver_{table}"))
    # Assess
    assert by_trino == by_spark
    assert by_trino


def test_trino_reads_silvers_rows_the_workflow_left(engines):
    # Prepare
    _, trino = engines
    # Act
    encounters = trino.rows(f"SELECT id, status, class_code, period_start_month FROM {METASTORE_CATALOG}.{SILVER}.encounter ORDER BY id")
    quarantined = trino.rows(f"SELECT id, reason_code FROM {METASTORE_CATALOG}.{SILVER}.encounter_quarantine")
    # Assess: tests/fixtures/e2e/README.md and the second run's e5 (cancelled) and e6 (ends before it starts)
    assert encounters == [
        ["e1", "finished", "IMP", "2024-03"],
        ["e2", "finished", "IMP", "2024-03"],
        ["e3", "finished", "AMB", "2024-03"],
        ["e4", "finished", "EMER", "2024-04"],
        ["e5", "cancelled", "AMB", "2024-06"],
    ]
    assert quarantined == [["e6", "period_end_before_start"]]


def test_the_local_sql_command_prints_a_named_query_and_a_silver_select_as_json_rows(engines):
    # Prepare: what `npm run etl:sql -- --json readmission_rate_30d "SELECT ..."` runs once the lake is loaded
    spark, trino = engines
    silver = "SELECT id, gender, birth_date FROM metriccare_silver_dev.patient ORDER BY id"
    statements = [statement("readmission_rate_30d"), statement(silver)]
    printed = io.StringIO()
    # Act
    print_answers(run_statements(trino, statements), True, printed)
    # Assess: one object per row, labelled by its statement, with Spark's values for the same SQL
    rows = [json.loads(line) for line in printed.getvalue().splitlines()]
    expected = [
        {"query": "readmission_rate_30d", **row.asDict()} for row in spark.sql(named_queries()["readmission_rate_30d"]).collect()
    ] + [
        {"query": statement(silver).label, **row.asDict()}
        for row in spark.sql(silver.replace("metriccare_silver_dev.", "silver_")).collect()
    ]
    assert rows == [{key: as_trino_value(value) for key, value in row.items()} for row in expected]
    assert [row["id"] for row in rows if "id" in row] == ["p1", "p2", "p3"]


@pytest.fixture(scope="module")
def analyst(workflow, engines, query_engine, aws):
    """The named queries through the Glue API as the analyst: the Gold database copied into moto's Glue
    (what the sync writes there on Glue), then each query run on `hudi_glue` while moto labels its calls
    "analyst" (Trino's Glue and S3 calls carry its own test credentials; Athena makes the same calls with
    the analyst's); the labelled calls are saved as the journey `analyst-trino`."""
    lake, _, _ = workflow
    _, trino = engines
    copy_to_glue(query_engine.metastore_ready(), boto3.client("glue"), GOLD)
    queries = named_queries()
    aws.request_log.actor = "analyst"
    try:
        rows = {name: trino.rows(sql, catalog=GLUE_CATALOG, schema=GOLD) for name, sql in queries.items()}
    finally:
        aws.request_log.actor = None
    with open(aws.request_log.path, encoding="utf-8") as handle:
        calls = [call for call in map(json.loads, handle) if call.get("actor") == "analyst"]
    save_recording(
        "analyst-trino",
        "the five named queries on Trino 483 through the Glue API (catalog hudi_glue): the Glue and S3 calls "
        "Athena's engine makes with the analyst's credentials",
        lake.terraform,
        lake,
        calls,
        context={"aws:CalledVia": ["athena.amazonaws.com"], "aws:ViaAWSService": "true"},
    )
    return {"rows": rows, "calls": calls}


def test_the_named_queries_return_the_same_rows_through_the_glue_api(engines, analyst):
    # Prepare
    _, trino = engines
    # Act
    through_metastore = {name: trino.rows(sql, catalog=METASTORE_CATALOG, schema=GOLD) for name, sql in named_queries().items()}
    # Assess
    assert analyst["rows"] == through_metastore


def test_the_analyst_reads_gold_definitions_and_gold_files_only(workflow, analyst):
    # Prepare
    lake, _, _ = workflow
    # Act
    operations = {(call["service"], call["operation"]) for call in analyst["calls"]}
    databases = {call["params"].get("DatabaseName") for call in analyst["calls"] if call["service"] == "glue"}
    s3_keys = {
        (call["params"].get("Bucket"), call["params"].get("Key", call["params"].get("Prefix", "")))
        for call in analyst["calls"]
        if call["service"] == "s3"
    }
    # Assess: catalog reads of the Gold database and reads of the lakehouse bucket under gold/, each answered
    assert {service for service, _ in operations} == {"glue", "s3"}
    assert databases <= {GOLD, None}
    assert {bucket for bucket, _ in s3_keys} == {lake.lakehouse_bucket}
    assert all(key.startswith("gold/") for _, key in s3_keys), sorted(s3_keys)
    assert {call["status"] for call in analyst["calls"]} <= {200, 206, 304, 404}

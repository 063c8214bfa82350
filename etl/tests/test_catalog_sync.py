"""The catalog the jobs' Hive sync writes: the end-to-end workflow (`e2e_workflow.py`) runs with Hive sync on,
exactly the options the jobs use on Glue, against a real Hive Metastore 3.1.3 standing in for the Glue Data
Catalog; here is what it holds after the runs, read back over Thrift: the databases Terraform creates, one
table per Hudi table with its columns and types, partition keys and partitions, the Hudi input format and
serde Athena's Hudi reader opens (Athena's "Query Apache Hudi datasets",
https://docs.aws.amazon.com/athena/latest/ug/querying-hudi.html: `ParquetHiveSerDe`,
`HoodieParquetInputFormat`, `MapredParquetOutputFormat`, the table's location, partitions registered in the
catalog), and what the second run changed. A release that adds a column is synced too (the last test)."""

import dataclasses

import boto3
import pytest
from local_runtime.query_engine import catalog, use_metastore
from metriccare_etl.config import parse_config
from metriccare_etl.schemas import Column
from metriccare_etl.spark_tables import latest_commit_time, table_uri, write_frame
from pyspark.sql import functions as F

from .gold_support import encounter, silver_frame
from .test_config import SHIPPED

pytestmark = pytest.mark.e2e

CONFIG = parse_config(SHIPPED.read_text())
HOODIE_COLUMNS = [
    ("_hoodie_commit_time", "string"),
    ("_hoodie_commit_seqno", "string"),
    ("_hoodie_record_key", "string"),
    ("_hoodie_partition_path", "string"),
    ("_hoodie_file_name", "string"),
]
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
HUDI_INPUT_FORMAT = "org.apache.hudi.hadoop.HoodieParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


def table_configs():
    """Every table the jobs write, keyed by (database, table) as the sync names them in workspace dev."""
    tables = [
        *CONFIG.bronze_tables.values(),
        *CONFIG.silver_tables.values(),
        *CONFIG.silver_quarantine_tables.values(),
        *CONFIG.gold_tables.values(),
    ]
    return {(f"metriccare_{table.layer}_dev", table.name): table for table in tables}


def synced_tables(snapshot):
    return {(database, name): definition for database, definitions in snapshot.items() for name, definition in definitions.items()}


def test_the_databases_are_the_three_layers_of_the_workspace_at_their_prefixes(workflow, query_engine):
    # Prepare
    lake, _, snapshots = workflow
    # Act
    with query_engine.metastore_ready().client() as client:
        databases = {name: client.get_database(name) for name in snapshots["databases"]}
    # Assess: created before the first run, as Terraform creates the Glue databases (the metastore keeps the
    # location without its trailing slash)
    assert {name: (database["location"], database["description"]) for name, database in databases.items()} == {
        f"metriccare_{layer}_dev": (f"s3://{lake.lakehouse_bucket}/{layer}", f"MetricCare {layer} layer (Hudi tables)")
        for layer in ("bronze", "silver", "gold")
    }


def test_every_table_the_jobs_wrote_is_in_its_layers_database(workflow):
    # Prepare
    _, _, snapshots = workflow
    # Act
    tables = {database: sorted(definitions) for database, definitions in snapshots["catalog_run4"].items()}
    # Assess: Silver's patient and condition quarantine tables have never been written (no record failed), so
    # Hive sync never created them; encounter_quarantine holds e6
    assert tables == {
        "metriccare_bronze_dev": ["condition", "encounter", "patient"],
        "metriccare_silver_dev": ["condition", "encounter", "encounter_quarantine", "patient"],
        "metriccare_gold_dev": [
            "average_length_of_stay",
            "condition_prevalence",
            "encounters_by_class_month",
            "patients_by_age_band_gender",
            "readmission_rate_30d",
        ],
    }


def test_each_table_has_hudis_columns_then_its_own_with_their_types_and_the_partition_key_apart(workflow):
    # Prepare
    _, _, snapshots = workflow
    definitions = snapshots["catalog_run4"]
    # Act
    silver_encounter = definitions["metriccare_silver_dev"]["encounter"]
    bronze_patient = definitions["metriccare_bronze_dev"]["patient"]
    gold_readmissions = definitions["metriccare_gold_dev"]["readmission_rate_30d"]
    # Assess: Hive types as Athena reads them (timestamps as timestamp, not bigint: support_timestamp), the
    # partition column among the partition keys only
    assert silver_encounter["columns"][5:] == [
        ("id", "string"),
        ("last_updated", "timestamp"),
        ("status", "string"),
        ("class_system", "string"),
        ("class_code", "string"),
        ("class_display", "string"),
        ("type_system", "string"),
        ("type_code", "string"),
        ("type_display", "string"),
        ("patient_id", "string"),
        ("patient_reference", "string"),
        ("period_start", "timestamp"),
        ("period_end", "timestamp"),
        ("length_of_stay_days", "int"),
        ("length_of_stay_hours", "double"),
        ("is_inpatient", "boolean"),
        ("period_start_date", "date"),
        ("period_end_date", "date"),
        ("discharge_disposition", "string"),
        ("source_object", "string"),
        ("record_hash", "string"),
        ("processed_at", "timestamp"),
    ]
    assert silver_encounter["partition_keys"] == [("period_start_month", "string")]
    # Hive lowercases struct field names (Athena and Trino match them without regard to case)
    assert bronze_patient["columns"][5:7] == [("id", "string"), ("meta", "struct<lastupdated:string,versionid:string>")]
    assert gold_readmissions["columns"][5:] == [
        ("discharge_month", "string"),
        ("index_admissions", "bigint"),
        ("readmissions_30d", "bigint"),
        ("readmission_rate", "double"),
        ("reference_date", "date"),
        ("computed_at", "timestamp"),
    ]
    assert gold_readmissions["partition_keys"] == []


def test_every_table_is_defined_as_the_jobs_columns_with_its_partition_keys(workflow):
    # Prepare
    _, _, snapshots = workflow
    synced = synced_tables(snapshots["catalog_run4"])
    configs = table_configs()
    # Act
    definitions = {key: (definition["columns"], definition["partition_keys"]) for key, definition in synced.items()}
    # Assess: Hudi's five columns, then the table's own (schemas.py) but its partition fields, which are keys;
    # types in lower case, as Hive keeps them
    assert definitions == {
        key: (
            HOODIE_COLUMNS + [(c.name, c.type.lower()) for c in configs[key].columns if c.name not in configs[key].partition_fields],
            [(field, "string") for field in configs[key].partition_fields],
        )
        for key in synced
    }
    assert len(definitions) == 12


def test_every_table_is_an_external_hudi_table_athena_opens_at_the_tables_folder(workflow):
    # Prepare
    lake, _, snapshots = workflow
    configs = table_configs()
    # Act
    formats = {
        key: (
            definition["table_type"],
            definition["input_format"],
            definition["output_format"],
            definition["serde"]["serialization_lib"],
            definition["location"],
            definition["serde"]["parameters"].get("path"),
            definition["serde"]["parameters"].get("hoodie.query.as.ro.table"),
            definition["parameters"].get("EXTERNAL"),
            definition["parameters"].get("spark.sql.sources.provider"),
        )
        for key, definition in synced_tables(snapshots["catalog_run4"]).items()
    }
    # Assess: the location is the table's S3 folder (its key prefix without the slash)
    assert formats == {
        key: (
            "EXTERNAL_TABLE",
            HUDI_INPUT_FORMAT,
            PARQUET_OUTPUT_FORMAT,
            PARQUET_SERDE,
            table_uri(configs[key], lake.lakehouse_bucket).rstrip("/"),
            table_uri(configs[key], lake.lakehouse_bucket).rstrip("/"),
            "false",
            "TRUE",
            "hudi",
        )
        for key in formats
    }


def test_the_last_synced_commit_is_each_tables_latest_and_partitions_are_registered(workflow, spark):
    # Prepare
    lake, _, snapshots = workflow
    definitions = snapshots["catalog_run4"]["metriccare_silver_dev"]
    # Act
    synced = {name: definitions[name]["parameters"].get("last_commit_time_sync") for name in ("patient", "encounter", "condition")}
    latest = {name: latest_commit_time(spark, table_uri(CONFIG.silver_tables[name], lake.lakehouse_bucket)) for name in synced}
    # Assess: Athena lists files per partition of the catalog (it runs no MSCK REPAIR on Hudi tables)
    assert synced == latest
    assert definitions["encounter"]["partitions"] == [
        "period_start_month=2024-03",
        "period_start_month=2024-04",
        "period_start_month=2024-06",
    ]
    assert definitions["condition"]["partitions"] == ["onset_month=2020-01"]
    assert definitions["encounter_quarantine"]["partitions"] == ["reason_code=period_end_before_start"]
    assert definitions["patient"]["partitions"] == []


def test_the_second_run_adds_the_new_month_and_the_quarantine_table_and_moves_the_synced_commit(workflow):
    # Prepare
    _, _, snapshots = workflow
    first, second = snapshots["catalog_run1"]["metriccare_silver_dev"], snapshots["catalog_run2"]["metriccare_silver_dev"]
    # Act
    partitions = (first["encounter"]["partitions"], second["encounter"]["partitions"])
    commits = {
        name: (first[name]["parameters"]["last_commit_time_sync"], second[name]["parameters"]["last_commit_time_sync"]) for name in first
    }
    # Assess: run 2 wrote patient (p2's new version) and encounter (e5), not condition
    assert partitions == (
        ["period_start_month=2024-03", "period_start_month=2024-04"],
        ["period_start_month=2024-03", "period_start_month=2024-04", "period_start_month=2024-06"],
    )
    assert (sorted(first), sorted(second)) == (
        ["condition", "encounter", "patient"],
        ["condition", "encounter", "encounter_quarantine", "patient"],
    )
    assert {name: later > earlier for name, (earlier, later) in commits.items()} == {"patient": True, "encounter": True, "condition": False}


GROWTH_DATABASE, GROWTH_BUCKET = "metriccare_growth_dev", "metriccare-catalog-growth"
NEW_COLUMN = Column("service_provider_id", "string")


@pytest.fixture(scope="module")
def grown(spark, query_engine):
    """Silver's encounter table written by this release (two encounters in January 2024), then by a next
    release whose encounter table carries one more optional column (one encounter in February): the
    jobs' write path (`write_frame`, the same Hudi and Hive sync options) against the metastore."""
    metastore = query_engine.metastore_ready()
    boto3.client("s3").create_bucket(Bucket=GROWTH_BUCKET)
    with metastore.client() as client:
        client.create_database(GROWTH_DATABASE, f"s3://{GROWTH_BUCKET}/silver/")
    table = CONFIG.silver_tables["encounter"]
    next_release = dataclasses.replace(table, columns=(*table.columns, NEW_COLUMN))
    january = silver_frame(
        spark,
        "encounter",
        [encounter("g1", "p1", "2024-01-02T08:00:00Z", "2024-01-04T08:00:00Z"), encounter("g2", "p2", "2024-01-05T08:00:00Z")],
    )
    february = silver_frame(spark, "encounter", [encounter("g3", "p1", "2024-02-01T08:00:00Z", "2024-02-02T08:00:00Z")])
    use_metastore(spark, metastore.uri)
    try:
        write_frame(january, table, GROWTH_DATABASE, GROWTH_BUCKET)
        before = catalog(metastore, [GROWTH_DATABASE])[GROWTH_DATABASE]["encounter"]
        # Optional, as the jobs' columns are: Hudi 1.0.2 refuses to add a NOT NULL column to a table
        # (SchemaBackwardsCompatibilityException: READER_FIELD_MISSING_DEFAULT_VALUE)
        provider = F.when(F.col("id") == "g3", F.lit("Organization/o1")).alias(NEW_COLUMN.name)
        write_frame(february.select("*", provider), next_release, GROWTH_DATABASE, GROWTH_BUCKET)
        after = catalog(metastore, [GROWTH_DATABASE])[GROWTH_DATABASE]["encounter"]
    finally:
        use_metastore(spark, None)
    return {"before": before, "after": after, "uri": table_uri(next_release, GROWTH_BUCKET)}


def test_a_release_that_adds_a_column_adds_it_to_the_definition_and_the_new_month(grown):
    # Act
    before, after = grown["before"], grown["after"]
    # Assess: the new column comes last, the partition key stays apart, the new month is registered
    assert after["columns"] == [*before["columns"], (NEW_COLUMN.name, NEW_COLUMN.type)]
    assert after["partition_keys"] == before["partition_keys"] == [("period_start_month", "string")]
    assert (before["partitions"], after["partitions"]) == (
        ["period_start_month=2024-01"],
        ["period_start_month=2024-01", "period_start_month=2024-02"],
    )


def test_trino_reads_the_grown_table_with_the_new_column_null_in_the_older_rows(grown, query_engine, spark):
    # Prepare
    trino = query_engine.trino_ready().client()
    # Act
    rows = trino.rows(f"SELECT id, period_start_month, service_provider_id FROM hudi.{GROWTH_DATABASE}.encounter ORDER BY id")
    by_spark = sorted(
        tuple(row) for row in spark.read.format("hudi").load(grown["uri"]).select("id", "period_start_month", NEW_COLUMN.name).collect()
    )
    # Assess
    assert rows == [["g1", "2024-01", None], ["g2", "2024-01", None], ["g3", "2024-02", "Organization/o1"]]
    assert [tuple(row) for row in rows] == by_spark

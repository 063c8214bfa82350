"""The query-engine toolchain end to end: a real Hive Metastore 3.1.3 and Trino 483 (both assembled by
`toolchain/provision.ts`) beside moto's S3. Local Spark writes two small Hudi tables with Hudi's Hive
sync in HMS mode against the metastore, as the jobs sync to the Glue Data Catalog on Glue; the
metastore holds their definitions and partitions, and Trino's Hudi connector reads back exactly the
rows Spark wrote, through the metastore and, with the definitions copied into moto's Glue, through
the Glue API as Athena would. The metastore and Trino are the session's (conftest.py `query_engine`),
started with the session while Spark starts (they take 5 to 60 s)."""

import datetime as dt
import decimal

import boto3
import pytest
from local_runtime.query_engine import copy_to_glue

BUCKET = "metriccare-query-engine-test"
DATABASE = "metriccare_query_engine_test"
DATABASE_LOCATION = f"s3://{BUCKET}/lake"

PATIENT_SCHEMA = (
    "id STRING, family STRING, birth_date DATE, weight_kg DOUBLE, visits INT, active BOOLEAN, balance DECIMAL(10,2), updated_at TIMESTAMP"
)
PATIENTS_FIRST = [
    ("p1", "Smith", dt.date(1950, 3, 1), 61.5, 3, True, decimal.Decimal("12.50"), dt.datetime(2025, 1, 15, 6, 0, 0)),
    ("p2", "Jones", dt.date(1990, 7, 20), 80.25, 1, False, decimal.Decimal("0.00"), dt.datetime(2025, 1, 15, 6, 0, 1)),
]
PATIENTS_SECOND = [  # a newer p1 (upsert) and a new p3
    ("p1", "Smith-Brown", dt.date(1950, 3, 1), 60.0, 4, True, decimal.Decimal("7.25"), dt.datetime(2025, 2, 1, 9, 30, 0, 123000)),
    ("p3", "Lee", dt.date(2001, 12, 31), 55.0, 0, True, decimal.Decimal("100.00"), dt.datetime(2025, 2, 1, 9, 30, 0)),
]
ENCOUNTER_SCHEMA = "id STRING, patient_id STRING, length_of_stay_days BIGINT, period_start_month STRING, updated_at TIMESTAMP"
ENCOUNTERS = [
    ("e1", "p1", 2, "2025-01", dt.datetime(2025, 1, 15, 6, 0, 0)),
    ("e2", "p2", 0, "2025-01", dt.datetime(2025, 1, 15, 6, 0, 0)),
    ("e3", "p1", 5, "2025-02", dt.datetime(2025, 2, 3, 8, 0, 0)),
]


@pytest.fixture(scope="module")
def servers(query_engine):
    """The session's metastore and Trino (conftest.py `query_engine`, started with the session)."""
    return {"metastore": query_engine.metastore, "trino": query_engine.trino, "engine": query_engine}


def hudi_options(table: str, precombine: str, partition_field: str | None) -> dict[str, str]:
    """A copy-on-write upsert with Hudi's Hive sync in HMS mode, the mode the jobs sync with on Glue; the
    metastore is the session's `hive.metastore.uris`, as Glue's session names its Data Catalog."""
    return {
        "hoodie.table.name": table,
        "hoodie.datasource.write.table.type": "COPY_ON_WRITE",
        "hoodie.datasource.write.operation": "upsert",
        "hoodie.datasource.write.recordkey.field": "id",
        "hoodie.datasource.write.precombine.field": precombine,
        "hoodie.datasource.write.partitionpath.field": partition_field or "",
        "hoodie.datasource.write.keygenerator.class": (
            "org.apache.hudi.keygen.SimpleKeyGenerator" if partition_field else "org.apache.hudi.keygen.NonpartitionedKeyGenerator"
        ),
        "hoodie.datasource.write.hive_style_partitioning": "true",
        "hoodie.datasource.hive_sync.enable": "true",
        "hoodie.datasource.hive_sync.mode": "hms",
        "hoodie.datasource.hive_sync.database": DATABASE,
        "hoodie.datasource.hive_sync.table": table,
        "hoodie.datasource.hive_sync.partition_fields": partition_field or "",
        "hoodie.datasource.hive_sync.partition_extractor_class": (
            "org.apache.hudi.hive.MultiPartKeysValueExtractor" if partition_field else "org.apache.hudi.hive.NonPartitionedExtractor"
        ),
        "hoodie.datasource.hive_sync.auto_create_database": "false",
        "hoodie.datasource.hive_sync.support_timestamp": "true",
    }


def latest_by_id(*batches):
    """What an upsert on `id` with the last column as precombine field leaves: the newest row per id."""
    latest = {}
    for row in (row for batch in batches for row in batch):
        if row[0] not in latest or row[-1] >= latest[row[0]][-1]:
            latest[row[0]] = row
    return sorted(latest.values())


@pytest.fixture(scope="module")
def lake(servers, request):
    """The two tables, written and synced by local Spark (started here, while the servers start)."""
    spark = request.getfixturevalue("spark")
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    metastore = servers["engine"].metastore_ready()
    with metastore.client() as client:
        client.create_database(DATABASE, DATABASE_LOCATION)  # as Terraform creates the Glue databases
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    hadoop_conf.set("hive.metastore.uris", metastore.uri)
    try:
        for batch in (PATIENTS_FIRST, PATIENTS_SECOND):
            frame = spark.createDataFrame(batch, PATIENT_SCHEMA)
            frame.write.format("hudi").options(**hudi_options("patient", "updated_at", None)).mode("append").save(
                f"{DATABASE_LOCATION}/patient"
            )
        frame = spark.createDataFrame(ENCOUNTERS, ENCOUNTER_SCHEMA)
        frame.write.format("hudi").options(**hudi_options("encounter", "updated_at", "period_start_month")).mode("append").save(
            f"{DATABASE_LOCATION}/encounter"
        )
    finally:
        hadoop_conf.unset("hive.metastore.uris")  # the suite's other tests share this session
    return {"patient": latest_by_id(PATIENTS_FIRST, PATIENTS_SECOND), "encounter": sorted(ENCOUNTERS)}


@pytest.fixture(scope="module")
def trino(servers, lake):
    return servers["engine"].trino_ready().client()


def as_trino_json(value):
    """A Python value as Trino's client protocol sends it: decimals, dates and timestamps as text."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    return value


def expected_rows(rows):
    return [[as_trino_json(value) for value in row] for row in rows]


def test_the_catalog_sync_registers_each_table_with_its_columns_and_hudi_formats_in_the_metastore(servers, lake):
    # Prepare
    metastore = servers["metastore"]
    # Act
    with metastore.client() as client:
        tables = sorted(client.get_all_tables(DATABASE))
        patient = client.get_table(DATABASE, "patient")
        encounter = client.get_table(DATABASE, "encounter")
    # Assess: Hudi's Hive sync wrote the definitions Athena's and Trino's Hudi readers open
    assert tables == ["encounter", "patient"]
    assert [column for column in patient["columns"] if not column[0].startswith("_hoodie_")] == [
        ("id", "string"),
        ("family", "string"),
        ("birth_date", "date"),
        ("weight_kg", "double"),
        ("visits", "int"),
        ("active", "boolean"),
        ("balance", "decimal(10,2)"),
        ("updated_at", "timestamp"),
    ]
    assert patient["partition_keys"] == []
    assert encounter["partition_keys"] == [("period_start_month", "string")]
    assert patient["input_format"] == "org.apache.hudi.hadoop.HoodieParquetInputFormat"
    assert patient["serde"]["serialization_lib"] == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert patient["location"] == f"{DATABASE_LOCATION}/patient"
    assert patient["table_type"] == "EXTERNAL_TABLE"


def test_the_partitioned_tables_partitions_are_in_the_metastore_at_their_hive_style_paths(servers, lake):
    # Prepare
    metastore = servers["metastore"]
    # Act
    with metastore.client() as client:
        names = sorted(client.get_partition_names(DATABASE, "encounter"))
        locations = sorted(partition["location"] for partition in client.get_partitions(DATABASE, "encounter"))
    # Assess: one partition per month Spark wrote
    assert names == ["period_start_month=2025-01", "period_start_month=2025-02"]
    assert locations == [
        f"{DATABASE_LOCATION}/encounter/period_start_month=2025-01",
        f"{DATABASE_LOCATION}/encounter/period_start_month=2025-02",
    ]


def test_trino_reads_the_latest_row_of_each_id_exactly_as_spark_wrote_it(trino, lake):
    # Act
    rows = trino.rows(
        f"SELECT id, family, birth_date, weight_kg, visits, active, balance, updated_at FROM hudi.{DATABASE}.patient ORDER BY id"
    )
    # Assess: p1 is its second version, p2 its only one, p3 new in the second commit
    assert rows == expected_rows(lake["patient"])


def test_trino_reads_the_partitioned_table_and_prunes_by_partition(trino, lake):
    # Act
    every_row = trino.rows(
        f"SELECT id, patient_id, length_of_stay_days, period_start_month, updated_at FROM hudi.{DATABASE}.encounter ORDER BY id"
    )
    february = trino.rows(f"SELECT id FROM hudi.{DATABASE}.encounter WHERE period_start_month = '2025-02'")
    # Assess
    assert every_row == expected_rows(lake["encounter"])
    assert february == [["e3"]]


def test_trino_lists_the_metastores_columns_with_the_partition_key_last(trino, lake):
    # Act
    columns = trino.rows(
        f"SELECT column_name, data_type FROM hudi.information_schema.columns WHERE table_schema = '{DATABASE}' AND table_name = 'encounter' "
        "AND column_name NOT LIKE '\\_hoodie\\_%' ESCAPE '\\' ORDER BY ordinal_position"
    )
    # Assess: Hive's timestamp is listed as timestamp(9); its values arrive with milliseconds (above)
    assert columns == [
        ["id", "varchar"],
        ["patient_id", "varchar"],
        ["length_of_stay_days", "bigint"],
        ["updated_at", "timestamp(9)"],
        ["period_start_month", "varchar"],
    ]


def test_trino_reads_the_same_rows_through_the_glue_api_when_the_definitions_are_in_glue(servers, trino, lake):
    # Prepare: copy the metastore's definitions into moto's Glue, as the jobs' sync fills the Data Catalog
    copy_to_glue(servers["metastore"], boto3.client("glue"), DATABASE)
    # Act
    patients = trino.rows(
        f"SELECT id, family, birth_date, weight_kg, visits, active, balance, updated_at FROM hudi_glue.{DATABASE}.patient ORDER BY id"
    )
    encounters = trino.rows(
        f"SELECT id, patient_id, length_of_stay_days, period_start_month, updated_at FROM hudi_glue.{DATABASE}.encounter ORDER BY id"
    )
    # Assess
    assert patients == expected_rows(lake["patient"])
    assert encounters == expected_rows(lake["encounter"])

"""Reading and writing the jobs' Hudi tables on the real runtime (Spark 3.5.6, Hudi 1.0.2, S3A to moto)."""

import datetime as dt

import boto3
import pytest
from metriccare_etl.config import parse_config
from metriccare_etl.spark_tables import latest_commit, newer_input, read_rows, table_exists, write_rows

from .test_config import SHIPPED

CONFIG = parse_config(SHIPPED.read_text())
BUCKET = "spark-tables-check"
COMPUTED_AT = dt.datetime(2025, 1, 15, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def bucket(aws):
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return BUCKET


def test_rows_written_are_read_back_by_column_name_and_the_commit_is_on_the_timeline(spark, bucket):
    # Prepare
    table, silver = CONFIG.gold_tables["patients_by_age_band_gender"], CONFIG.silver_tables["patient"]
    rows = spark.sparkContext.parallelize(
        [
            {"patient_count": 3, "gender": "male", "age_band": "18-34", "computed_at": COMPUTED_AT},
            {"patient_count": 1, "gender": "female", "age_band": "85+", "computed_at": COMPUTED_AT},
        ]
    )
    before = (table_exists(spark, table.s3_uri(bucket)), latest_commit(spark, table.s3_uri(bucket)))

    # Act
    written = write_rows(spark, rows, table, "metriccare_gold_dev", bucket, catalog_sync=False)
    read = sorted(read_rows(spark, table, bucket).collect(), key=lambda row: row["age_band"])
    commit = latest_commit(spark, table.s3_uri(bucket))

    # Assess
    assert (before, written) == ((False, None), True)
    assert read == [
        {"age_band": "18-34", "gender": "male", "patient_count": 3, "computed_at": COMPUTED_AT.replace(tzinfo=None)},
        {"age_band": "85+", "gender": "female", "patient_count": 1, "computed_at": COMPUTED_AT.replace(tzinfo=None)},
    ]
    assert len(commit) == 17 and commit.isdigit()  # Hudi's instant time, yyyyMMddHHmmssSSS
    # the Silver table read as input was never written: nothing newer; the other way round, there is
    assert newer_input(spark, [silver], [table], bucket) is False
    assert newer_input(spark, [table], [silver], bucket) is True


def test_no_rows_write_nothing_and_a_missing_table_reads_empty(spark, bucket):
    # Prepare
    table = CONFIG.silver_tables["condition"]
    # Act
    written = write_rows(spark, spark.sparkContext.emptyRDD(), table, "metriccare_silver_dev", bucket, catalog_sync=False)
    # Assess
    assert (written, table_exists(spark, table.s3_uri(bucket)), read_rows(spark, table, bucket).collect()) == (False, False, [])

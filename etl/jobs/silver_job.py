"""Glue job, Silver: Bronze resources into typed, validated tables, one row per id.

Reads each Bronze table whole, keeps the latest version of every id, flattens it, and upserts it
into Silver or, when it fails validation, into the table's quarantine table with the reasons.
The logic lives in `metriccare_etl`.
"""

import sys

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from metriccare_etl.config import load_config_from_s3
from metriccare_etl.fhir_time import utc_now
from metriccare_etl.job_args import check_environment, parse_job_arguments
from metriccare_etl.silver import split_rdd
from metriccare_etl.spark_tables import read_rows, write_rows


def main() -> None:
    args = parse_job_arguments("silver", sys.argv, getResolvedOptions)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args.job_name, args.raw)
    config = load_config_from_s3(boto3.client("s3"), args.config_s3_uri)
    check_environment(args)
    bucket, processed_at = args.lakehouse_bucket, utc_now()

    for name, table in config.silver_tables.items():
        bronze_rows = read_rows(spark, config.bronze_tables[name], bucket)
        silver_rows, quarantine_rows = split_rdd(name, bronze_rows, processed_at)
        write_rows(spark, silver_rows, table, args.database, bucket)
        write_rows(spark, quarantine_rows, config.silver_quarantine_tables[name], args.database, bucket)
        print(f"silver {name}: {silver_rows.count()} rows, {quarantine_rows.count()} quarantined")

    job.commit()


if __name__ == "__main__":
    main()

"""Glue job, Gold: CMS-style measures for the dashboards, recomputed from Silver every run.

Each measure is summed per slice of Silver rows on the executors, folded into one total and
written whole (insert_overwrite_table). The measures and their definitions live in `metriccare_etl.gold`.
"""

import sys

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from metriccare_etl.config import load_config_from_s3
from metriccare_etl.fhir_time import utc_now
from metriccare_etl.gold import MEASURES, sums_over_rdds
from metriccare_etl.job_args import check_environment, parse_job_arguments
from metriccare_etl.spark_tables import read_rows, write_rows


def main() -> None:
    args = parse_job_arguments("gold", sys.argv, getResolvedOptions)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args.job_name, args.raw)
    config = load_config_from_s3(boto3.client("s3"), args.config_s3_uri)
    check_environment(args)
    bucket, computed_at, context = args.lakehouse_bucket, utc_now(), spark.sparkContext

    silver = {name: read_rows(spark, table, bucket).cache() for name, table in config.silver_tables.items()}
    for measure in MEASURES:
        rows = measure.rows(sums_over_rdds(measure, silver, context.union), computed_at)
        write_rows(spark, context.parallelize(rows, 1), config.gold_tables[measure.table], args.database, bucket)
        print(f"gold {measure.table}: {len(rows)} rows")

    job.commit()


if __name__ == "__main__":
    main()

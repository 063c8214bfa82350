"""Glue job, Silver: the Bronze commits since Silver's last run into typed, validated tables, one row per id.

Reads only what Bronze committed since this table's checkpoint, keeps the latest version of every id,
flattens it, and upserts it into Silver or, when it fails validation, into the table's quarantine
table with the reasons. A table with nothing new ends without a commit. The run's data-quality metrics
go to CloudWatch. The logic lives in `metriccare_etl`.
"""

import boto3
from metriccare_etl.fhir.time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.quality_metrics import publish_metrics, silver_metrics
from metriccare_etl.silver.run import run_silver


def main() -> None:
    session = start_job("silver")
    args, spark, job, config = session.args, session.spark, session.job, session.config

    results = run_silver(spark, config, args.lakehouse_bucket, args.database, utc_now(), sync_catalog=session.catalog_sync)
    for result in results:
        print(f"silver {result.table}: {result._asdict()}")
    publish_metrics(boto3.client("cloudwatch"), args.metrics_namespace, silver_metrics(results, utc_now()))

    job.commit()


if __name__ == "__main__":
    main()

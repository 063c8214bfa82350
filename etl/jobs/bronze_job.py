"""Glue job, Bronze: raw FHIR files recorded by the trigger Lambda into one Hudi table per resource type.

Claims files in the processed-files table, reads them on the executors, quarantines and fails the
malformed ones, upserts the rest and marks them PROCESSED, then publishes the run's data-quality
metrics. The logic lives in `metriccare_etl.bronze` and `metriccare_etl.quality_metrics`.
"""

import json

import boto3
from metriccare_etl.bronze.run import run_bronze
from metriccare_etl.fhir.time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.quality_metrics import bronze_metrics, publish_metrics


def main() -> None:
    session = start_job("bronze")

    report = run_bronze(
        session.spark,
        session.config,
        session.args,
        s3=session.s3,
        dynamodb=boto3.client("dynamodb"),
        started=utc_now(),
        s3_encryption=session.s3_encryption,
        sync_catalog=session.catalog_sync,
    )
    print(json.dumps({key: value for key, value in report.items() if key != "files"}))
    publish_metrics(boto3.client("cloudwatch"), session.args.metrics_namespace, bronze_metrics(report, utc_now()))

    session.job.commit()


if __name__ == "__main__":
    main()

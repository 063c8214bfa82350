"""Glue job, Bronze: raw FHIR files recorded by the trigger Lambda into one Hudi table per resource type.

Claims files in the processed-files table, reads them on the executors, quarantines and fails the
malformed ones, upserts the rest and marks them PROCESSED. If a write fails the job fails and its
files stay IN_PROGRESS, so the next attempt (a Glue retry, else the next workflow run) takes them
over: files are owned by the job run (`JOB_RUN_ID`). The logic lives in `metriccare_etl`.
"""

import json

import boto3
from metriccare_etl.bronze.processed_files import ProcessedFilesTable, claim_files
from metriccare_etl.bronze.raw_files import quarantine_file
from metriccare_etl.bronze.records import latest_records, load_file, run_report
from metriccare_etl.fhir.time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.spark_tables import write_rows
from pyspark import StorageLevel

# Files per Spark task when reading: small enough to spread a large backlog over every executor.
FILES_PER_TASK = 10


def main() -> None:
    session = start_job("bronze")
    args, spark, job, config, s3 = session.args, session.spark, session.job, session.config, session.s3
    files = ProcessedFilesTable(boto3.client("dynamodb"), args.raw["processed_files_table"], args.raw["processed_files_status_index"])
    bucket, run_id, job_run_id, started = args.lakehouse_bucket, args.run_id, args.job_run_id, utc_now()
    raw_bucket, raw_prefix = args.raw["raw_bucket"], args.raw["raw_prefix"]

    claimed = claim_files(files, run_id, job_run_id, started, config.max_files_per_run)

    def load_partition(partition):
        s3_client = boto3.client("s3")  # clients do not pickle: one per task
        for tracked in partition:
            yield load_file(s3_client, tracked, raw_bucket=raw_bucket, raw_prefix=raw_prefix, ingestion_time=started, run_id=run_id)

    slices = max(1, -(-len(claimed) // FILES_PER_TASK))
    outcomes = spark.sparkContext.parallelize(claimed, slices).mapPartitions(load_partition)
    outcomes.persist(StorageLevel.MEMORY_AND_DISK)  # read each file once, then reuse for every table
    summaries = outcomes.map(lambda outcome: outcome.summary()).collect()
    by_key = {tracked.file_key: tracked for tracked in claimed}

    unfinished = []
    for summary in summaries:
        if summary["error"] is not None:
            tracked = by_key[summary["file_key"]]
            quarantine_file(
                s3,
                tracked,
                summary["error"],
                lakehouse_bucket=bucket,
                quarantine_prefix=config.bronze_quarantine_prefix,
                run_id=run_id,
                now=utc_now(),
                readable=summary["readable"],
                encryption=session.s3_encryption,
            )
            if not files.mark_failed(tracked.file_key, job_run_id, utc_now(), summary["error"]):
                unfinished.append(tracked.file_key)

    for name, table in config.bronze_tables.items():
        write_rows(spark, latest_records(outcomes, name), table, args.database, bucket, sync_catalog=session.catalog_sync)

    for summary in summaries:
        if summary["error"] is None:
            if not files.mark_processed(
                summary["file_key"], job_run_id, utc_now(), summary["records_written"], args.processed_files_ttl_days
            ):
                unfinished.append(summary["file_key"])

    report = run_report(run_id, summaries, unfinished, job_run_id=job_run_id)
    s3.put_object(
        Bucket=bucket,
        Key=f"{config.bronze_run_reports_prefix}{run_id}.json",
        Body=json.dumps(report, indent=2).encode("utf-8"),
        ContentType="application/json",
        **session.s3_encryption,  # the bucket policy refuses a put without the SSE-KMS header
    )
    print(json.dumps({key: value for key, value in report.items() if key != "files"}))
    outcomes.unpersist()
    job.commit()


if __name__ == "__main__":
    main()

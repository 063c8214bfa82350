"""Bronze's run: claim recorded files, read them on the executors, quarantine the malformed ones,
upsert the rest into one Hudi table per resource type and mark them PROCESSED.

If a write fails the run fails and its files stay IN_PROGRESS, so the next attempt (a Glue retry, else
the next workflow run) takes them over: files are owned by the job run (`JOB_RUN_ID`).
"""

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import SparkSession

from ..config import LakehouseConfig
from ..fhir.time import utc_now
from ..job_args import JobArguments
from ..spark_tables import write_rows
from .processed_files import ProcessedFilesTable, TrackedFile, claim_files
from .raw_files import quarantine_file
from .records import FileOutcome, latest_records, load_file

# Files per Spark task when reading: small enough to spread a large backlog over every executor.
FILES_PER_TASK = 10


def run_bronze(
    spark: SparkSession,
    config: LakehouseConfig,
    args: JobArguments,
    *,
    s3: Any,
    dynamodb: Any,
    started: dt.datetime,
    s3_encryption: Mapping[str, str] = {},
    sync_catalog: bool = True,
) -> dict[str, Any]:
    """One Bronze run over the files recorded in the processed-files table; returns its report
    (`run_report`), also written to `<bronze prefix>_run_reports/<run_id>.json`.

    `s3` and `dynamodb` are boto3 clients of the driver; each executor task makes its own S3 client.
    `s3_encryption` goes on every object boto3 writes (quarantine copies, notes, the report).
    """
    files = ProcessedFilesTable(dynamodb, args.raw["processed_files_table"], args.raw["processed_files_status_index"])
    bucket, run_id, job_run_id = args.lakehouse_bucket, args.run_id, args.job_run_id
    claimed = claim_files(files, run_id, job_run_id, started, config.max_files_per_run)
    by_key = {tracked.file_key: tracked for tracked in claimed}

    read = _reader(args.raw["raw_bucket"], args.raw["raw_prefix"], started, run_id)
    slices = max(1, -(-len(claimed) // FILES_PER_TASK))
    outcomes = spark.sparkContext.parallelize(claimed, slices).mapPartitions(read)
    outcomes.persist(StorageLevel.MEMORY_AND_DISK)  # read each file once, then reuse for every table
    try:
        summaries = outcomes.map(lambda outcome: outcome.summary()).collect()
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
                    encryption=s3_encryption,
                )
                if not files.mark_failed(tracked.file_key, job_run_id, utc_now(), summary["error"]):
                    unfinished.append(tracked.file_key)

        for name, table in config.bronze_tables.items():
            write_rows(spark, latest_records(outcomes, name), table, args.database, bucket, sync_catalog=sync_catalog)

        for summary in summaries:
            if summary["error"] is None:
                if not files.mark_processed(
                    summary["file_key"], job_run_id, utc_now(), summary["records_written"], args.processed_files_ttl_days
                ):
                    unfinished.append(summary["file_key"])
    finally:
        outcomes.unpersist()

    report = run_report(run_id, summaries, unfinished, job_run_id=job_run_id)
    s3.put_object(
        Bucket=bucket,
        Key=f"{config.bronze_run_reports_prefix}{run_id}.json",
        Body=json.dumps(report, indent=2).encode("utf-8"),
        ContentType="application/json",
        **s3_encryption,  # the bucket policy refuses a put without the SSE-KMS header
    )
    return report


def _reader(raw_bucket: str, raw_prefix: str, ingestion_time: dt.datetime, run_id: str):
    """The function each executor task runs over its claimed files: one `FileOutcome` per file."""

    def read_partition(partition: Iterable[TrackedFile]) -> Iterator[FileOutcome]:
        import boto3

        s3_client = boto3.client("s3")  # clients do not pickle: one per task
        for tracked in partition:
            yield load_file(s3_client, tracked, raw_bucket=raw_bucket, raw_prefix=raw_prefix, ingestion_time=ingestion_time, run_id=run_id)

    return read_partition


def run_report(
    run_id: str, summaries: Iterable[dict[str, Any]], unfinished: Iterable[str] = (), job_run_id: str | None = None
) -> dict[str, Any]:
    """Totals of a Bronze run plus every file's summary; `unfinished` lists files another attempt took over.

    The report is stored per workflow run, so a retry's report replaces its failed attempt's;
    `job_run_id` says which attempt wrote it.
    """
    files = sorted(summaries, key=lambda summary: summary["file_key"])
    records: Counter = Counter()
    unsupported: Counter = Counter()
    for summary in files:
        records.update(summary["records_by_table"])
        unsupported.update(summary["unsupported_resource_types"])
    return {
        "run_id": run_id,
        "job_run_id": job_run_id,
        "files_claimed": len(files),
        "files_processed": sum(1 for summary in files if summary["error"] is None),
        "files_failed": sum(1 for summary in files if summary["error"] is not None),
        "records_by_table": dict(sorted(records.items())),
        "unsupported_resource_types": dict(sorted(unsupported.items())),
        "entries_without_resource": sum(summary["entries_without_resource"] for summary in files),
        "files_taken_over_by_another_run": sorted(unfinished),
        # Failed because S3 would not hand over the object: candidates for re-queueing once it is readable.
        "files_unreadable": {summary["file_key"]: summary["s3_error_code"] for summary in files if summary.get("s3_error_code")},
        "files": files,
    }

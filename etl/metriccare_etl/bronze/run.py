"""Bronze's run: claim recorded files, read them on the executors, quarantine the malformed ones and
the entries that cannot be keyed, upsert the rest into one Hudi table per resource type and mark the
files PROCESSED, or PARTIAL when some of their entries were quarantined.

If a write fails the run fails and its files stay IN_PROGRESS, so the next attempt (a Glue retry, else
the next workflow run) takes them over: files are owned by the job run (`JOB_RUN_ID`).
"""

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from pyspark import StorageLevel
from pyspark.sql import SparkSession

from ..config import LakehouseConfig
from ..fhir.time import utc_now
from ..job_args import JobArguments
from ..spark_tables import write_rows
from .processed_files import FAILED, PARTIAL, PROCESSED, ProcessedFilesTable, TrackedFile, claim_files
from .raw_files import quarantine_entries, quarantine_file
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
        quarantine = _Quarantine(s3, bucket, config.bronze_quarantine_prefix, run_id, s3_encryption)
        unfinished = _quarantine_failures(files, quarantine, outcomes, summaries, by_key, job_run_id)
        for name, table in config.bronze_tables.items():
            write_rows(spark, latest_records(outcomes, name), table, args.database, bucket, sync_catalog=sync_catalog)
        unfinished += _finish_read_files(files, summaries, job_run_id, args.processed_files_ttl_days)
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


class _Quarantine(NamedTuple):
    """Where and how Bronze's quarantine is written: the S3 client, bucket, prefix, run and SSE-KMS headers."""

    s3: Any
    bucket: str
    prefix: str
    run_id: str
    encryption: Mapping[str, str]


def _quarantine_failures(
    files: ProcessedFilesTable,
    quarantine: _Quarantine,
    outcomes: Any,
    summaries: list[dict],
    by_key: dict[str, TrackedFile],
    job_run_id: str,
) -> list[str]:
    """Before any write: quarantines and fails every FAILED file, and writes the rejected entries of every
    PARTIAL one (the note's URI goes into its summary, `rejected_entries`). Returns the files another
    attempt took over."""
    partial = {summary["file_key"] for summary in summaries if summary["status"] == PARTIAL}
    rejected = dict(
        outcomes.filter(lambda outcome: outcome.file_key in partial).map(lambda outcome: (outcome.file_key, outcome.rejected)).collect()
    )
    unfinished = []
    for summary in summaries:
        tracked = by_key[summary["file_key"]]
        if summary["status"] == PARTIAL:
            summary["rejected_entries"] = quarantine_entries(
                quarantine.s3,
                tracked,
                rejected[tracked.file_key],
                records_written=summary["records_written"],
                lakehouse_bucket=quarantine.bucket,
                quarantine_prefix=quarantine.prefix,
                run_id=quarantine.run_id,
                now=utc_now(),
                encryption=quarantine.encryption,
            )
        elif summary["status"] == FAILED:
            quarantine_file(
                quarantine.s3,
                tracked,
                summary["error"],
                lakehouse_bucket=quarantine.bucket,
                quarantine_prefix=quarantine.prefix,
                run_id=quarantine.run_id,
                now=utc_now(),
                readable=summary["readable"],
                encryption=quarantine.encryption,
            )
            if not files.mark_failed(tracked.file_key, job_run_id, utc_now(), summary["error"]):
                unfinished.append(tracked.file_key)
    return unfinished


def _finish_read_files(files: ProcessedFilesTable, summaries: list[dict], job_run_id: str, ttl_days: int) -> list[str]:
    """After the writes: every file that was read becomes PROCESSED, or PARTIAL with `partial_note`.
    Returns the files another attempt took over."""
    unfinished = []
    for summary in summaries:
        key, written = summary["file_key"], summary["records_written"]
        if summary["status"] == PARTIAL:
            finished = files.mark_partial(key, job_run_id, utc_now(), written, summary["entries_quarantined"], partial_note(summary))
        elif summary["status"] == PROCESSED:
            finished = files.mark_processed(key, job_run_id, utc_now(), written, ttl_days)
        else:
            continue
        if not finished:
            unfinished.append(key)
    return unfinished


def _reader(raw_bucket: str, raw_prefix: str, ingestion_time: dt.datetime, run_id: str):
    """The function each executor task runs over its claimed files: one `FileOutcome` per file."""

    def read_partition(partition: Iterable[TrackedFile]) -> Iterator[FileOutcome]:
        import boto3

        s3_client = boto3.client("s3")  # clients do not pickle: one per task
        for tracked in partition:
            yield load_file(s3_client, tracked, raw_bucket=raw_bucket, raw_prefix=raw_prefix, ingestion_time=ingestion_time, run_id=run_id)

    return read_partition


def partial_note(summary: dict[str, Any]) -> str:
    """What a PARTIAL file's item says in `error`: how many entries were quarantined, why, the first one
    and where all of them are."""
    reasons = ", ".join(f"{code} {count}" for code, count in summary["quarantine_reasons"].items())
    return (
        f"entries quarantined: {summary['entries_quarantined']} ({reasons}); records written: {summary['records_written']}; "
        f"first: {summary['first_quarantined']}; all in {summary['rejected_entries']}"
    )


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
    quarantined: Counter = Counter()
    statuses = Counter(summary["status"] for summary in files)
    for summary in files:
        records.update(summary["records_by_table"])
        unsupported.update(summary["unsupported_resource_types"])
        quarantined.update(summary["quarantine_reasons"])
    return {
        "run_id": run_id,
        "job_run_id": job_run_id,
        "files_claimed": len(files),
        "files_processed": statuses[PROCESSED],
        # Read, with some entries quarantined (`entries_quarantined_by_reason`) and the others written.
        "files_partial": statuses[PARTIAL],
        "files_failed": statuses[FAILED],
        "records_by_table": dict(sorted(records.items())),
        "entries_quarantined_by_reason": dict(sorted(quarantined.items())),
        "unsupported_resource_types": dict(sorted(unsupported.items())),
        "entries_without_resource": sum(summary["entries_without_resource"] for summary in files),
        "files_taken_over_by_another_run": sorted(unfinished),
        # Failed because S3 would not hand over the object: candidates for re-queueing once it is readable.
        "files_unreadable": {summary["file_key"]: summary["s3_error_code"] for summary in files if summary.get("s3_error_code")},
        "files": files,
    }

"""The Bronze side of the processed-files table contract (`docs/processed-files-table.md`).

Bronze finds files through the `status_index` GSI, claims each with a conditional update (status
unchanged since the query) and finishes it as PROCESSED, PARTIAL or FAILED, only while it still owns it.
A file is read only after its claim succeeded, and claimed at most once per run, so no file is read
twice and an item left IN_PROGRESS by a dead run is taken over by the next one.

Ownership is by job run (`job_run_id`, Glue's `JOB_RUN_ID`), not by workflow run (`run_id`): a Glue
retry keeps the workflow run id but gets a new job run id, and it must take over what the failed
attempt left IN_PROGRESS. The workflow allows one run at a time and the job one concurrent run, so an
IN_PROGRESS item of any other job run belongs to an attempt that is no longer alive.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..errors import ProcessedFilesError, aws_error_code
from ..fhir.time import as_utc

PENDING, WAITING, IN_PROGRESS, PROCESSED, PARTIAL, FAILED = "PENDING", "WAITING", "IN_PROGRESS", "PROCESSED", "PARTIAL", "FAILED"
# DynamoDB items are capped at 400 KB; a stack trace does not need more than this to be useful.
MAX_ERROR_CHARS = 2000
# Every attribute goes through a placeholder: `status` is a DynamoDB reserved word, the others stay uniform.
_NAMES = {
    f"#{name}": name
    for name in (
        "file_key",
        "status",
        "run_id",
        "job_run_id",
        "claimed_at",
        "processed_at",
        "records_written",
        "entries_quarantined",
        "expires_at",
        "error",
    )
}


@dataclasses.dataclass(frozen=True)
class TrackedFile:
    """One item of the table as the query saw it."""

    file_key: str
    bucket: str
    object_key: str
    version_id: str | None
    etag: str | None
    status: str
    run_id: str | None
    received_at: str
    # None on items claimed before job runs were recorded, and on items never claimed.
    job_run_id: str | None = None

    @property
    def s3_uri(self) -> str:
        return f"s3://{self.bucket}/{self.object_key}"


def iso_timestamp(moment: dt.datetime) -> str:
    """The table's timestamp format, the one `received_at` uses: `2026-11-22T10:15:00.000Z`."""
    moment = as_utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class ProcessedFilesTable:
    """Low-level boto3 DynamoDB client calls: Query on the status index, UpdateItem on the table."""

    def __init__(self, client: Any, table_name: str, status_index: str) -> None:
        self.client = client
        self.table_name = table_name
        self.status_index = status_index

    def query_status(self, status: str) -> Iterator[TrackedFile]:
        """Every item with `status`, oldest `received_at` first, following pagination."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": self.status_index,
            "KeyConditionExpression": "#status = :status",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":status": {"S": status}},
        }
        while True:
            page = self.client.query(**request)
            for item in page.get("Items", []):
                yield _tracked_file(item)
            if not page.get("LastEvaluatedKey"):
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def claimable(self, job_run_id: str) -> Iterator[TrackedFile]:
        """Items of dead job runs first (they have waited longest), then PENDING, then WAITING.

        An IN_PROGRESS item is a dead attempt's unless `job_run_id` (this job run) holds it; that
        includes the failed first attempt of this same workflow run, and items with no `job_run_id`.
        PENDING is queried before WAITING so that an item the Lambda moves from one to the other
        meanwhile is seen again under its new status.
        """
        for tracked in self.query_status(IN_PROGRESS):
            if tracked.job_run_id != job_run_id:
                yield tracked
        yield from self.query_status(PENDING)
        yield from self.query_status(WAITING)

    def claim(self, tracked: TrackedFile, run_id: str, job_run_id: str, now: dt.datetime) -> bool:
        """IN_PROGRESS for this job run if the item is still as the query saw it; False if it changed.

        `run_id` (the workflow run) is kept for tracing; `job_run_id` is what owns the item.
        """
        condition = "attribute_exists(#file_key) AND #status = :observed_status"
        values = {":observed_status": {"S": tracked.status}}
        if tracked.status == IN_PROGRESS:
            # Take over only from the dead attempt the query saw, never from one that took it since.
            for name, observed in (("run_id", tracked.run_id), ("job_run_id", tracked.job_run_id)):
                if observed is None:
                    condition += f" AND attribute_not_exists(#{name})"
                else:
                    condition += f" AND #{name} = :observed_{name}"
                    values[f":observed_{name}"] = {"S": observed}
        return self._update(
            tracked.file_key,
            "SET #status = :in_progress, #run_id = :run_id, #job_run_id = :job_run_id, #claimed_at = :now",
            condition,
            {
                **values,
                ":in_progress": {"S": IN_PROGRESS},
                ":run_id": {"S": run_id},
                ":job_run_id": {"S": job_run_id},
                ":now": {"S": iso_timestamp(now)},
            },
        )

    def mark_processed(self, file_key: str, job_run_id: str, now: dt.datetime, records_written: int, ttl_days: int) -> bool:
        """PROCESSED, with `expires_at` so DynamoDB TTL removes the item `ttl_days` later."""
        expires_at = int(as_utc(now).timestamp()) + ttl_days * 86400
        return self._finish(
            file_key,
            job_run_id,
            "SET #status = :processed, #processed_at = :now, #records_written = :records, #expires_at = :expires "
            "REMOVE #error, #entries_quarantined",
            {
                ":processed": {"S": PROCESSED},
                ":now": {"S": iso_timestamp(now)},
                ":records": {"N": str(records_written)},
                ":expires": {"N": str(expires_at)},
            },
        )

    def mark_partial(
        self, file_key: str, job_run_id: str, now: dt.datetime, records_written: int, entries_quarantined: int, note: str
    ) -> bool:
        """PARTIAL: `records_written` landed, `entries_quarantined` entries did not (`note` says which and
        where they are). No `expires_at`: like a failure, it stays until someone looks at it."""
        return self._finish(
            file_key,
            job_run_id,
            "SET #status = :partial, #processed_at = :now, #records_written = :records, #entries_quarantined = :quarantined, "
            "#error = :error",
            {
                ":partial": {"S": PARTIAL},
                ":now": {"S": iso_timestamp(now)},
                ":records": {"N": str(records_written)},
                ":quarantined": {"N": str(entries_quarantined)},
                ":error": {"S": note[:MAX_ERROR_CHARS] or "entries quarantined"},
            },
        )

    def mark_failed(self, file_key: str, job_run_id: str, now: dt.datetime, error: str) -> bool:
        """FAILED with the reason; no `expires_at`, so failures stay until someone looks at them."""
        return self._finish(
            file_key,
            job_run_id,
            "SET #status = :failed, #processed_at = :now, #records_written = :records, #error = :error REMOVE #entries_quarantined",
            {
                ":failed": {"S": FAILED},
                ":now": {"S": iso_timestamp(now)},
                ":records": {"N": "0"},
                ":error": {"S": error[:MAX_ERROR_CHARS] or "unknown error"},
            },
        )

    def _finish(self, file_key: str, job_run_id: str, update: str, values: dict[str, Any]) -> bool:
        """Finishes only a file this job run still owns; False means another attempt took it over."""
        condition = "#status = :in_progress AND #job_run_id = :job_run_id"
        return self._update(file_key, update, condition, {**values, ":in_progress": {"S": IN_PROGRESS}, ":job_run_id": {"S": job_run_id}})

    def _update(self, file_key: str, update: str, condition: str, values: dict[str, Any]) -> bool:
        used = f"{update} {condition}"
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key={"file_key": {"S": file_key}},
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames={name: value for name, value in _NAMES.items() if name in used},
                ExpressionAttributeValues=values,
            )
        except Exception as error:  # boto3 raises a generated class per error code; compare the code.
            if aws_error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True


def claim_files(table: ProcessedFilesTable, run_id: str, job_run_id: str, now: dt.datetime, limit: int) -> list[TrackedFile]:
    """Claims up to `limit` files for job run `job_run_id` of workflow run `run_id`, each at most
    once, and returns them as claimed.

    Whatever is left over stays PENDING or WAITING, and the Lambda starts a follow-up run for it when
    this one ends.
    """
    claimed: dict[str, TrackedFile] = {}
    if limit < 1:
        return []
    for tracked in table.claimable(job_run_id):
        if tracked.file_key in claimed:
            continue
        if table.claim(tracked, run_id, job_run_id, now):
            claimed[tracked.file_key] = dataclasses.replace(tracked, status=IN_PROGRESS, run_id=run_id, job_run_id=job_run_id)
            if len(claimed) >= limit:
                break  # before the next query: what is left stays for the follow-up run
    return list(claimed.values())


def _tracked_file(item: dict[str, Any]) -> TrackedFile:
    file_key = _string(item, "file_key")
    status = _string(item, "status")
    if not file_key or not status:
        raise ProcessedFilesError(f"status index returned an item without file_key or status: {item!r}")
    return TrackedFile(
        file_key=file_key,
        # Missing location attributes stay empty; Bronze then fails the file as outside the raw prefix.
        bucket=_string(item, "bucket") or "",
        object_key=_string(item, "object_key") or "",
        version_id=_string(item, "version_id"),
        etag=_string(item, "etag"),
        status=status,
        run_id=_string(item, "run_id"),
        received_at=_string(item, "received_at") or "",
        job_run_id=_string(item, "job_run_id"),
    )


def _string(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.get("S") if isinstance(value, dict) else None

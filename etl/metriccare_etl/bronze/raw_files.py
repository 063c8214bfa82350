"""Reading a claimed raw object, and quarantining it (or the entries of it) that cannot be ingested.

Reads pin the exact object version the trigger recorded (VersionId, else If-Match on the ETag):
a re-upload is its own item in the processed-files table, so reading "whatever is there now"
would read the new content twice and the old one never.
"""

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from ..errors import RawObjectError, aws_error_code
from ..fhir.time import format_instant
from .processed_files import TrackedFile

# S3 answers that describe this one object: the file fails, the batch goes on. Anything else
# (throttling, 5xx, ...) is about the job, so it propagates, the run fails and the next attempt takes the
# file over instead of failing it for good.
_OBJECT_GONE = {
    "NoSuchKey": "the object no longer exists",
    "NoSuchVersion": "the object version no longer exists",
    "PreconditionFailed": "the object was overwritten after it was recorded (ETag no longer matches); the new upload is tracked as its own file",
    "InvalidObjectState": "the object is archived (restore it before ingesting)",
}
# Answers that do not say which: the Bronze role's s3:ListBucket is limited by an s3:prefix condition, and
# without list permission S3 answers a missing object with 403 AccessDenied instead of 404 NoSuchKey; an
# object ACL, bucket policy or KMS key the role may not use gives the same answer. Either way only this
# object is concerned; failing the job instead would fail every later run on the same file. "403" and
# "404" are what botocore reports when S3's answer has no error body.
_OBJECT_UNREADABLE = ("AccessDenied", "403", "404")


def object_problem(error: BaseException) -> str | None:
    """Why S3 would not hand over this one object, or None when its answer is about the job."""
    code = aws_error_code(error)
    if code in _OBJECT_GONE:
        return _OBJECT_GONE[code]
    if code in _OBJECT_UNREADABLE:
        reason = f"the object could not be read (S3 {code}); it may have been deleted, or it is not readable by the Bronze role"
        if code != "404":
            reason += " (S3 answers AccessDenied, not NoSuchKey, for a missing object when the role may list only the raw prefix)"
        return reason
    return None


def location_problem(tracked: TrackedFile, raw_bucket: str, raw_prefix: str) -> str | None:
    """Why the job may not read this file (it only has access to the raw prefix), or None."""
    if tracked.bucket != raw_bucket or not tracked.object_key.startswith(raw_prefix) or not tracked.object_key:
        return f"{tracked.s3_uri} is outside s3://{raw_bucket}/{raw_prefix}, the only location Bronze reads"
    return None


def read_raw_file(s3_client: Any, tracked: TrackedFile) -> bytes:
    """The bytes of the recorded object version; `RawObjectError` when S3 will not hand over that object."""
    request: dict[str, str] = {"Bucket": tracked.bucket, "Key": tracked.object_key}
    if tracked.version_id:
        request["VersionId"] = tracked.version_id
    elif tracked.etag:
        request["IfMatch"] = _quoted(tracked.etag)
    try:
        return s3_client.get_object(**request)["Body"].read()
    except Exception as error:
        reason = object_problem(error)
        if reason is None:
            raise
        raise RawObjectError(f"cannot read {tracked.s3_uri}: {reason}", aws_error_code(error)) from error


def quarantine_key(quarantine_prefix: str, run_id: str, object_key: str) -> str:
    """`quarantine/bronze/<run_id>/<original key>`: grouped by run, original path kept for tracing."""
    return f"{quarantine_prefix}{run_id}/{object_key}"


def quarantine_file(
    s3_client: Any,
    tracked: TrackedFile,
    error: str,
    *,
    lakehouse_bucket: str,
    quarantine_prefix: str,
    run_id: str,
    now: dt.datetime,
    readable: bool = True,
    encryption: Mapping[str, str] = {},
) -> str:
    """Copies the file to quarantine and writes `<key>.error.json` beside it; returns the error note's key.

    `encryption` (`ServerSideEncryption`, `SSEKMSKeyId`) goes on both writes: the lakehouse bucket
    policy refuses objects put without the SSE-KMS header.

    The note is written even when the copy is impossible (object gone, or outside the raw prefix and
    so `readable=False`), so every failed file leaves a trace in the lakehouse bucket.
    """
    key = quarantine_key(quarantine_prefix, run_id, tracked.object_key or tracked.file_key)
    copied_to, copy_error = None, None
    if readable:
        source = {"Bucket": tracked.bucket, "Key": tracked.object_key}
        request: dict[str, Any] = {"Bucket": lakehouse_bucket, "Key": key, "CopySource": source, **encryption}
        if tracked.version_id:
            source["VersionId"] = tracked.version_id
        elif tracked.etag:
            request["CopySourceIfMatch"] = _quoted(tracked.etag)
        try:
            s3_client.copy_object(**request)
            copied_to = f"s3://{lakehouse_bucket}/{key}"
        except Exception as copy_failure:
            # An AccessDenied here may also be about the destination; then the note below is refused
            # too (same permission on the same prefix) and the job fails, as it should.
            copy_error = object_problem(copy_failure)
            if copy_error is None:
                raise
    else:
        copy_error = "not copied: the job may not read this location"
    note = {
        "file_key": tracked.file_key,
        "source": tracked.s3_uri,
        "version_id": tracked.version_id,
        "etag": tracked.etag,
        "run_id": run_id,
        "failed_at": format_instant(now),
        "error": error,
        "quarantined_copy": copied_to,
        "copy_error": copy_error,
    }
    note_key = f"{key}.error.json"
    s3_client.put_object(
        Bucket=lakehouse_bucket,
        Key=note_key,
        Body=json.dumps(note, indent=2).encode("utf-8"),
        ContentType="application/json",
        **encryption,
    )
    return note_key


def quarantine_entries(
    s3_client: Any,
    tracked: TrackedFile,
    entries: list[dict[str, Any]],
    *,
    records_written: int,
    lakehouse_bucket: str,
    quarantine_prefix: str,
    run_id: str,
    now: dt.datetime,
    encryption: Mapping[str, str] = {},
) -> str:
    """Writes the entries of a PARTIAL file that could not be keyed to `<key>.rejected-entries.json`, each
    with its location, reason code, detail and content as read; returns the note's URI. The file itself
    is not copied: its other entries landed, and the raw object stays in the raw bucket, by version."""
    key = f"{quarantine_key(quarantine_prefix, run_id, tracked.object_key or tracked.file_key)}.rejected-entries.json"
    note = {
        "file_key": tracked.file_key,
        "source": tracked.s3_uri,
        "version_id": tracked.version_id,
        "etag": tracked.etag,
        "run_id": run_id,
        "quarantined_at": format_instant(now),
        "records_written": records_written,
        "entries_quarantined": len(entries),
        "entries": entries,
    }
    s3_client.put_object(
        Bucket=lakehouse_bucket,
        Key=key,
        Body=json.dumps(note, indent=2, ensure_ascii=False).encode("utf-8"),
        ContentType="application/json",
        **encryption,
    )
    return f"s3://{lakehouse_bucket}/{key}"


def _quoted(etag: str) -> str:
    """S3 event ETags come without the quotes an If-Match header carries."""
    return etag if etag.startswith('"') else f'"{etag}"'

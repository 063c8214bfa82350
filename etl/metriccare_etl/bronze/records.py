"""Bronze: one raw file into one record per supported resource, with ingestion metadata.

A file that is not FHIR JSON as a whole fails and goes to quarantine whole. Within a FHIR file, each
entry stands alone: one that cannot be keyed (no R4 resource type, no valid id, an unreadable
`meta.lastUpdated`) is quarantined with its reason and the file's other entries land, so the file is
PARTIAL (etl/README.md, Bronze). R4 resource types without a Bronze table are counted per file and
reported, not silently dropped.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from ..errors import FhirEntryError, FhirFileError, RawObjectError
from ..fhir.references import FHIR_ID
from ..fhir.resource_types import R4_RESOURCE_TYPES, spelled_as_r4
from ..fhir.time import format_instant, normalize_instant
from ..schemas import BRONZE_TABLES
from .fhir_reader import read_fhir_file
from .processed_files import FAILED, PARTIAL, PROCESSED, TrackedFile
from .raw_files import location_problem, read_raw_file


@dataclasses.dataclass
class FileOutcome:
    """What one file gave: records per Bronze table, or the reason it failed."""

    file_key: str
    source_object: str
    records: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    unsupported: dict[str, int] = dataclasses.field(default_factory=dict)
    entries_without_resource: int = 0
    # Entries that could not be keyed, as quarantined: location, reason_code, detail, resource.
    rejected: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    error: str | None = None
    # False when the job may not read the object at all, so quarantine can only write the error note.
    readable: bool = True
    # The S3 error code when S3 would not hand over the object (AccessDenied, NoSuchKey, ...).
    s3_error_code: str | None = None

    @property
    def records_written(self) -> int:
        return sum(len(records) for records in self.records.values())

    @property
    def status(self) -> str:
        """How the file ends: FAILED (not FHIR, or not readable), PARTIAL (entries quarantined) or PROCESSED."""
        if self.error is not None:
            return FAILED
        return PARTIAL if self.rejected else PROCESSED

    def summary(self) -> dict[str, Any]:
        """The outcome without its records: small enough to collect on the driver and report."""
        return {
            "file_key": self.file_key,
            "source_object": self.source_object,
            "status": self.status,
            "records_by_table": {table: len(records) for table, records in sorted(self.records.items())},
            "records_written": self.records_written,
            "unsupported_resource_types": dict(sorted(self.unsupported.items())),
            "entries_without_resource": self.entries_without_resource,
            "entries_quarantined": len(self.rejected),
            "quarantine_reasons": dict(sorted(Counter(entry["reason_code"] for entry in self.rejected).items())),
            "first_quarantined": _described(self.rejected[0]) if self.rejected else None,
            "error": self.error,
            "readable": self.readable,
            "s3_error_code": self.s3_error_code,
        }


def canonical_json(resource: dict[str, Any]) -> str:
    """Sorted keys, no whitespace: the same resource always gives the same text and hash."""
    return json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def bronze_record(resource: dict[str, Any], tracked: TrackedFile, ingestion_time: dt.datetime, run_id: str) -> dict[str, Any]:
    """The Bronze row of one resource; `FhirEntryError` if it has no usable id or lastUpdated.

    `meta.lastUpdated` is the precombine field, so it is normalised to fixed-width UTC text (string
    order is time order) and, when the resource has none, set to the ingestion time: the latest
    load of an undated resource wins.
    """
    resource_type = resource["resourceType"]
    resource_id = resource.get("id")
    if not isinstance(resource_id, str) or not FHIR_ID.match(resource_id):
        raise FhirEntryError(
            "invalid_id", f"{resource_type} has no valid id (1-64 of A-Z a-z 0-9 - .), got {json.dumps(resource_id, ensure_ascii=False)}"
        )
    meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
    last_updated = meta.get("lastUpdated")
    normalized = normalize_instant(last_updated) if last_updated is not None else format_instant(ingestion_time)
    if normalized is None:
        raise FhirEntryError(
            "invalid_last_updated",
            f"{resource_type}/{resource_id} has meta.lastUpdated {json.dumps(last_updated, ensure_ascii=False)}, not a FHIR instant",
        )
    version_id = meta.get("versionId")
    text = canonical_json(resource)
    return {
        "id": resource_id,
        "meta": {"lastUpdated": normalized, "versionId": version_id if isinstance(version_id, str) else None},
        "resource_type": resource_type,
        "resource_json": text,
        "source_object": tracked.s3_uri,
        "source_file_key": tracked.file_key,
        "ingestion_time": ingestion_time,
        "run_id": run_id,
        "record_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def split_file(content: bytes, tracked: TrackedFile, ingestion_time: dt.datetime, run_id: str) -> FileOutcome:
    """Parses a file and splits its resources by Bronze table; a file that is not FHIR gives an outcome
    with `error`, an entry that cannot be keyed one in `rejected`."""
    outcome = FileOutcome(tracked.file_key, tracked.s3_uri)
    try:
        content_read = read_fhir_file(content)
    except FhirFileError as error:
        outcome.error = str(error)
        return outcome
    unsupported: Counter = Counter()
    rejected = [_rejected(entry.location, entry.reason_code, entry.detail, entry.content) for entry in content_read.rejected]
    for location, resource in content_read.resources:
        resource_type = resource["resourceType"]
        try:
            table = bronze_table(resource_type)
            if table is None:
                unsupported[resource_type] += 1
                continue
            record = bronze_record(resource, tracked, ingestion_time, run_id)
        except FhirEntryError as error:
            rejected.append(_rejected(location, error.reason_code, str(error), resource))
            continue
        outcome.records.setdefault(table, []).append(record)
    outcome.unsupported = dict(unsupported)
    outcome.entries_without_resource = content_read.entries_without_resource
    outcome.rejected = rejected
    return outcome


def bronze_table(resource_type: str) -> str | None:
    """The Bronze table of an R4 resource type, None for one the pipeline does not load (counted as
    unsupported); `FhirEntryError` for a name that is no R4 resource type as R4 spells them."""
    if resource_type in R4_RESOURCE_TYPES:
        return BRONZE_TABLES.get(resource_type)
    spelled = spelled_as_r4(resource_type)
    allowed = f'R4 spells it "{spelled}"' if spelled else "R4's resource types are listed at https://hl7.org/fhir/R4/resourcelist.html"
    raise FhirEntryError(
        "unknown_resource_type", f"resourceType {json.dumps(resource_type, ensure_ascii=False)} is not an R4 resource type; {allowed}"
    )


def _rejected(location: str, reason_code: str, detail: str, content: Any) -> dict[str, Any]:
    return {"location": location or "document", "reason_code": reason_code, "detail": detail, "resource": content}


def _described(entry: dict[str, Any]) -> str:
    return f"{entry['location']}: {entry['reason_code']}: {entry['detail']}"


def load_file(
    s3_client: Any, tracked: TrackedFile, *, raw_bucket: str, raw_prefix: str, ingestion_time: dt.datetime, run_id: str
) -> FileOutcome:
    """Reads a claimed file (pinned to its recorded version) and splits it; never raises for a bad file."""
    problem = location_problem(tracked, raw_bucket, raw_prefix)
    if problem:
        return FileOutcome(tracked.file_key, tracked.s3_uri, error=problem, readable=False)
    try:
        content = read_raw_file(s3_client, tracked)
    except RawObjectError as error:
        return FileOutcome(tracked.file_key, tracked.s3_uri, error=str(error), s3_error_code=error.s3_error_code)
    return split_file(content, tracked, ingestion_time, run_id)


def pick_latest(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Of two Bronze records of one id, the later `meta.lastUpdated`; ties go to the greater hash so
    the answer does not depend on which file Spark happened to read first."""
    first_order = (first["meta"]["lastUpdated"], first["record_hash"])
    second_order = (second["meta"]["lastUpdated"], second["record_hash"])
    return second if second_order > first_order else first


def latest_records(outcomes: Any, table: str) -> Any:
    """The RDD of one Bronze table's records of a run, one per id (`pick_latest`), from an RDD of
    `FileOutcome`s. Hudi would also combine duplicates, but without this the winner would depend
    on the order Spark read the files in."""
    return (
        outcomes.flatMap(lambda outcome: outcome.records.get(table, []))
        .keyBy(lambda record: record["id"])
        .reduceByKey(pick_latest)
        .values()
    )

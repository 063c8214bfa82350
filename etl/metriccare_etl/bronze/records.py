"""Bronze: one raw file into one record per supported resource, with ingestion metadata.

A file is all or nothing: if any part is not FHIR, no record of it is written and the whole file
goes to quarantine, so a file is never half ingested. Resource types without a Bronze table are
counted per file and reported, not silently dropped.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from ..errors import FhirFileError, RawObjectError
from ..fhir.references import FHIR_ID
from ..fhir.time import format_instant, normalize_instant
from ..schemas import BRONZE_TABLES
from .fhir_reader import read_fhir_file
from .processed_files import TrackedFile
from .raw_files import location_problem, read_raw_file


@dataclasses.dataclass
class FileOutcome:
    """What one file gave: records per Bronze table, or the reason it failed."""

    file_key: str
    source_object: str
    records: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    unsupported: dict[str, int] = dataclasses.field(default_factory=dict)
    entries_without_resource: int = 0
    error: str | None = None
    # False when the job may not read the object at all, so quarantine can only write the error note.
    readable: bool = True
    # The S3 error code when S3 would not hand over the object (AccessDenied, NoSuchKey, ...).
    s3_error_code: str | None = None

    @property
    def records_written(self) -> int:
        return sum(len(records) for records in self.records.values())

    def summary(self) -> dict[str, Any]:
        """The outcome without its records: small enough to collect on the driver and report."""
        return {
            "file_key": self.file_key,
            "source_object": self.source_object,
            "records_by_table": {table: len(records) for table, records in sorted(self.records.items())},
            "records_written": self.records_written,
            "unsupported_resource_types": dict(sorted(self.unsupported.items())),
            "entries_without_resource": self.entries_without_resource,
            "error": self.error,
            "readable": self.readable,
            "s3_error_code": self.s3_error_code,
        }


def canonical_json(resource: dict[str, Any]) -> str:
    """Sorted keys, no whitespace: the same resource always gives the same text and hash."""
    return json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def bronze_record(
    resource: dict[str, Any], location: str, tracked: TrackedFile, ingestion_time: dt.datetime, run_id: str
) -> dict[str, Any]:
    """The Bronze row of one resource; `FhirFileError` if it has no usable id or lastUpdated.

    `meta.lastUpdated` is the precombine field, so it is normalised to fixed-width UTC text (string
    order is time order) and, when the resource has none, set to the ingestion time: the latest
    load of an undated resource wins.
    """
    where = f"{location}: " if location else ""
    resource_type = resource["resourceType"]
    resource_id = resource.get("id")
    if not isinstance(resource_id, str) or not FHIR_ID.match(resource_id):
        raise FhirFileError(f"{where}{resource_type} has no valid id (1-64 of A-Z a-z 0-9 - .), got {json.dumps(resource_id)}")
    meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
    last_updated = meta.get("lastUpdated")
    normalized = normalize_instant(last_updated) if last_updated is not None else format_instant(ingestion_time)
    if normalized is None:
        raise FhirFileError(f"{where}{resource_type}/{resource_id} has meta.lastUpdated {json.dumps(last_updated)}, not a FHIR instant")
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
    """Parses a file and splits its resources by Bronze table; a malformed file gives an outcome with `error`."""
    outcome = FileOutcome(tracked.file_key, tracked.s3_uri)
    try:
        content_read = read_fhir_file(content)
        records: dict[str, list[dict[str, Any]]] = {}
        unsupported: Counter = Counter()
        for location, resource in content_read.resources:
            table = BRONZE_TABLES.get(resource["resourceType"])
            if table is None:
                unsupported[resource["resourceType"]] += 1
                continue
            records.setdefault(table, []).append(bronze_record(resource, location, tracked, ingestion_time, run_id))
    except FhirFileError as error:
        outcome.error = str(error)
        return outcome
    outcome.records = records
    outcome.unsupported = dict(unsupported)
    outcome.entries_without_resource = content_read.entries_without_resource
    return outcome


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

"""Turns the bytes of one raw file into FHIR resources: a single resource, a Bundle or NDJSON.

A file that is not FHIR JSON as a whole (not UTF-8, not JSON, a single document that is no resource, a
Bundle whose `entry` is no list) raises `FhirFileError` naming where it went wrong, so the quarantine note
is enough to fix the file without opening a Spark log. One entry that is no resource (a Bundle entry or
NDJSON line that is not a JSON object or has no `resourceType`) is a `RejectedEntry` instead: the file's
other entries still land (etl/README.md, Bronze).
"""

import gzip
import json
from typing import Any, NamedTuple

from ..errors import FhirFileError

# Bundles may nest (a Bundle entry holding a Bundle); past this depth the file is refused rather
# than recursed into without limit.
MAX_BUNDLE_DEPTH = 4
_GZIP_MAGIC = b"\x1f\x8b"


class LocatedResource(NamedTuple):
    """A resource and where it sat in its file (`line 3 entry[0]`), for error messages."""

    location: str
    resource: dict[str, Any]


class RejectedEntry(NamedTuple):
    """An entry that cannot become a Bronze record: where it sat, a reason code, a detail naming the
    element, the value and what is allowed, and the entry as read (for the quarantine note)."""

    location: str
    reason_code: str
    detail: str
    content: Any


class FhirFileContent(NamedTuple):
    resources: list[LocatedResource]
    # Bundle entries without a `resource` (e.g. DELETE requests of a transaction): counted, not applied.
    entries_without_resource: int
    rejected: list[RejectedEntry]


def read_fhir_file(content: bytes) -> FhirFileContent:
    """Every resource in the file, Bundles unwrapped. gzip is detected by its magic bytes."""
    text = _decode(content)
    if not text.strip():
        raise FhirFileError("file is empty")
    try:
        documents = _json_documents(text)
    except RecursionError:
        raise FhirFileError("JSON nested too deeply to read") from None
    resources: list[LocatedResource] = []
    rejected: list[RejectedEntry] = []
    skipped = 0
    whole_file = len(documents) == 1 and documents[0][0] == ""
    for location, document in documents:
        if whole_file:
            _check_resource(document, "document")  # a single document that is no resource: the file is not FHIR
        skipped += _unwrap(document, location, 0, resources, rejected)
    return FhirFileContent(resources, skipped, rejected)


def _decode(content: bytes) -> str:
    if content[:2] == _GZIP_MAGIC:
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError) as error:
            raise FhirFileError(f"file starts like gzip but does not decompress: {error}") from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FhirFileError(f"file is not UTF-8 text: byte 0x{content[error.start]:02x} at offset {error.start}") from None


def _json_documents(text: str) -> list[tuple[str, Any]]:
    """One document for a JSON file; one per non-blank line for NDJSON."""
    try:
        return [("", json.loads(text))]
    except json.JSONDecodeError as whole:
        whole_error = FhirFileError(f"not valid JSON: {whole.msg} at line {whole.lineno} column {whole.colno}")
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    # A pretty-printed document with a typo would fail NDJSON at its first line: report the JSON error.
    if len(lines) < 2 or not _is_json(lines[0][1]):
        raise whole_error
    documents = []
    for number, line in lines:
        try:
            documents.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as error:
            raise FhirFileError(f"NDJSON line {number} is not valid JSON: {error.msg} at column {error.colno}") from None
    return documents


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _check_resource(document: Any, where: str) -> None:
    problem = _not_a_resource(document)
    if problem is not None:
        raise FhirFileError(f"{where}: {problem[1]}")


def _not_a_resource(document: Any) -> tuple[str, str] | None:
    """(reason code, detail) when `document` is no FHIR resource, else None."""
    if not isinstance(document, dict):
        return "not_a_resource", f"expected a FHIR resource (JSON object), got {type(document).__name__}"
    resource_type = document.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        return (
            "missing_resource_type",
            f"has no resourceType (a string naming an R4 resource type), got {json.dumps(resource_type, ensure_ascii=False)}",
        )
    return None


def _unwrap(document: Any, location: str, depth: int, resources: list[LocatedResource], rejected: list[RejectedEntry]) -> int:
    """Adds the resources of `document` (Bundles unwrapped) to `resources`, entries that are no resource to
    `rejected`; returns the number of Bundle entries without a resource."""
    where = location or "document"
    problem = _not_a_resource(document)
    if problem is not None:
        rejected.append(RejectedEntry(location, problem[0], problem[1], document))
        return 0
    if document["resourceType"] != "Bundle":
        resources.append(LocatedResource(location, document))
        return 0
    if depth >= MAX_BUNDLE_DEPTH:
        raise FhirFileError(f"{where}: Bundles nested deeper than {MAX_BUNDLE_DEPTH} levels")
    entries = document.get("entry", [])
    if not isinstance(entries, list):
        raise FhirFileError(f"{where}: Bundle.entry must be a list, got {type(entries).__name__}")
    skipped = 0
    for index, entry in enumerate(entries):
        entry_location = f"{location} entry[{index}]".strip()
        if not isinstance(entry, dict):
            rejected.append(
                RejectedEntry(entry_location, "not_a_resource", f"expected a Bundle entry (JSON object), got {type(entry).__name__}", entry)
            )
            continue
        resource = entry.get("resource")
        if resource is None:
            skipped += 1
            continue
        skipped += _unwrap(_with_id_from_full_url(resource, entry.get("fullUrl")), entry_location, depth + 1, resources, rejected)
    return skipped


def _with_id_from_full_url(resource: Any, full_url: Any) -> Any:
    """Transaction Bundles may leave `id` out and name the resource by `fullUrl: urn:uuid:<id>`."""
    if isinstance(resource, dict) and "id" not in resource and isinstance(full_url, str) and full_url.lower().startswith("urn:uuid:"):
        return {**resource, "id": full_url[len("urn:uuid:") :]}
    return resource

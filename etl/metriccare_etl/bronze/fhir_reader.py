"""Turns the bytes of one raw file into FHIR resources: a single resource, a Bundle or NDJSON.

Anything that is not FHIR JSON raises `FhirFileError` naming where in the file it went wrong, so the
quarantine note is enough to fix the file without opening a Spark log.
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


class FhirFileContent(NamedTuple):
    resources: list[LocatedResource]
    # Bundle entries without a `resource` (e.g. DELETE requests of a transaction): counted, not applied.
    entries_without_resource: int


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
    skipped = 0
    for location, document in documents:
        found, without = _unwrap(document, location, depth=0)
        resources.extend(found)
        skipped += without
    return FhirFileContent(resources, skipped)


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


def _unwrap(document: Any, location: str, depth: int) -> tuple[list[LocatedResource], int]:
    where = location or "document"
    if not isinstance(document, dict):
        raise FhirFileError(f"{where}: expected a FHIR resource (JSON object), got {type(document).__name__}")
    resource_type = document.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        raise FhirFileError(f"{where}: has no resourceType")
    if resource_type != "Bundle":
        return [LocatedResource(location, document)], 0
    if depth >= MAX_BUNDLE_DEPTH:
        raise FhirFileError(f"{where}: Bundles nested deeper than {MAX_BUNDLE_DEPTH} levels")
    entries = document.get("entry", [])
    if not isinstance(entries, list):
        raise FhirFileError(f"{where}: Bundle.entry must be a list, got {type(entries).__name__}")
    resources: list[LocatedResource] = []
    skipped = 0
    for index, entry in enumerate(entries):
        entry_location = f"{location} entry[{index}]".strip()
        if not isinstance(entry, dict):
            raise FhirFileError(f"{entry_location}: expected an object, got {type(entry).__name__}")
        resource = entry.get("resource")
        if resource is None:
            skipped += 1
            continue
        found, without = _unwrap(_with_id_from_full_url(resource, entry.get("fullUrl")), entry_location, depth + 1)
        resources.extend(found)
        skipped += without
    return resources, skipped


def _with_id_from_full_url(resource: Any, full_url: Any) -> Any:
    """Transaction Bundles may leave `id` out and name the resource by `fullUrl: urn:uuid:<id>`."""
    if isinstance(resource, dict) and "id" not in resource and isinstance(full_url, str) and full_url.lower().startswith("urn:uuid:"):
        return {**resource, "id": full_url[len("urn:uuid:") :]}
    return resource

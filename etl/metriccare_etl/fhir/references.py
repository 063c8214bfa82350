"""FHIR Reference parsing: `Patient/123`, `urn:uuid:...`, absolute URLs, with or without `_history`."""

import re
from typing import NamedTuple

# FHIR ids: 1-64 of [A-Za-z0-9-.]; a UUID fits, so `urn:uuid:` references resolve to the same ids.
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_RESOURCE_TYPE = re.compile(r"^[A-Z][A-Za-z]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ParsedReference(NamedTuple):
    """Where a reference points. `resource_type` is None when the text does not say (a `urn:uuid:`)."""

    resource_type: str | None
    id: str
    version: str | None = None
    base_url: str | None = None


def parse_reference(reference: object) -> ParsedReference | None:
    """Parses `Reference.reference` text; None for contained (`#x`), empty or unrecognised references.

    Bundles built as transactions point at `urn:uuid:<uuid>` full URLs; generators such as Synthea
    reuse that UUID as the resource id, so the UUID is the id to join on.
    """
    if not isinstance(reference, str):
        return None
    text = reference.strip()
    if text.lower().startswith("urn:uuid:"):
        uuid = text[len("urn:uuid:") :]
        return ParsedReference(None, uuid) if _UUID.match(uuid) else None
    base_url = None
    if "://" in text:
        scheme_and_host, _, path = text.partition("://")
        host, slash, path = path.partition("/")
        if not slash:
            return None
        segments = path.split("/")
        # The last `Type/id` (or `Type/id/_history/v`) of the path; what precedes it is the server base.
        tail = 4 if len(segments) >= 4 and segments[-2] == "_history" else 2
        if len(segments) < tail:
            return None
        base_url = "/".join([f"{scheme_and_host}://{host}"] + segments[:-tail]).rstrip("/")
        text = "/".join(segments[-tail:])
    segments = text.split("/")
    if len(segments) == 4 and segments[2] == "_history":
        resource_type, resource_id, _, version = segments
    elif len(segments) == 2:
        (resource_type, resource_id), version = segments, None
    else:
        return None
    if not _RESOURCE_TYPE.match(resource_type) or not FHIR_ID.match(resource_id):
        return None
    return ParsedReference(resource_type, resource_id, version, base_url)


def reference_id(reference_element: object, expected_type: str) -> str | None:
    """The id a `Reference` element points at when it points at `expected_type`, else None.

    A `urn:uuid:` reference says no type; it is taken as `expected_type` unless the element's own
    `type` says otherwise.
    """
    if not isinstance(reference_element, dict):
        return None
    parsed = parse_reference(reference_element.get("reference"))
    if parsed is None:
        return None
    resource_type = parsed.resource_type or reference_element.get("type") or expected_type
    return parsed.id if resource_type == expected_type else None

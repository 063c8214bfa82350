"""FHIR ids and references: the id Bronze requires of every resource, and Reference elements read as
Spark columns (`Patient/123`, `urn:uuid:...`, absolute URLs, with or without `_history`)."""

import re

from pyspark.sql import Column
from pyspark.sql import functions as F

from .columns import non_empty

# FHIR ids (https://hl7.org/fhir/R4/datatypes.html#id): 1-64 of [A-Za-z0-9-.]; a UUID fits, so
# `urn:uuid:` references resolve to the same ids.
_ID = r"[A-Za-z0-9\-.]{1,64}"
FHIR_ID = re.compile(f"^{_ID}$")
REFERENCE_SCHEMA = "reference string, type string"
# `urn:uuid:<uuid>`, or `[base/]Type/id[/_history/version]` (https://hl7.org/fhir/R4/references.html).
_UUID_REFERENCE = r"^urn:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
_TYPED_REFERENCE = rf"^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]+/(?:.*/)?)?([A-Z][A-Za-z]+)/({_ID})(?:/_history/[^/]+)?$"


def reference_id(raw_reference: Column, expected_type: str) -> Column:
    """The id a Reference element (JSON text) points at when it points at `expected_type`, else null.

    `urn:uuid:` references (transaction Bundles; Synthea reuses the UUID as the id) say no type and
    are taken as `expected_type` unless the element's own `type` says otherwise.
    """
    reference = F.from_json(raw_reference, REFERENCE_SCHEMA)
    text = F.trim(reference["reference"])
    uuid = F.regexp_extract(text, _UUID_REFERENCE, 1)
    typed_type, typed_id = F.regexp_extract(text, _TYPED_REFERENCE, 1), F.regexp_extract(text, _TYPED_REFERENCE, 2)
    return (
        F.when((uuid != "") & F.coalesce(reference["type"], F.lit(expected_type)).eqNullSafe(F.lit(expected_type)), uuid)
        .when((typed_id != "") & (typed_type == expected_type), typed_id)
        .otherwise(F.lit(None).cast("string"))
    )


def reference_text(raw_reference: Column) -> Column:
    """`Reference.reference` as written, null when absent or empty."""
    return non_empty(F.from_json(raw_reference, REFERENCE_SCHEMA)["reference"])

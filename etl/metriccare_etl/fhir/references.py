"""FHIR ids and references: the id Bronze requires of every resource, and Reference elements read as
Spark columns (`Patient/123`, `urn:uuid:...`, absolute URLs, with or without `_history`; etl/README.md,
"Subjects and references")."""

import re

from pyspark.sql import Column
from pyspark.sql import functions as F

from .columns import non_empty

# FHIR ids (https://hl7.org/fhir/R4/datatypes.html#id): 1-64 of [A-Za-z0-9-.]; a UUID fits, so
# `urn:uuid:` references resolve to the same ids.
_ID = r"[A-Za-z0-9\-.]{1,64}"
FHIR_ID = re.compile(f"^{_ID}$")
REFERENCE_SCHEMA = "reference string, type string, identifier string, display string"
# `urn:uuid:<id>` (Bronze takes the same <id> from an entry's `fullUrl`; a UUID is an id), or
# `[base/]Type/id[/_history/version]` (https://hl7.org/fhir/R4/references.html).
_UUID_REFERENCE = rf"^urn:uuid:({_ID})$"
_TYPED_REFERENCE = rf"^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]+/(?:.*/)?)?([A-Z][A-Za-z]+)/({_ID})(?:/_history/[^/]+)?$"
# Literal references that name no type: a contained resource (`#id`, invariant ref-1) and an OID inside a
# Bundle (R4's `oid` regex).
_CONTAINED_REFERENCE = rf"^#{_ID}$"
_OID_REFERENCE = r"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$"
SUBJECT_FORMS = "Patient/<id> or Group/<id>, either also as an absolute URL, urn:uuid:<id>, urn:oid:<oid> or #<contained id>"


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


def is_empty_reference(raw_reference: Column) -> Column:
    """Whether a Reference element is absent or says nothing: no `reference`, `identifier` or `display`."""
    reference = F.from_json(raw_reference, REFERENCE_SCHEMA)
    return raw_reference.isNull() | (
        non_empty(reference["reference"]).isNull() & reference["identifier"].isNull() & non_empty(reference["display"]).isNull()
    )


def refers_to_patient_or_group(raw_reference: Column) -> Column:
    """Whether `Reference.reference` is a literal reference R4 allows for a subject, Reference(Patient | Group):
    to a Patient or a Group (`reference_id`), to a contained resource, or an OID. A subject without one
    (a logical reference by `identifier`, a `display`) is not a literal reference at all, and valid R4."""
    text = F.trim(F.from_json(raw_reference, REFERENCE_SCHEMA)["reference"])
    return (
        reference_id(raw_reference, "Patient").isNotNull()
        | reference_id(raw_reference, "Group").isNotNull()
        | text.rlike(_CONTAINED_REFERENCE)
        | text.rlike(_OID_REFERENCE)
    )

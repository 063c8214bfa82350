"""Bronze: the raw FHIR files the trigger Lambda recorded, claimed, read and upserted one Hudi table per resource type."""

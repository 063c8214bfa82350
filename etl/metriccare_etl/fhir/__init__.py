"""FHIR R4 values the layers share: dates and instants, ids and references, elements as Spark columns."""

"""FHIR resources into Bronze and Silver DataFrames for the Silver and Gold tests, by the real Bronze
record builder and the real Silver flattening on the suite's Spark session."""

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pyspark
from metriccare_etl.schemas import BRONZE_COLUMNS, SILVER_COLUMNS, as_row, ddl
from metriccare_etl.silver.split import split

from .support import PROCESSED_AT, bronze_row

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SNOMED = "http://snomed.info/sct"


def bronze_frame(spark, resources=(), rows=()):
    """A Bronze DataFrame of FHIR resources (as the Bronze job would store them) and raw Bronze rows."""
    records = [bronze_row(resource) for resource in resources] + list(rows)
    return spark.createDataFrame([as_row(record, BRONZE_COLUMNS) for record in records], ddl(BRONZE_COLUMNS))


def silver_frame(spark, table, resources):
    """The Silver rows of `resources`; fails the test when any of them was quarantined."""
    result = split(table, bronze_frame(spark, resources), PROCESSED_AT)
    quarantined = result.quarantine.collect()
    assert not quarantined, quarantined
    return result.silver


def silver_tables(spark, patients=(), encounters=(), conditions=()):
    tables = {"patient": patients, "encounter": encounters, "condition": conditions}
    return {
        name: silver_frame(spark, name, resources) if resources else spark.createDataFrame([], ddl(SILVER_COLUMNS[name]))
        for name, resources in tables.items()
    }


def encounter(encounter_id, patient_id, start, end=None, class_code="IMP", status="finished", disposition=None):
    resource = {
        "resourceType": "Encounter",
        "id": encounter_id,
        "status": status,
        "class": {"system": ACT_CODE, "code": class_code},
        "subject": {"reference": f"Patient/{patient_id}"},
        "period": {"start": start, **({"end": end} if end else {})},
    }
    if disposition:
        resource["hospitalization"] = {"dischargeDisposition": {"coding": [{"code": disposition}]}}
    return resource


def patient(patient_id, gender="unknown", birth_date=None, died=None):
    resource = {"resourceType": "Patient", "id": patient_id, "gender": gender}
    if birth_date:
        resource["birthDate"] = birth_date
    if died:
        resource["deceasedDateTime"] = died
    return resource


def condition(condition_id, patient_id, code, display=None, clinical="active", verification="confirmed", onset=None, abatement=None):
    resource = {
        "resourceType": "Condition",
        "id": condition_id,
        "subject": {"reference": f"Patient/{patient_id}"},
        "clinicalStatus": {"coding": [{"code": clinical}]},
        "verificationStatus": {"coding": [{"code": verification}]},
        "code": {"coding": [{"system": SNOMED, "code": code, **({"display": display} if display else {})}]},
    }
    if onset:
        resource["onsetDateTime"] = onset
    if abatement:
        resource["abatementDateTime"] = abatement
    return resource


class Flattened:
    """Silver rows (as dicts, by id) and quarantine reasons (by id) of one `split` of some resources."""

    def __init__(self, spark, table, resources=(), rows=()):
        result = split(table, bronze_frame(spark, resources, rows), PROCESSED_AT)
        self.rows = {row["id"]: row.asDict() for row in result.silver.collect()}
        self.quarantine = {row["id"]: row.asDict() for row in result.quarantine.collect()}
        self.columns = result.silver.columns

    def row(self, resource_id):
        assert resource_id in self.rows, self.quarantine.get(resource_id)
        return self.rows[resource_id]

    def rejections(self, resource_id):
        """[(code, detail), ...] of a quarantined resource."""
        assert resource_id not in self.rows, self.rows[resource_id]
        return [(reason["code"], reason["detail"]) for reason in json.loads(self.quarantine[resource_id]["reasons"])]


def naive_utc(*parts):
    """Spark hands timestamps back as naive datetimes in the process's zone, UTC on the test machines
    (the session zone is pinned to UTC as on Glue)."""
    return dt.datetime(*parts)


def _pyspark_testing_utils():
    """`pyspark.testing.utils`, loaded by path: the `pyspark.testing` package imports `pyspark.pandas`,
    which needs pandas and pyarrow (neither is in Glue's job environment nor the test toolchain); the
    module holding `assertDataFrameEqual` does not."""
    spec = importlib.util.spec_from_file_location("pyspark_testing_utils", Path(pyspark.__file__).parent / "testing" / "utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


assertDataFrameEqual = _pyspark_testing_utils().assertDataFrameEqual  # noqa: N816 (pyspark's name)

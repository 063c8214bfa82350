"""Silver rows for the Gold tests, made by the real Bronze and Silver functions from FHIR resources."""

from metriccare_etl.gold import Measure
from metriccare_etl.silver import SILVER, to_silver

from .support import PROCESSED_AT, bronze_row

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def silver(table, resource):
    kind, row = to_silver(table, bronze_row(resource), PROCESSED_AT)
    assert kind == SILVER, row
    return row


def encounter(encounter_id, patient_id, class_code, start, end=None, status="finished"):
    period = {"start": start, **({"end": end} if end else {})}
    return silver(
        "encounter",
        {
            "resourceType": "Encounter",
            "id": encounter_id,
            "status": status,
            "class": {"system": ACT_CODE, "code": class_code},
            "subject": {"reference": f"Patient/{patient_id}"},
            "period": period,
        },
    )


def patient(patient_id, gender="unknown", birth_date=None):
    resource = {"resourceType": "Patient", "id": patient_id, "gender": gender}
    if birth_date:
        resource["birthDate"] = birth_date
    return silver("patient", resource)


def condition(condition_id, patient_id, code, display=None, system="http://snomed.info/sct", verification="confirmed"):
    return silver(
        "condition",
        {
            "resourceType": "Condition",
            "id": condition_id,
            "subject": {"reference": f"Patient/{patient_id}"},
            "verificationStatus": {"coding": [{"code": verification}]},
            "code": {"coding": [{"system": system, "code": code, **({"display": display} if display else {})}]},
        },
    )


def compute(measure: Measure, silver, computed_at):
    """The measure's rows from whole Silver tables in one call: the reference the sliced Spark
    computation (`gold.sums_over_rdds`) must agree with."""
    return measure.rows(measure.sums(*(list(silver[table]) for table in measure.inputs)), computed_at)

"""A deterministic synthetic FHIR R4 cohort in the shapes Synthea writes: one transaction Bundle per
patient (many small files) and bulk-export NDJSON, one file per resource type per 1,000 patients
(few large files). Times carry Synthea's `-05:00` offset; ids are UUIDs referenced as `urn:uuid:`."""

import json
import random
import uuid
from pathlib import Path

SNOMED = "http://snomed.info/sct"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITIONS = (("44054006", "Diabetes mellitus type 2"), ("38341003", "Hypertension"), ("195662009", "Acute viral pharyngitis"),
              ("233604007", "Pneumonia"), ("10509002", "Acute bronchitis"), ("40055000", "Chronic sinusitis"))  # fmt: skip
CLASSES = ("AMB", "AMB", "AMB", "EMER", "IMP", "IMP")
DISPOSITIONS = ("home", "home", "home", "home", "aadvice", "other-hcf", "exp")
NDJSON_PATIENTS_PER_FILE = 1000


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _time(rng: random.Random, day_offset: int, hour: int) -> str:
    year, day = 2023 + day_offset // 365, day_offset % 365
    month, dom = 1 + day // 31 % 12, 1 + day % 28
    return f"{year:04d}-{month:02d}-{dom:02d}T{hour:02d}:{rng.randrange(60):02d}:00-05:00"


def patient_resources(rng: random.Random, index: int) -> list[dict]:
    """One patient with 6-10 encounters and 2-6 conditions."""
    patient_id = _uuid(rng)
    updated = {"lastUpdated": "2024-12-01T00:00:00.000-05:00"}
    resources = [
        {
            "resourceType": "Patient",
            "id": patient_id,
            "meta": updated,
            "gender": rng.choice(("male", "female")),
            "birthDate": f"{rng.randrange(1930, 2020)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "name": [{"use": "official", "family": f"Family{index}", "given": [f"Given{index}"]}],
            "address": [{"use": "home", "city": "Boston", "state": "MA", "postalCode": "02118", "country": "US"}],
            **({"deceasedDateTime": _time(rng, 700, 12)} if rng.random() < 0.05 else {}),
        }
    ]
    encounter_ids = []
    for _ in range(rng.randrange(6, 11)):
        day, class_code = rng.randrange(700), rng.choice(CLASSES)
        stay = rng.randrange(0, 6) if class_code == "IMP" else 0
        encounter_id = _uuid(rng)
        encounter_ids.append(encounter_id)
        resource = {
            "resourceType": "Encounter",
            "id": encounter_id,
            "meta": updated,
            "status": "finished",
            "class": {"system": ACT_CODE, "code": class_code},
            "type": [{"coding": [{"system": SNOMED, "code": "185349003", "display": "Encounter for check up"}]}],
            "subject": {"reference": f"urn:uuid:{patient_id}"},
            "period": {"start": _time(rng, day, rng.randrange(6, 22)), "end": _time(rng, day + stay, 23)},
        }
        if class_code == "IMP":
            resource["hospitalization"] = {"dischargeDisposition": {"coding": [{"code": rng.choice(DISPOSITIONS)}]}}
        resources.append(resource)
    for _ in range(rng.randrange(2, 7)):
        code, display = rng.choice(CONDITIONS)
        resources.append(
            {
                "resourceType": "Condition",
                "id": _uuid(rng),
                "meta": updated,
                "clinicalStatus": {"coding": [{"code": rng.choice(("active", "active", "resolved", "recurrence"))}]},
                "verificationStatus": {"coding": [{"code": rng.choice(("confirmed", "confirmed", "confirmed", "refuted"))}]},
                "code": {"coding": [{"system": SNOMED, "code": code, "display": display}]},
                "subject": {"reference": f"urn:uuid:{patient_id}"},
                "encounter": {"reference": f"urn:uuid:{rng.choice(encounter_ids)}"},
                "onsetDateTime": _time(rng, rng.randrange(700), 10),
            }
        )
    return resources


def write_cohort(directory: Path, patients: int, seed: int, first_index: int = 0) -> list[Path]:
    """Writes `patients` patients (half as per-patient Bundles, half as NDJSON) and returns the files."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    files, ndjson = [], {"Patient": [], "Encounter": [], "Condition": []}
    bundle_patients = patients // 2
    for index in range(first_index, first_index + patients):
        resources = patient_resources(rng, index)
        if index - first_index < bundle_patients:
            bundle = {
                "resourceType": "Bundle",
                "type": "transaction",
                "entry": [
                    {"fullUrl": f"urn:uuid:{r['id']}", "resource": r, "request": {"method": "POST", "url": r["resourceType"]}}
                    for r in resources
                ],
            }
            path = directory / f"bundle-{index:06d}.json"
            path.write_text(json.dumps(bundle))
            files.append(path)
        else:
            for resource in resources:
                ndjson[resource["resourceType"]].append(json.dumps(resource))
    chunks = max(1, -(-(patients - bundle_patients) // NDJSON_PATIENTS_PER_FILE))
    for resource_type, lines in ndjson.items():
        size = -(-len(lines) // chunks) if lines else 0
        for chunk in range(chunks if lines else 0):
            path = directory / f"{resource_type}-{first_index:06d}-{chunk:03d}.ndjson"
            path.write_text("\n".join(lines[chunk * size : (chunk + 1) * size]) + "\n")
            files.append(path)
    return files

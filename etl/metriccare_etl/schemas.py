"""Column lists of every table, in Spark DDL types.

The Silver and Gold transformations return DataFrames with exactly these columns (the tests check
it), and the config loader checks record keys and partitions against them.
"""

from collections.abc import Sequence
from typing import NamedTuple


class Column(NamedTuple):
    name: str
    type: str  # Spark DDL type, e.g. `string`, `timestamp`, `struct<lastUpdated:string>`


Columns = tuple[Column, ...]


def _columns(spec: str) -> Columns:
    """`name type, name type` on one line per column, so the tables below read like DDL."""
    return tuple(Column(*line.strip().rstrip(",").split(None, 1)) for line in spec.strip().splitlines())


BRONZE_COLUMNS = _columns(
    """
    id string
    meta struct<lastUpdated:string,versionId:string>
    resource_type string
    resource_json string
    source_object string
    source_file_key string
    ingestion_time timestamp
    run_id string
    record_hash string
    """
)

_SILVER_LINEAGE = _columns(
    """
    source_object string
    record_hash string
    processed_at timestamp
    """
)

SILVER_PATIENT_COLUMNS = (
    _columns(
        """
    id string
    last_updated timestamp
    active boolean
    family_name string
    given_name string
    gender string
    birth_date date
    age int
    age_band string
    deceased boolean
    deceased_date date
    marital_status string
    city string
    state string
    postal_code string
    country string
    """
    )
    + _SILVER_LINEAGE
)

SILVER_ENCOUNTER_COLUMNS = (
    _columns(
        """
    id string
    last_updated timestamp
    status string
    class_system string
    class_code string
    class_display string
    type_system string
    type_code string
    type_display string
    patient_id string
    patient_reference string
    period_start timestamp
    period_end timestamp
    period_start_month string
    length_of_stay_days int
    length_of_stay_hours double
    is_inpatient boolean
    period_start_date date
    period_end_date date
    discharge_disposition string
    """
    )
    + _SILVER_LINEAGE
)

SILVER_CONDITION_COLUMNS = (
    _columns(
        """
    id string
    last_updated timestamp
    clinical_status string
    verification_status string
    category_code string
    code_system string
    code string
    code_display string
    patient_id string
    patient_reference string
    encounter_id string
    encounter_reference string
    onset_datetime timestamp
    onset_month string
    abatement_datetime timestamp
    recorded_date date
    onset_date date
    abatement_date date
    """
    )
    + _SILVER_LINEAGE
)

SILVER_QUARANTINE_COLUMNS = _columns(
    """
    record_hash string
    id string
    resource_type string
    last_updated timestamp
    reason_code string
    reasons string
    resource_json string
    source_object string
    quarantined_at timestamp
    """
)

GOLD_COLUMNS: dict[str, Columns] = {
    "encounters_by_class_month": _columns(
        """
        encounter_class string
        period_month string
        encounter_count bigint
        computed_at timestamp
        """
    ),
    "average_length_of_stay": _columns(
        """
        encounter_class string
        discharge_month string
        discharges bigint
        total_length_of_stay_days bigint
        average_length_of_stay_days double
        computed_at timestamp
        """
    ),
    "readmission_rate_30d": _columns(
        """
        discharge_month string
        index_admissions bigint
        readmissions_30d bigint
        readmission_rate double
        reference_date date
        computed_at timestamp
        """
    ),
    "condition_prevalence": _columns(
        """
        code_system string
        code string
        code_display string
        patient_count bigint
        total_patients bigint
        prevalence double
        reference_date date
        computed_at timestamp
        """
    ),
    "patients_by_age_band_gender": _columns(
        """
        age_band string
        gender string
        patient_count bigint
        reference_date date
        computed_at timestamp
        """
    ),
}

SILVER_COLUMNS: dict[str, Columns] = {
    "patient": SILVER_PATIENT_COLUMNS,
    "encounter": SILVER_ENCOUNTER_COLUMNS,
    "condition": SILVER_CONDITION_COLUMNS,
}

# Bronze holds one table per supported FHIR resource type, all with the same columns.
BRONZE_TABLES: dict[str, str] = {"Patient": "patient", "Encounter": "encounter", "Condition": "condition"}


def ddl(columns: Sequence[Column]) -> str:
    """The schema string `spark.createDataFrame` accepts: `id string, last_updated timestamp, ...`."""
    return ", ".join(f"{column.name} {column.type}" for column in columns)


def as_row(record: dict[str, object], columns: Sequence[Column]) -> tuple:
    """The record's values in column order; a missing or extra key is a bug, so it raises."""
    names = [column.name for column in columns]
    if set(record) != set(names):
        missing, extra = sorted(set(names) - set(record)), sorted(set(record) - set(names))
        raise KeyError(f"record does not match its columns: missing {missing}, unexpected {extra}")
    return tuple(record[name] for name in names)


def field_names(columns: Sequence[Column]) -> tuple[str, ...]:
    """Top-level columns plus `struct.field` paths, the names Hudi key and precombine options accept."""
    names = []
    for column in columns:
        names.append(column.name)
        if column.type.startswith("struct<"):
            for field in column.type[len("struct<") : -1].split(","):
                names.append(f"{column.name}.{field.split(':', 1)[0]}")
    return tuple(names)

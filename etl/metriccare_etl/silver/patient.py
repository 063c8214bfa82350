"""Silver `patient`: demographics, local birth and death dates, an age band."""

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..fhir.columns import coding, fhir_local_date, json_quoted, non_empty, not_before
from .common import age_band, age_on, ends_before_start, invalid_datetime, last_updated, lineage, rejection, rejections

GENDERS = ("male", "female", "other", "unknown")
RESOURCE_SCHEMA = (
    "resourceType string, active string, gender string, birthDate string, deceasedBoolean string, deceasedDateTime string, "
    "name string, address string, maritalStatus string"
)
# One list element at a time, so an element of the wrong shape is skipped instead of nulling the list.
NAME_SCHEMA = "use string, family string, given string"
ADDRESS_SCHEMA = "use string, city string, state string, postalCode string, country string"


def flatten_patients(bronze: DataFrame, processed_at: dt.datetime) -> DataFrame:
    """Bronze patient rows (one per id) → `schemas.SILVER_PATIENT_COLUMNS` + `rejections` + `resource_json` (for quarantine).

    Age is in completed years on the processing date, or on the date of death; partial dates (`1980`,
    `1980-05`) count from the first day of their period, a death never before the birth (etl/README.md,
    "Partial dates"). Dates are the local dates the text names. `gender` is null when the resource states
    none: R4 reads an absent element as no statement, `unknown` is a statement.
    """
    resource = F.from_json("resource_json", RESOURCE_SCHEMA)
    parsed = bronze.select(
        "*",
        resource["gender"].alias("_gender"),
        resource["birthDate"].alias("_birth_text"),
        resource["deceasedDateTime"].alias("_death_text"),
        resource["deceasedBoolean"].alias("_deceased_flag"),
        resource["active"].alias("_active"),
        _preferred(_objects(resource["name"], NAME_SCHEMA), "official").alias("_name"),
        _preferred(_objects(resource["address"], ADDRESS_SCHEMA), "home").alias("_address"),
        coding(resource["maritalStatus"]).alias("_marital"),
    )
    gender, birth_text, death_text = F.col("_gender"), F.col("_birth_text"), F.col("_death_text")
    birth_date = fhir_local_date(birth_text)
    death_date = not_before(fhir_local_date(death_text), birth_date)
    today = F.lit(processed_at.date())
    age = F.when(birth_date.isNotNull(), age_on(birth_date, F.coalesce(death_date, today)))
    given = F.array_join(F.filter(F.from_json(F.col("_name.given"), "array<string>"), lambda item: item.isNotNull() & (item != "")), " ")
    return parsed.select(
        F.col("id"),
        last_updated(),
        F.when(F.col("_active").isin("true", "false"), F.col("_active") == "true").alias("active"),
        non_empty(F.col("_name.family")).alias("family_name"),
        non_empty(given).alias("given_name"),
        gender.alias("gender"),
        birth_date.alias("birth_date"),
        age.alias("age"),
        age_band(age).alias("age_band"),
        (death_date.isNotNull() | F.coalesce(F.col("_deceased_flag") == "true", F.lit(False))).alias("deceased"),
        death_date.alias("deceased_date"),
        F.col("_marital.code").alias("marital_status"),
        non_empty(F.col("_address.city")).alias("city"),
        non_empty(F.col("_address.state")).alias("state"),
        non_empty(F.col("_address.postalCode")).alias("postal_code"),
        non_empty(F.col("_address.country")).alias("country"),
        *lineage(processed_at),
        F.col("resource_json"),
        rejections(
            rejection(
                gender.isNotNull() & ~gender.isin(*GENDERS),
                "invalid_gender",
                F.concat(F.lit("gender "), json_quoted(gender), F.lit(f" is not one of {', '.join(GENDERS)}")),
            ),
            invalid_datetime(birth_text, "birthDate", "invalid_birth_date"),
            rejection(
                birth_date > today,
                "birth_date_in_future",
                F.concat(F.lit("birthDate "), birth_date.cast("string"), F.lit(f" is after {processed_at.date().isoformat()}")),
            ),
            invalid_datetime(death_text, "deceasedDateTime", "invalid_deceased_date"),
            ends_before_start(birth_text, death_text, "birthDate", "deceasedDateTime", "deceased_before_birth"),
        ),
    )


def _objects(raw_list, schema: str):
    """The JSON objects of a list element (`name`, `address`) parsed with `schema`; others skipped."""
    parsed = F.transform(F.from_json(raw_list, "array<string>"), lambda item: F.from_json(item, schema))
    return F.filter(parsed, lambda item: item.isNotNull())


def _preferred(items, use: str):
    """The first item with `use`, else the first item (a name or address)."""
    return F.coalesce(F.get(F.filter(items, lambda item: item["use"] == use), 0), F.get(items, 0))

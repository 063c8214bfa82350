"""The Athena named queries (`etl/athena/*.sql`, one per Gold table) run on Spark SQL against Gold
tables of the Gold schema, and return the rows worked out by hand below. The SQL is kept to what
Athena (Trino) and Spark SQL share; Trino itself does not run here."""

from datetime import date, datetime

import pytest
from metriccare_etl.schemas import GOLD_COLUMNS, ddl

from .support import ATHENA_QUERIES, named_query

COMPUTED_AT = datetime(2024, 3, 1, 6, 0)
REFERENCE_DATE = date(2024, 3, 1)
# Tables that say at which reference date their measure holds.
DATED = {"readmission_rate_30d", "condition_prevalence", "patients_by_age_band_gender"}

GOLD_ROWS = {
    "encounters_by_class_month": [("AMB", "2024-01", 3), ("IMP", "2024-01", 2), ("AMB", "2024-02", 1)],
    "average_length_of_stay": [("IMP", "2024-01", 2, 5, 2.5), ("IMP", "2024-02", 1, 0, 0.0), ("EMER", "2024-02", 1, 1, 1.0)],
    "readmission_rate_30d": [("2024-01", 4, 1, 0.25), ("2024-02", 3, 1, 1 / 3)],
    "condition_prevalence": [
        ("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2", 2, 5, 0.4),
        ("http://snomed.info/sct", "38341003", "Hypertension", 3, 5, 0.6),
        ("http://hl7.org/fhir/sid/icd-10-cm", "E11", "Type 2 diabetes mellitus", 2, 5, 0.4),
    ],
    "patients_by_age_band_gender": [("18-39", "female", 2), ("0-17", "male", 1), ("18-39", "male", 3)],
}

EXPECTED = {
    # Newest month first, then class.
    "encounters_by_class_month": [("AMB", "2024-02", 1), ("AMB", "2024-01", 3), ("IMP", "2024-01", 2)],
    "average_length_of_stay": [("EMER", "2024-02", 1, 1.0), ("IMP", "2024-02", 1, 0.0), ("IMP", "2024-01", 2, 2.5)],
    # 1 of 3 = 33.3 %, 1 of 4 = 25.0 %.
    "readmission_rate_30d": [("2024-02", 3, 1, 33.3, REFERENCE_DATE), ("2024-01", 4, 1, 25.0, REFERENCE_DATE)],
    # 3 of 5 = 60 %; the two with 2 of 5 ordered by code system, then code.
    "condition_prevalence": [
        ("http://snomed.info/sct", "38341003", "Hypertension", 3, 5, 60.0, REFERENCE_DATE),
        ("http://hl7.org/fhir/sid/icd-10-cm", "E11", "Type 2 diabetes mellitus", 2, 5, 40.0, REFERENCE_DATE),
        ("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2", 2, 5, 40.0, REFERENCE_DATE),
    ],
    "patients_by_age_band_gender": [
        ("0-17", "male", 1, REFERENCE_DATE),
        ("18-39", "female", 2, REFERENCE_DATE),
        ("18-39", "male", 3, REFERENCE_DATE),
    ],
}


def test_there_is_one_query_per_gold_table():
    # Act
    names = sorted(path.stem for path in ATHENA_QUERIES.glob("*.sql"))
    # Assess
    assert names == sorted(GOLD_COLUMNS)


@pytest.mark.parametrize("table", sorted(GOLD_COLUMNS))
def test_the_named_query_returns_the_measure_as_worked_out(spark, table):
    # Prepare
    dated = (REFERENCE_DATE,) if table in DATED else ()
    rows = [(*row, *dated, COMPUTED_AT) for row in GOLD_ROWS[table]]
    spark.createDataFrame(rows, ddl(GOLD_COLUMNS[table])).createOrReplaceTempView(table)
    # Act
    result = [tuple(row) for row in spark.sql(named_query(table)).collect()]
    # Assess
    assert result == EXPECTED[table]

"""Gold measures over encounters: volume by class and month, length of stay, 30-day readmissions.

Definitions in words: `etl/README.md`, "Gold measures". Every date here is the local calendar date
Silver keeps beside each instant (`period_start_date`, `period_end_date`).
"""

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from ..fhir.columns import month_text
from ..silver.common import UNKNOWN
from ..silver.encounter import INPATIENT_CLASSES

# Encounters that did not (or did not really) happen are left out of every measure.
NOT_HELD = ("planned", "cancelled", "entered-in-error")
READMISSION_WINDOW_DAYS = 30
# hospitalization.dischargeDisposition codes (http://terminology.hl7.org/CodeSystem/discharge-disposition)
# whose stay cannot be an index: died, left against medical advice, transferred to another acute hospital.
EXCLUDED_DISPOSITIONS = ("exp", "aadvice", "other-hcf", "hosp")
INDEX, READMISSION, IN_WINDOW, NOT_INDEX = "index", "readmission", "in_window", "not_index"


def encounters_by_class_month(encounters: DataFrame) -> DataFrame:
    """Held encounters per class code and local start month; encounters without a start are not counted.

    Input: Silver encounter. Output: encounter_class, period_month, encounter_count.
    """
    held = encounters.filter(~F.col("status").isin(*NOT_HELD) & (F.col("period_start_month") != UNKNOWN))
    return held.groupBy(F.col("class_code").alias("encounter_class"), F.col("period_start_month").alias("period_month")).agg(
        F.count(F.lit(1)).alias("encounter_count")
    )


def average_length_of_stay(encounters: DataFrame) -> DataFrame:
    """Finished inpatient stays with a start and an end, per class and local discharge month.

    Input: Silver encounter. Output: encounter_class, discharge_month, discharges,
    total_length_of_stay_days, average_length_of_stay_days (2 decimals).
    """
    stays = encounters.filter(
        (F.col("status") == "finished") & F.col("class_code").isin(*INPATIENT_CLASSES) & F.col("length_of_stay_days").isNotNull()
    )
    return stays.groupBy(F.col("class_code").alias("encounter_class"), month_text("period_end_date").alias("discharge_month")).agg(
        F.count(F.lit(1)).alias("discharges"),
        F.sum("length_of_stay_days").cast("bigint").alias("total_length_of_stay_days"),
        F.round(F.avg("length_of_stay_days"), 2).alias("average_length_of_stay_days"),
    )


def stay_roles(encounters: DataFrame, patients: DataFrame) -> DataFrame:
    """The role of every held inpatient admission in the 30-day readmission measure.

    Input: Silver encounter and patient. Output: id, patient_id, discharge_month, role (`index`,
    `readmission`, `in_window`, `not_index`), index_id (the index a readmission or in-window stay follows).
    """
    deaths = patients.select(F.col("id").alias("patient_id"), F.col("deceased_date"))
    stays = encounters.filter(
        F.col("is_inpatient") & ~F.col("status").isin(*NOT_HELD) & F.col("period_start_date").isNotNull() & F.col("patient_id").isNotNull()
    ).join(deaths, "patient_id", "left")
    discharge = F.when(F.col("status") == "finished", F.col("period_end_date"))
    eligible = (
        discharge.isNotNull()
        & ~F.coalesce(F.col("discharge_disposition").isin(*EXCLUDED_DISPOSITIONS), F.lit(False))
        & ~F.coalesce(F.col("deceased_date") <= discharge, F.lit(False))
    )
    # Sorted by admission instant, then id: the struct's field order is the sort order.
    per_patient = stays.groupBy("patient_id").agg(
        F.array_sort(
            F.collect_list(
                F.struct(
                    F.col("period_start").alias("admitted_at"),
                    F.col("id").alias("id"),
                    F.col("period_start_date").alias("admission"),
                    discharge.alias("discharge"),
                    eligible.alias("eligible"),
                )
            )
        ).alias("stays")
    )
    # Whether a stay is an index depends on whether an earlier one was (A→B→C: B follows index A and
    # so is not an index; C is compared with A only), a recursion no window frame expresses: `aggregate`
    # folds over the patient's stays in order, carrying the open index.
    start = F.struct(
        F.lit(None).cast("date").alias("open_discharge"),
        F.lit(None).cast("string").alias("open_id"),
        F.lit(False).alias("open_readmitted"),
        F.array().cast("array<struct<id:string,role:string,index_id:string,discharge:date>>").alias("roles"),
    )
    folded = per_patient.select("patient_id", F.aggregate("stays", start, _next_role)["roles"].alias("roles"))
    return folded.select("patient_id", F.explode("roles").alias("stay")).select(
        F.col("stay.id").alias("id"),
        F.col("patient_id"),
        month_text("stay.discharge").alias("discharge_month"),
        F.col("stay.role").alias("role"),
        F.col("stay.index_id").alias("index_id"),
    )


def _next_role(state: Column, stay: Column) -> Column:
    """One step of the fold: `stay` is a readmission of the open index (admitted 0..30 days after its
    discharge; only the first counts, later ones are `in_window`), else an index when eligible."""
    days_after = F.datediff(stay["admission"], state["open_discharge"])
    in_window = state["open_discharge"].isNotNull() & days_after.between(0, READMISSION_WINDOW_DAYS)
    role = (
        F.when(in_window & ~state["open_readmitted"], F.lit(READMISSION))
        .when(in_window, F.lit(IN_WINDOW))
        .when(stay["eligible"], F.lit(INDEX))
        .otherwise(F.lit(NOT_INDEX))
    )
    becomes_index = ~in_window & stay["eligible"]
    entry = F.struct(
        stay["id"].alias("id"),
        role.alias("role"),
        F.when(in_window, state["open_id"]).alias("index_id"),
        F.when(becomes_index, stay["discharge"]).alias("discharge"),
    )
    return F.struct(
        F.when(becomes_index, stay["discharge"]).otherwise(state["open_discharge"]).alias("open_discharge"),
        F.when(becomes_index, stay["id"]).otherwise(state["open_id"]).alias("open_id"),
        F.when(becomes_index, F.lit(False)).otherwise(state["open_readmitted"] | in_window).alias("open_readmitted"),
        F.concat(state["roles"], F.array(entry)).alias("roles"),
    )


def readmission_rate_30d(encounters: DataFrame, patients: DataFrame, reference_date: dt.date) -> DataFrame:
    """Per local discharge month whose whole window has closed by `reference_date`: index admissions,
    those followed by a readmission, and their ratio (4 decimals).

    Input: Silver encounter and patient. Output: discharge_month, index_admissions, readmissions_30d,
    readmission_rate, reference_date. A month is closed when its last day + 30 days is before the
    reference date (a readmission on that last window day may still arrive on it).
    """
    roles = stay_roles(encounters, patients)
    readmitted = roles.filter(F.col("role") == READMISSION).select(F.col("index_id").alias("id"), F.lit(1).alias("readmitted"))
    indexes = roles.filter(F.col("role") == INDEX).join(readmitted, "id", "left")
    closes = F.date_add(F.last_day(F.to_date(F.concat(F.col("discharge_month"), F.lit("-01")))), READMISSION_WINDOW_DAYS)
    return (
        indexes.filter(closes < F.lit(reference_date))
        .groupBy("discharge_month")
        .agg(
            F.count(F.lit(1)).alias("index_admissions"), F.sum(F.coalesce("readmitted", F.lit(0))).cast("bigint").alias("readmissions_30d")
        )
        .select(
            "discharge_month",
            "index_admissions",
            "readmissions_30d",
            F.round(F.col("readmissions_30d") / F.col("index_admissions"), 4).alias("readmission_rate"),
            F.lit(reference_date).alias("reference_date"),
        )
    )

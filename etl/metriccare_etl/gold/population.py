"""Gold measures over patients at the run's reference date: point prevalence, patients by age band and gender.

Definitions in words: `etl/README.md`, "Gold measures".
"""

import datetime as dt

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from ..silver.common import UNKNOWN, age_band, age_on

ACTIVE_CLINICAL_STATUSES = ("active", "recurrence", "relapse")
# Conditions that were ruled out or recorded by mistake do not make a patient a case.
NOT_A_CASE = ("refuted", "entered-in-error")


def living_on(reference_date: dt.date) -> Column:
    """Silver patient rows alive on the reference date: born by then, and not dead by then (a death
    flag without a date counts as dead on any date)."""
    on = F.lit(reference_date)
    born = F.col("birth_date").isNull() | (F.col("birth_date") <= on)
    dead = F.coalesce(F.col("deceased"), F.lit(False)) & (F.col("deceased_date").isNull() | (F.col("deceased_date") <= on))
    return born & ~dead


def condition_prevalence(patients: DataFrame, conditions: DataFrame, reference_date: dt.date) -> DataFrame:
    """Point prevalence per (code system, code) on the reference date.

    Cases: living patients with a condition that has a code system and a code, whose clinicalStatus is
    active, recurrence or relapse, not
    refuted or entered-in-error, with onset (when known) on or before and abatement (when known) after
    the reference date. Denominator: living patients. Input: Silver patient and condition. Output:
    code_system, code, code_display, patient_count, total_patients, prevalence (4 decimals), reference_date.
    """
    on = F.lit(reference_date)
    living = patients.filter(living_on(reference_date)).select(F.col("id").alias("patient_id"))
    total = living.count()
    cases = conditions.filter(
        F.col("code_system").isNotNull()
        & F.col("code").isNotNull()
        & F.col("clinical_status").isin(*ACTIVE_CLINICAL_STATUSES)
        & ~F.coalesce(F.col("verification_status").isin(*NOT_A_CASE), F.lit(False))
        & (F.col("onset_date").isNull() | (F.col("onset_date") <= on))
        & (F.col("abatement_date").isNull() | (F.col("abatement_date") > on))
    ).join(living, "patient_id", "left_semi")
    counts = cases.groupBy("code_system", "code").agg(F.countDistinct("patient_id").alias("patient_count"))
    # Sources word one code differently: the display shown is the one most cases used, ties to the
    # alphabetically first.
    by_use = Window.partitionBy("code_system", "code").orderBy(F.col("uses").desc(), F.col("code_display"))
    displays = (
        cases.filter(F.col("code_display").isNotNull())
        .groupBy("code_system", "code", "code_display")
        .agg(F.count(F.lit(1)).alias("uses"))
        .select("code_system", "code", "code_display", F.row_number().over(by_use).alias("rank"))
        .filter(F.col("rank") == 1)
        .drop("rank")
    )
    return counts.join(displays, ["code_system", "code"], "left").select(
        "code_system",
        "code",
        "code_display",
        "patient_count",
        F.lit(total).cast("bigint").alias("total_patients"),
        F.round(F.col("patient_count") / F.lit(total), 4).alias("prevalence"),
        on.alias("reference_date"),
    )


def patients_by_age_band_gender(patients: DataFrame, reference_date: dt.date) -> DataFrame:
    """Living patients per age band (completed years on the reference date) and gender (`unknown`
    when either is not recorded: Silver's null gender, no statement, counts with the stated `unknown`).
    Input: Silver patient. Output: age_band, gender, patient_count, reference_date."""
    on = F.lit(reference_date)
    living = patients.filter(living_on(reference_date))
    band = age_band(F.when(F.col("birth_date").isNotNull(), age_on(F.col("birth_date"), on)))
    gender = F.coalesce(F.col("gender"), F.lit(UNKNOWN))
    counts = living.groupBy(band.alias("age_band"), gender.alias("gender")).agg(F.count(F.lit(1)).alias("patient_count"))
    return counts.select("age_band", "gender", "patient_count", on.alias("reference_date"))

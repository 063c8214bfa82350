"""Glue job, Silver: Bronze resources into typed, validated tables, one row per id.

Reads each Bronze table whole, keeps the latest version of every id, flattens it, and upserts it
into Silver or, when it fails validation, into the table's quarantine table with the reasons.
The logic lives in `metriccare_etl`.
"""

from metriccare_etl.fhir_time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.silver import split_rdd
from metriccare_etl.spark_tables import read_rows, write_rows


def main() -> None:
    session = start_job("silver")
    args, spark, job, config = session.args, session.spark, session.job, session.config
    bucket, processed_at = args.lakehouse_bucket, utc_now()

    for name, table in config.silver_tables.items():
        bronze_rows = read_rows(spark, config.bronze_tables[name], bucket)
        silver_rows, quarantine_rows = split_rdd(name, bronze_rows, processed_at)
        write_rows(spark, silver_rows, table, args.database, bucket)
        write_rows(spark, quarantine_rows, config.silver_quarantine_tables[name], args.database, bucket)
        print(f"silver {name}: {silver_rows.count()} rows, {quarantine_rows.count()} quarantined")

    job.commit()


if __name__ == "__main__":
    main()

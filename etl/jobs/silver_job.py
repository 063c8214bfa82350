"""Glue job, Silver: Bronze resources into typed, validated tables, one row per id.

Reads each Bronze table whole, keeps the latest version of every id, flattens it, and upserts it
into Silver or, when it fails validation, into the table's quarantine table with the reasons. A
table whose Bronze table has no commit since Silver last wrote it is skipped, so a run with
nothing new adds no commit. The logic lives in `metriccare_etl`.
"""

from metriccare_etl.fhir_time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.silver import split_rdd
from metriccare_etl.spark_tables import newer_input, read_rows, write_rows


def main() -> None:
    session = start_job("silver")
    args, spark, job, config = session.args, session.spark, session.job, session.config
    bucket, processed_at, sync = args.lakehouse_bucket, utc_now(), session.catalog_sync

    for name, table in config.silver_tables.items():
        bronze = config.bronze_tables[name]
        if not newer_input(spark, [bronze], [table, config.silver_quarantine_tables[name]], bucket):
            print(f"silver {name}: no Bronze commit since the last Silver write, skipped")
            continue
        bronze_rows = read_rows(spark, bronze, bucket)
        silver_rows, quarantine_rows = split_rdd(name, bronze_rows, processed_at)
        write_rows(spark, silver_rows, table, args.database, bucket, sync)
        write_rows(spark, quarantine_rows, config.silver_quarantine_tables[name], args.database, bucket, sync)
        print(f"silver {name}: {silver_rows.count()} rows, {quarantine_rows.count()} quarantined")

    job.commit()


if __name__ == "__main__":
    main()

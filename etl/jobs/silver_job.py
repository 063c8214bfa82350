"""Glue job, Silver: the Bronze commits since Silver's last run into typed, validated tables, one row per id.

Reads only what Bronze committed since this table's checkpoint, keeps the latest version of every id,
flattens it, and upserts it into Silver or, when it fails validation, into the table's quarantine
table with the reasons. A table with nothing new ends without a commit. The logic lives in `metriccare_etl`.
"""

from metriccare_etl.fhir.time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.silver.run import run_silver


def main() -> None:
    session = start_job("silver")
    args, spark, job, config = session.args, session.spark, session.job, session.config

    for result in run_silver(spark, config, args.lakehouse_bucket, args.database, utc_now(), sync_catalog=session.catalog_sync):
        print(f"silver {result.table}: {result._asdict()}")

    job.commit()


if __name__ == "__main__":
    main()

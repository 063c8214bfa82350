"""Glue job, Gold: CMS-style measures for the dashboards, recomputed from Silver when Silver changed.

Each measure is a Spark aggregate over the Silver snapshot at the reference date (`--reference_date`,
default the run date), written whole (insert_overwrite_table). The measures and their definitions
live in `metriccare_etl.gold` and `etl/README.md`.
"""

from metriccare_etl.fhir.time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.gold.run import run_gold


def main() -> None:
    session = start_job("gold")
    args, spark, job, config = session.args, session.spark, session.job, session.config

    results = run_gold(
        spark,
        config,
        args.lakehouse_bucket,
        args.database,
        utc_now(),
        args.reference_date,
        sync_catalog=session.catalog_sync,
    )
    print(
        "gold: every measure is current (its Silver tables and reference date unchanged), nothing written"
        if results is None
        else f"gold: recomputed {results}"
    )

    job.commit()


if __name__ == "__main__":
    main()

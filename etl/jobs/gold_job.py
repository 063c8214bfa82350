"""Glue job, Gold: CMS-style measures for the dashboards, recomputed from Silver every run.

Each measure is summed per slice of Silver rows on the executors, folded into one total and
written whole (insert_overwrite_table). When no Silver table has a commit since Gold was last
written, the measures would come out the same and the run writes nothing. The measures and their
definitions live in `metriccare_etl.gold`.
"""

from metriccare_etl.fhir_time import utc_now
from metriccare_etl.glue_session import start_job
from metriccare_etl.gold import MEASURES, sums_over_rdds
from metriccare_etl.spark_tables import newer_input, read_rows, write_rows


def main() -> None:
    session = start_job("gold")
    args, spark, job, config = session.args, session.spark, session.job, session.config
    bucket, computed_at, context = args.lakehouse_bucket, utc_now(), spark.sparkContext

    if not newer_input(spark, list(config.silver_tables.values()), list(config.gold_tables.values()), bucket):
        print("gold: no Silver commit since the last Gold write, nothing recomputed")
        job.commit()
        return
    silver = {name: read_rows(spark, table, bucket).cache() for name, table in config.silver_tables.items()}
    for measure in MEASURES:
        rows = measure.rows(sums_over_rdds(measure, silver, context.union), computed_at)
        write_rows(spark, context.parallelize(rows, 1), config.gold_tables[measure.table], args.database, bucket, session.catalog_sync)
        print(f"gold {measure.table}: {len(rows)} rows")

    job.commit()


if __name__ == "__main__":
    main()

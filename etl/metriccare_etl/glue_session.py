"""How the three job scripts start: one place for the Glue, Spark and configuration set-up."""

import sys
from dataclasses import dataclass
from typing import Any

from .config import LakehouseConfig, load_config_from_s3
from .job_args import JobArguments, check_environment, parse_job_arguments


@dataclass(frozen=True)
class GlueSession:
    args: JobArguments
    spark: Any
    job: Any
    config: LakehouseConfig
    s3: Any


def start_job(layer: str) -> GlueSession:
    """Parses the job arguments, starts Spark with UTC as the session time zone, initialises the
    Glue job (bookmarks), loads the lakehouse config and checks the database belongs to `--env`.

    Glue, Spark and boto3 are imported here, not at module level: the package must import without
    them (the unit tests, the zip check), and only a job running on Glue calls this.
    """
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = parse_job_arguments(layer, sys.argv, getResolvedOptions)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args.job_name, args.raw)
    s3 = boto3.client("s3")
    config = load_config_from_s3(s3, args.config_s3_uri)
    check_environment(args)
    return GlueSession(args, spark, job, config, s3)

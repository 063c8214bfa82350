"""How the three job scripts start: the one Glue adapter (the only module importing `awsglue`).

On Glue, `awsglue` is importable: the session comes from a `GlueContext` and the job from
`awsglue.job.Job`. Elsewhere (the end-to-end test, `npm run etl:local`) the job runs on the
SparkSession the local runtime started; what differs from Glue is said in `apply_local_conf`, and the
catalog Hudi syncs to is the local runtime's Hive Metastore when it started one (`has_metastore`).
"""

import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import LakehouseConfig, load_config_from_s3
from .errors import JobArgumentError
from .job_args import JobArguments, check_environment, parse_job_arguments


@dataclass(frozen=True)
class GlueSession:
    args: JobArguments
    spark: Any
    job: Any
    config: LakehouseConfig
    s3: Any
    # Whether Hudi syncs tables to a catalog (Hive sync, HMS mode): on Glue the Data Catalog
    # (`--enable-glue-datacatalog`); locally the Hive Metastore the local runtime named in the session's
    # Hadoop configuration (`hive.metastore.uris`), else none.
    catalog_sync: bool = True
    # boto3 `put_object`/`copy_object` arguments giving the object the encryption Spark's writes get.
    s3_encryption: Mapping[str, str] = field(default_factory=dict)


def start_job(layer: str, argv: Sequence[str] | None = None) -> GlueSession:
    """Parses the job arguments, starts (or, locally, joins) Spark with UTC as the session time zone,
    initialises the Glue job, loads the lakehouse config and checks the database belongs to `--env`.

    Glue, Spark and boto3 are imported here, not at module level: the package must import without
    them (the unit tests, the zip check).
    """
    import boto3

    argv = list(sys.argv if argv is None else argv)
    args = parse_job_arguments(layer, argv)
    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job
    except ImportError:
        spark, job, on_glue = _local_spark(argv), _LocalJob(), False
    else:
        from pyspark.context import SparkContext

        glue_context = GlueContext(SparkContext.getOrCreate())
        spark, job, on_glue = glue_context.spark_session, Job(glue_context), True
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job.init(args.job_name, args.raw)
    s3 = boto3.client("s3")
    config = load_config_from_s3(s3, args.lakehouse_config_uri)
    check_environment(args)
    catalog_sync = on_glue or has_metastore(spark)
    return GlueSession(args, spark, job, config, s3, catalog_sync=catalog_sync, s3_encryption=s3_encryption(spark))


def has_metastore(spark: Any) -> bool:
    """Whether the session names a Hive metastore (`hive.metastore.uris`), as the local runtime does for its
    Hive Metastore; Hudi's HMS-mode sync reads the same setting."""
    return bool(spark.sparkContext._jsc.hadoopConfiguration().get("hive.metastore.uris"))


def s3_encryption(spark: Any) -> dict[str, str]:
    """The SSE-KMS request arguments matching S3A's `fs.s3a.encryption.*` (set through `--conf`), so
    the objects boto3 writes (run report, quarantine) are encrypted like the tables; empty without."""
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    if (hadoop.get("fs.s3a.encryption.algorithm") or "").upper() != "SSE-KMS":
        return {}
    key = hadoop.get("fs.s3a.encryption.key")
    return {"ServerSideEncryption": "aws:kms", **({"SSEKMSKeyId": key} if key else {})}


def glue_conf(argv: Sequence[str]) -> dict[str, str]:
    """The Spark confs of the `--conf` argument as Glue passes it: one value holding
    `k=v --conf k2=v2 ...` (the only way Glue accepts several)."""
    if "--conf" not in argv:
        return {}
    index = list(argv).index("--conf")
    if index + 1 >= len(argv):
        raise JobArgumentError("job: `--conf` has no value.")
    tokens = shlex.split(argv[index + 1])
    confs = {}
    for token in tokens:
        if token == "--conf":
            continue
        key, equals, value = token.partition("=")
        if not equals or not key:
            raise JobArgumentError(f'job: `--conf` must be "key=value --conf key=value ...", got "{token}" in "{argv[index + 1]}".')
        confs[key] = value
    return confs


def apply_local_conf(spark: Any, confs: Mapping[str, str]) -> None:
    """What Glue does with `--conf` before the script starts, done on an already running local session:
    `spark.hadoop.*` into the Hadoop configuration (S3A file systems created afterwards use it), other
    confs set when Spark allows it at run time; a static conf (serializer, extensions) must already
    have the value, since the local runtime started the session with it."""
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    for key, value in confs.items():
        if key.startswith("spark.hadoop."):
            hadoop.set(key[len("spark.hadoop.") :], value)
            continue
        try:
            spark.conf.set(key, value)
        except Exception:  # Spark refuses to change a static or core conf at run time (AnalysisException)
            started_with = spark.sparkContext.getConf().get(key, None)
            if started_with != value:
                raise JobArgumentError(
                    f'job: `--conf {key}={value}` cannot be set on the running local session, which started with "{started_with}"; start the local session with it.'
                ) from None


def _local_spark(argv: Sequence[str]) -> Any:
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    if spark is None:
        raise JobArgumentError(
            "job: awsglue is not importable and no SparkSession is running; run the job on Glue, or locally through etl/local_runtime (npm run etl:local)."
        )
    apply_local_conf(spark, glue_conf(argv))
    return spark


class _LocalJob:
    """Stands in for `awsglue.job.Job` off Glue: the jobs keep no bookmarks (the processed-files
    table says what is new), so `init` and `commit` have nothing to record."""

    def init(self, job_name: str, arguments: Mapping[str, str]) -> None:
        self.job_name = job_name

    def commit(self) -> None:
        return None

"""A local SparkSession configured as the Glue 5.1 jobs run: the Hudi confs the jobs' `--conf` sets,
UTC, and optionally S3A against a local S3 endpoint with SSE-KMS."""

from dataclasses import dataclass
from pathlib import Path

from .preflight import check_java
from .toolchain import spark_jars

# What Hudi 1.0 needs from Spark (https://hudi.apache.org/docs/quick-start-guide): Kryo with Hudi's
# registrator, and the session extension and catalog for Hudi SQL.
HUDI_SPARK_CONF: dict[str, str] = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "org.apache.spark.HoodieSparkKryoRegistrar",
    "spark.sql.extensions": "org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.hudi.catalog.HoodieCatalog",
}


# Hudi write settings the local runtime adds to every write (Hudi reads `hudi-defaults.conf` from
# HUDI_CONF_DIR for each write), and Glue does not: on a shared two-core machine the metadata table,
# written beside every table on every commit, more than doubles the Spark stages of a write, and
# the embedded timeline server is one more service per write client. Tables stay readable by Glue.
LOCAL_HUDI_DEFAULTS: dict[str, str] = {
    "hoodie.metadata.enable": "false",
    "hoodie.embed.timeline.server": "false",
}


@dataclass(frozen=True)
class LocalS3:
    """A local S3 (the moto server) that Spark reaches through S3A."""

    endpoint: str
    region: str
    # PKCS12 store trusting the endpoint's certificate (HTTPS endpoints only).
    truststore: str | None = None
    truststore_password: str = "metriccare"
    # SSE-KMS key for Spark's writes; None writes without an encryption header.
    kms_key_arn: str | None = None


def local_spark_session(
    app_name: str = "metriccare-local", s3: LocalS3 | None = None, shuffle_partitions: int = 2, jars: list[str] | None = None
):
    """The one SparkSession of this process (`local[2]`), created with the Hudi and S3A jars (or `jars`:
    another Hudi bundle, such as the reader of `hudi_0_15_reader`)."""
    import os

    from pyspark.sql import SparkSession

    check_java()  # another Java than 17 would die in a JVM stack trace that never names the one it needs
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # bind to loopback only, never an outside interface
    os.environ["HUDI_CONF_DIR"] = _hudi_conf_dir(LOCAL_HUDI_DEFAULTS)  # read by the JVM started below
    builder = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.jars", ",".join(spark_jars() if jars is None else jars))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
    )
    for key, value in HUDI_SPARK_CONF.items():
        builder = builder.config(key, value)
    if s3 is not None:
        for key, value in s3a_conf(s3).items():
            builder = builder.config(key, value)
        if s3.truststore:
            builder = builder.config(
                "spark.driver.extraJavaOptions",
                f"-Djavax.net.ssl.trustStore={s3.truststore} -Djavax.net.ssl.trustStorePassword={s3.truststore_password} -Djavax.net.ssl.trustStoreType=PKCS12",
            )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.addPyFile(package_zip())
    return spark


def _hudi_conf_dir(defaults: dict[str, str]) -> str:
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="metriccare-hudi-conf-"))
    (directory / "hudi-defaults.conf").write_text("".join(f"{key} {value}\n" for key, value in defaults.items()))
    return f"file:{directory}"


def package_zip() -> str:
    """`metriccare_etl` zipped as the stack ships it with `--extra-py-files`, for the Python workers
    (the driver imports it from the source tree)."""
    import tempfile
    import zipfile

    package = Path(__file__).resolve().parents[1] / "metriccare_etl"
    archive = Path(tempfile.mkdtemp(prefix="metriccare-etl-")) / "metriccare_etl.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for source in package_sources(package):
            zipped.write(source, f"metriccare_etl/{source.relative_to(package).as_posix()}")
    return str(archive)


def package_sources(package: Path) -> list[Path]:
    """The package's `.py` files, subpackages included, as packaging/python-package.ts ships them
    (no `__pycache__`, no dotfiles)."""
    return sorted(
        path
        for path in package.rglob("*.py")
        if not any(part == "__pycache__" or part.startswith(".") for part in path.relative_to(package).parts)
    )


def s3a_conf(s3: LocalS3) -> dict[str, str]:
    """S3A settings for the local endpoint: path-style requests, the JDK's TLS, static test credentials."""
    conf = {
        "spark.hadoop.fs.s3a.endpoint": s3.endpoint,
        "spark.hadoop.fs.s3a.endpoint.region": s3.region,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.ssl.channel.mode": "default_jsse",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": str(s3.endpoint.startswith("https://")).lower(),
        "spark.hadoop.fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.access.key": "testing",
        "spark.hadoop.fs.s3a.secret.key": "testing",
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        # Glue 5.1's Hadoop 3.4.1 keeps folder markers (its default, HADOOP-18752); 3.3.4 would delete every
        # ancestor's marker after each new file, calls Glue never makes (`quarantine/` for Silver's quarantine).
        "spark.hadoop.fs.s3a.directory.marker.retention": "keep",
    }
    if s3.kms_key_arn:
        conf["spark.hadoop.fs.s3a.encryption.algorithm"] = "SSE-KMS"
        conf["spark.hadoop.fs.s3a.encryption.key"] = s3.kms_key_arn
    return conf

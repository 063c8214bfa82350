"""The MetricCare workflow on the local runtime: the stack's buckets, key and processed-files table
in a local AWS (moto), raw files recorded as the trigger Lambda records them, and the three job
scripts run in order with the argv Glue would pass. Used by the end-to-end test and `npm run etl:local`.
"""

import contextlib
import datetime as dt
import hashlib
import io
import runpy
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .synthesized_stack import LAYERS, PROJECT_ROOT, default_arguments, glue_argv, job_name

if TYPE_CHECKING:
    from .progress import Progress

JOBS = PROJECT_ROOT / "etl" / "jobs"
# Told the actor whose AWS calls follow ("bronze_job", ...), then None.
ActorLabel = Callable[[str | None], None]
LAKEHOUSE_CONFIG = PROJECT_ROOT / "etl" / "config" / "lakehouse.json"


@dataclass
class LocalLake:
    """The dev workspace's resources as the synthesized stack names them, created in the local AWS."""

    terraform: dict
    workspace: str
    kms_key_arn: str
    raw_bucket: str
    raw_prefix: str
    lakehouse_bucket: str
    processed_files_table: str
    arguments: dict[str, dict[str, str]] = field(default_factory=dict)
    runs: int = 0

    def argv(self, layer: str, workflow_run_id: str, job_run_id: str) -> list[str]:
        """sys.argv of a workflow-started run of the layer's job, as Glue builds it."""
        name = job_name(self.terraform, layer, self.workspace)
        return glue_argv(self.arguments[layer], name=name, job_run_id=job_run_id, workflow_run_id=workflow_run_id)


def _resource(terraform: dict, resource_type: str, prefix: str) -> dict:
    return next(value for logical_id, value in terraform["resource"][resource_type].items() if logical_id.startswith(prefix))


def provision(terraform: dict, workspace: str = "dev") -> LocalLake:
    """Creates the environment key, the raw (versioned), lakehouse (SSE-KMS by default) and scripts
    buckets, the lakehouse config object and the processed-files table (its keys and index copied
    from the synthesized resource) in the AWS the environment points boto3 at."""
    import boto3

    kms_key_arn = boto3.client("kms").create_key(Description=f"metriccare {workspace} (local)")["KeyMetadata"]["Arn"]
    known = {"aws_kms_key.arn": kms_key_arn}
    arguments = {layer: default_arguments(terraform, layer, workspace, known) for layer in LAYERS}
    bronze = arguments["bronze"]
    s3 = boto3.client("s3")
    config_bucket, _, config_key = bronze["--lakehouse_config_uri"][len("s3://") :].partition("/")
    for bucket in (bronze["--raw_bucket"], bronze["--lakehouse_bucket"], config_bucket):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key_arn}}]
            },
        )
    s3.put_bucket_versioning(Bucket=bronze["--raw_bucket"], VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=config_bucket, Key=config_key, Body=LAKEHOUSE_CONFIG.read_bytes())
    table = _resource(terraform, "aws_dynamodb_table", "processed_files")
    boto3.client("dynamodb").create_table(
        TableName=bronze["--processed_files_table"],
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a["name"], "AttributeType": a["type"]} for a in table["attribute"]],
        KeySchema=[{"AttributeName": table["hash_key"], "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index["name"],
                "KeySchema": [
                    {"AttributeName": index["hash_key"], "KeyType": "HASH"},
                    {"AttributeName": index["range_key"], "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": index["projection_type"]},
            }
            for index in table["global_secondary_index"]
        ],
    )
    return LocalLake(
        terraform,
        workspace,
        kms_key_arn,
        bronze["--raw_bucket"],
        bronze["--raw_prefix"],
        bronze["--lakehouse_bucket"],
        bronze["--processed_files_table"],
        arguments,
    )


def upload(lake: LocalLake, relative_key: str, body: bytes, now: dt.datetime | None = None) -> str:
    """Puts a FHIR file under the raw prefix and records it as the trigger Lambda does for the S3
    event (functions/glue_trigger/processed-files.ts `toItem`, keyed as s3-records.ts makes
    `fileKey`); returns the item's `file_key`."""
    import boto3

    key = f"{lake.raw_prefix}{relative_key}"
    put = boto3.client("s3").put_object(Bucket=lake.raw_bucket, Key=key, Body=body)
    version_id, etag = put["VersionId"], put["ETag"].strip('"')  # S3 events carry the ETag unquoted
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"  # JavaScript's toISOString()
    file_key = f"s3://{lake.raw_bucket}/{key}#{version_id}"
    item = {
        "file_key": {"S": file_key},
        "bucket": {"S": lake.raw_bucket},
        "object_key": {"S": key},
        "status": {"S": "PENDING"},
        "received_at": {"S": stamp},
        "version_id": {"S": version_id},
        "etag": {"S": etag},
        "size_bytes": {"N": str(len(body))},
        "sequencer": {"S": hashlib.sha256(file_key.encode()).hexdigest()[:18].upper()},
        "event_time": {"S": stamp},
    }
    boto3.client("dynamodb").put_item(TableName=lake.processed_files_table, Item=item, ConditionExpression="attribute_not_exists(file_key)")
    return file_key


class _Tee(io.StringIO):
    """Keeps what a job prints and passes it on to `echo` as it comes."""

    def __init__(self, echo: io.TextIOBase | None) -> None:
        super().__init__()
        self._echo = echo

    def write(self, text: str) -> int:
        if self._echo is not None:
            self._echo.write(text)
        return super().write(text)


def run_job(
    lake: LocalLake,
    layer: str,
    workflow_run_id: str,
    job_run_id: str,
    acting: ActorLabel | None = None,
    echo: io.TextIOBase | None = None,
) -> str:
    """Runs `etl/jobs/<layer>_job.py` as `__main__` with Glue's argv; returns what it printed (also
    written to `echo` as it prints). `acting` is told which job runs (then None), so that a recording of
    the AWS calls can tell the jobs apart."""
    previous = sys.argv
    sys.argv = lake.argv(layer, workflow_run_id, job_run_id)
    if acting is not None:
        acting(f"{layer}_job")
    try:
        with contextlib.redirect_stdout(_Tee(echo)) as printed:
            runpy.run_path(str(JOBS / f"{layer}_job.py"), run_name="__main__")
    finally:
        sys.argv = previous
        if echo is not None:
            echo.flush()
        if acting is not None:
            acting(None)
    return printed.getvalue()


def run_workflow(lake: LocalLake, acting: ActorLabel | None = None, progress: "Progress | None" = None) -> dict[str, str]:
    """One workflow run: Bronze, Silver, Gold in order, each a first attempt; the jobs' output by layer.
    With `progress`, a line when each job starts and ends and one per line it prints."""
    lake.runs += 1
    run_id = f"wr_local_{lake.runs:04d}"
    outputs = {}
    for layer in LAYERS:
        started = progress.elapsed() if progress else 0.0
        if progress:
            progress.line(layer, f"job started (workflow run {run_id})")
        echo = progress.job_output(layer) if progress else None
        outputs[layer] = run_job(lake, layer, run_id, f"jr_{layer}_{lake.runs:04d}", acting, echo)
        if progress:
            progress.line(layer, f"job done in {progress.elapsed() - started:.1f} s")
    return outputs


def hadoop_settings(spark: Any, keys: list[str]) -> Mapping[str, str | None]:
    """The Hadoop configuration values of `keys`, to put back after a run changed them."""
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    return {key: hadoop.get(key) for key in keys}


def restore_hadoop_settings(spark: Any, saved: Mapping[str, str | None]) -> None:
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    for key, value in saved.items():
        if value is None:
            hadoop.unset(key)
        else:
            hadoop.set(key, value)

"""The Glue jobs' arguments as the stack synthesizes them (`main.ts --outdir <temporary folder>`, the
same JSON as cdktf.out/stacks/metriccare/cdk.tf.json), resolved for one Terraform workspace, and the argv Glue
builds from them (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html)."""

import atexit
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bronze", "silver", "gold")
# moto's default account: the account id that bucket names carry.
ACCOUNT_ID = "123456789012"
_REFERENCE = re.compile(r"\$\{([^{}]+)\}")

# Every argument Glue itself reads or passes to a Spark job's script (the page above, "Job parameters
# used by AWS Glue"), beside the ones the job's default arguments set.
GLUE_ARGUMENTS = (
    "JOB_NAME",
    "JOB_ID",
    "JOB_RUN_ID",
    "WORKFLOW_NAME",
    "WORKFLOW_RUN_ID",
    "TempDir",
    "additional-python-modules",
    "auto-scale-within-microbatch",
    "class",
    "conf",
    "continuous-log-conversionPattern",
    "continuous-log-logGroup",
    "continuous-log-logStreamPrefix",
    "custom-logGroup-prefix",
    "customer-driver-env-vars",
    "customer-executor-env-vars",
    "datalake-formats",
    "disable-proxy-v2",
    "enable-auto-scaling",
    "enable-continuous-cloudwatch-log",
    "enable-continuous-log-filter",
    "enable-glue-datacatalog",
    "enable-job-insights",
    "enable-metrics",
    "enable-observability-metrics",
    "enable-rename-algorithm-v2",
    "enable-s3-parquet-optimized-committer",
    "enable-spark-ui",
    "encryption-type",
    "executor-cores",
    "extra-files",
    "extra-jars",
    "extra-py-files",
    "job-bookmark-option",
    "job-language",
    "python-modules-installer-option",
    "scriptLocation",
    "spark-event-logs-path",
    "use-postgres-driver",
    "user-jars-first",
)


# The key under which `synthesize` notes the folder it synthesized into (a `//` key is a comment to Terraform).
SYNTH_DIRECTORY = "//synthesized_in"


def synthesize() -> dict:
    """Synthesizes the stack into a temporary folder (`main.ts --outdir`) and returns its Terraform JSON,
    with the stack folder (its staged assets) under SYNTH_DIRECTORY; the folder is removed when the
    process ends. cdktf.out/ is left alone: it may be a teardown's unprotected output, or the one a deploy
    is about to use. TF_WORKSPACE is dropped: the JSON is the same for every workspace, and synth refuses
    some (prod without alertEmails)."""
    env = {name: value for name, value in os.environ.items() if name not in ("TF_WORKSPACE", "CDKTF_OUTDIR", "METRICCARE_ALLOW_DESTROY")}
    outdir = tempfile.mkdtemp(prefix="metriccare-synth-")
    atexit.register(shutil.rmtree, outdir, ignore_errors=True)
    command = ["node", "scripts/run-ts.cjs", "--preload", "cdktf,constructs", "main.ts", "--outdir", outdir]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Synthesizing the stack (`{' '.join(command)}`) failed: {(result.stderr or result.stdout).strip()}")
    stack_directory = Path(outdir) / "stacks" / "metriccare"
    return {**json.loads((stack_directory / "cdk.tf.json").read_text()), SYNTH_DIRECTORY: str(stack_directory)}


def job_resources(terraform: dict) -> dict[str, dict]:
    """The three `aws_glue_job` resources by layer."""
    jobs = terraform["resource"]["aws_glue_job"]
    return {layer: next(job for logical_id, job in jobs.items() if logical_id.startswith(f"{layer}_job")) for layer in LAYERS}


def resolve(terraform: dict, value: str, workspace: str, known: Mapping[str, str] = {}) -> str:
    """`value` with its `${...}` references resolved for `workspace`: locals, the caller's account,
    resource attributes written in the JSON, and `known`, keyed `<resource type>.<attribute>`, for
    attributes only AWS assigns (e.g. `aws_kms_key.arn`)."""

    def one(match: re.Match) -> str:
        reference = match.group(1)
        if reference == "local.workspace" or reference == "terraform.workspace":
            return workspace
        if reference == "data.aws_caller_identity.current.account_id":
            return ACCOUNT_ID
        if reference.startswith("local.environment."):
            value = terraform["locals"]["environments"][workspace]
            for step in reference.split(".")[2:]:
                value = value[step]
            return str(value)
        resource_type, logical_id, attribute = reference.split(".")
        if f"{resource_type}.{attribute}" in known:
            return known[f"{resource_type}.{attribute}"]
        return resolve(terraform, terraform["resource"][resource_type][logical_id][attribute], workspace, known)

    return _REFERENCE.sub(one, value)


def provider_region(terraform: dict) -> str:
    """The region of the stack's AWS provider: the configuration's `awsRegion`."""
    return terraform["provider"]["aws"][0]["region"]


def workspaces(terraform: dict) -> list[str]:
    """The Terraform workspaces the stack is configured for: the configuration's environments."""
    return sorted(terraform["locals"]["environments"])


def kms_key_arn(terraform: dict) -> str:
    """An ARN shaped like the environment key's, in the stack's region (AWS assigns the real one)."""
    return f"arn:aws:kms:{provider_region(terraform)}:{ACCOUNT_ID}:key/00000000-0000-4000-8000-000000000000"


def default_arguments(terraform: dict, layer: str, workspace: str, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """The layer job's `default_arguments` resolved for `workspace`; the environment key's ARN is
    `kms_key_arn` unless `known` gives it."""
    job = job_resources(terraform)[layer]
    known = {"aws_kms_key.arn": kms_key_arn(terraform)} if known is None else known
    return {name: resolve(terraform, value, workspace, known) for name, value in job["default_arguments"].items()}


def python_package_zip(terraform: dict) -> Path:
    """The ETL package ZIP synth staged for upload: the object the jobs' `--extra-py-files` names."""
    objects = terraform["resource"]["aws_s3_object"]
    (package,) = [item for item in objects.values() if re.fullmatch(r"glue/libs/metriccare_etl-[0-9a-f]{64}\.zip", item["key"])]
    return Path(terraform[SYNTH_DIRECTORY]) / package["source"]


def job_name(terraform: dict, layer: str, workspace: str) -> str:
    return resolve(terraform, job_resources(terraform)[layer]["name"], workspace)


def glue_argv(
    arguments: Mapping[str, str], *, name: str, job_run_id: str, workflow_run_id: str | None = None, reverse: bool = False
) -> list[str]:
    """sys.argv as Glue gives it to a run of the job: the script, Glue's run arguments and every
    default argument as `--name value` pairs; `reverse` turns the order round (Glue promises none)."""
    run = {"JOB_NAME": name, "JOB_ID": "j_0123456789abcdef", "JOB_RUN_ID": job_run_id}
    if workflow_run_id is not None:
        run.update(WORKFLOW_NAME="metriccare_etl_workflow", WORKFLOW_RUN_ID=workflow_run_id)
    pairs = [(f"--{key}", value) for key, value in run.items()] + list(arguments.items())
    if reverse:
        pairs.reverse()
    return ["script.py"] + [token for pair in pairs for token in pair]

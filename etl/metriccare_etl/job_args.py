"""Glue job arguments: which each job reads, and the checks that catch a mis-wired stack early.

Parsed with the project's own argparse parser, not `awsglue.utils.getResolvedOptions`: that one
registers `--JOB_RUN_ID` itself (asking for it again raises "conflicting option string") and
matches abbreviations, so Glue's `--conf` could be read as `--lakehouse_config_uri`. Here abbreviations
are off and every argument Glue adds for itself (`--conf`, `--TempDir`, `--enable-*`, ...) is ignored.
"""

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import JobArgumentError

COMMON_ARGUMENTS = ("JOB_NAME", "env", "lakehouse_bucket", "lakehouse_config_uri", "metrics_namespace")
LAYER_ARGUMENTS: dict[str, Sequence[str]] = {
    "bronze": COMMON_ARGUMENTS
    + (
        "bronze_database",
        "raw_bucket",
        "raw_prefix",
        "processed_files_table",
        "processed_files_status_index",
        "processed_files_ttl_days",
    ),
    "silver": COMMON_ARGUMENTS + ("silver_database",),
    "gold": COMMON_ARGUMENTS + ("gold_database",),
}
# Glue adds the workflow arguments only when a workflow starts the job; a run started by hand has
# JOB_RUN_ID alone, so the run id falls back to it. Glue passes JOB_RUN_ID to every job run, a retry
# included (a retry keeps WORKFLOW_RUN_ID but gets a new JOB_RUN_ID); Bronze requires it.
OPTIONAL_ARGUMENTS = ("WORKFLOW_NAME", "WORKFLOW_RUN_ID", "JOB_RUN_ID")
# Given for one run (`aws glue start-job-run --arguments`), never by the stack.
LAYER_OPTIONAL_ARGUMENTS: dict[str, Sequence[str]] = {"bronze": (), "silver": (), "gold": ("reference_date",)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
MAX_TTL_DAYS = 3650
# CloudWatch's namespace rule (PutMetricData): 1-255 printable ASCII characters, not starting with ":", "AWS/" reserved.
_NAMESPACE = re.compile(r"^(?!:|AWS/)[\x20-\x7E]{1,255}$")


@dataclass(frozen=True)
class JobArguments:
    layer: str
    job_name: str
    env: str
    lakehouse_bucket: str
    database: str
    lakehouse_config_uri: str
    run_id: str
    raw: dict[str, str]
    # This attempt: what owns Bronze's claims in the processed-files table.
    job_run_id: str | None = None
    # Gold's `--reference_date`: the date its measures are taken at; None means the run date.
    reference_date: dt.date | None = None

    @property
    def metrics_namespace(self) -> str:
        """CloudWatch namespace of the run's data-quality metrics (`<project>/<env>`)."""
        return self.raw["metrics_namespace"]

    @property
    def processed_files_ttl_days(self) -> int:
        return int(self.raw["processed_files_ttl_days"])


def parse_job_arguments(layer: str, argv: Sequence[str]) -> JobArguments:
    """Reads the layer's arguments from `argv` (`sys.argv`: the script, then `--name value` pairs in
    any order, also `--name=value`) and checks their shape; `check_environment` checks them against
    the config. Arguments the job does not read are ignored."""
    if layer not in LAYER_ARGUMENTS:
        raise JobArgumentError(f'job layer must be one of {", ".join(LAYER_ARGUMENTS)}, got "{layer}".')
    raw = read_arguments(layer, argv)
    run_id = raw.get("WORKFLOW_RUN_ID") or raw.get("JOB_RUN_ID")
    if not run_id:
        raise JobArgumentError(f"{layer} job: neither --WORKFLOW_RUN_ID nor --JOB_RUN_ID was given; Glue sets them when it runs the job.")
    buckets = ("lakehouse_bucket", "raw_bucket") if layer == "bronze" else ("lakehouse_bucket",)
    for name in buckets:
        if not _BUCKET_NAME.match(raw[name]):
            raise JobArgumentError(f'{layer} job: `--{name}` must be a bucket name (no "s3://", no "/"), got "{raw[name]}".')
    if layer == "bronze":
        _check_bronze(raw)
    return JobArguments(
        layer,
        raw["JOB_NAME"],
        raw["env"],
        raw["lakehouse_bucket"],
        raw[f"{layer}_database"],
        raw["lakehouse_config_uri"],
        run_id,
        raw,
        job_run_id=raw.get("JOB_RUN_ID"),
        reference_date=_reference_date(layer, raw.get("reference_date")),
    )


def check_environment(arguments: JobArguments) -> None:
    """The database must be the one of the job's layer and workspace (`<project>_<layer>_<env>`, as
    the stack names it), and the metrics namespace the workspace's (`<project>/<env>`): a prod job
    writing into the dev catalog, or reporting into dev's alarms, fails here, not in a dashboard. The
    environments themselves are configured once, in config/metriccare.config.ts."""
    suffix = f"_{arguments.layer}_{arguments.env}"
    if not arguments.database.endswith(suffix) or arguments.database == suffix:
        raise JobArgumentError(
            f'{arguments.layer} job: `--{arguments.layer}_database` must be "<project>{suffix}" for env "{arguments.env}", got "{arguments.database}".'
        )
    namespace = arguments.metrics_namespace
    if not _NAMESPACE.match(namespace) or not namespace.endswith(f"/{arguments.env}") or namespace == f"/{arguments.env}":
        raise JobArgumentError(
            f'{arguments.layer} job: `--metrics_namespace` must be "<project>/{arguments.env}" for env "{arguments.env}" '
            f'(printable ASCII, at most 255 characters, not starting with ":" or "AWS/"), got "{namespace}".'
        )


def _check_bronze(raw: dict[str, str]) -> None:
    if not raw.get("JOB_RUN_ID"):
        raise JobArgumentError(
            "bronze job: --JOB_RUN_ID was not given; Glue passes it to every job run, and Bronze records it on the files it claims so that a retry can take them over."
        )
    prefix = raw["raw_prefix"]
    # `fhir` without the slash would also match `fhir-archive/`, which the IAM policy does not allow.
    if not prefix.endswith("/") or prefix.startswith("/"):
        raise JobArgumentError(f'bronze job: `--raw_prefix` must end with "/" and not start with one (e.g. "fhir/"), got "{prefix}".')
    ttl = raw["processed_files_ttl_days"]
    if not ttl.isdigit() or not 1 <= int(ttl) <= MAX_TTL_DAYS:
        raise JobArgumentError(
            f'bronze job: `--processed_files_ttl_days` must be a whole number of days from 1 to {MAX_TTL_DAYS}, got "{ttl}".'
        )


def _reference_date(layer: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise JobArgumentError(
            f'{layer} job: `--reference_date` must be a calendar date in the format YYYY-MM-DD (e.g. "2025-01-15"), got "{value}".'
        ) from None


def project_argument_names(layer: str) -> tuple[str, ...]:
    """Every `--name` the layer's job reads (without the dashes), required and optional."""
    return tuple(LAYER_ARGUMENTS[layer]) + OPTIONAL_ARGUMENTS + tuple(LAYER_OPTIONAL_ARGUMENTS[layer])


def read_arguments(layer: str, argv: Sequence[str]) -> dict[str, str]:
    """The layer's arguments as given; a `JobArgumentError` naming every required one that is missing."""
    parser = _JobArgumentParser(prog=f"{layer} job", allow_abbrev=False, add_help=False)
    for name in project_argument_names(layer):
        parser.add_argument(f"--{name}", dest=name, default=None)
    known, _ignored = parser.parse_known_args(list(argv[1:]))
    raw = {name: value for name, value in vars(known).items() if value is not None}
    missing = [f"--{name}" for name in LAYER_ARGUMENTS[layer] if name not in raw]
    if missing:
        raise JobArgumentError(
            f"{layer} job: missing the argument(s) {', '.join(missing)}; the stack sets them as the job's default arguments."
        )
    return raw


class _JobArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting (e.g. `--env` given without a value)."""

    def error(self, message: str):  # type: ignore[override]
        raise JobArgumentError(f"{self.prog}: {message}.")

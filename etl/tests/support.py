"""Shared test helpers: fixtures, tracked files and Bronze rows built the way the jobs build them."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from metriccare_etl.bronze.processed_files import PENDING, TrackedFile
from metriccare_etl.bronze.records import bronze_record, split_file

FIXTURES = Path(__file__).parent / "fixtures"
ATHENA_QUERIES = Path(__file__).parents[1] / "athena"
RAW_BUCKET, RAW_PREFIX, LAKEHOUSE_BUCKET = "metriccare-raw-dev", "fhir/", "metriccare-lakehouse-dev"
RUN_ID = "wr_0001"
INGESTED_AT = dt.datetime(2025, 1, 15, 6, 0, tzinfo=dt.UTC)
PROCESSED_AT = dt.datetime(2025, 1, 15, 7, 0, tzinfo=dt.UTC)


def named_query(name: str) -> str:
    """The statement of `etl/athena/<name>.sql` without its description line, as the stack saves it."""
    return ATHENA_QUERIES.joinpath(f"{name}.sql").read_text().split("\n", 1)[1].strip()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def tracked_file(
    key: str = "fhir/batch-1.json",
    *,
    version_id: str | None = "v1",
    etag: str | None = None,
    status: str = PENDING,
    run_id: str | None = None,
    bucket: str = RAW_BUCKET,
    received_at: str = "2025-01-15T05:00:00.000Z",
) -> TrackedFile:
    return TrackedFile(f"s3://{bucket}/{key}#{version_id or etag}", bucket, key, version_id, etag, status, run_id, received_at)


def bronze_row(resource: dict[str, Any]) -> dict[str, Any]:
    """The Bronze row the Bronze job would store for `resource`."""
    return bronze_record(resource, tracked_file(), INGESTED_AT, RUN_ID)


def bronze_rows_of_fixture(name: str) -> dict[str, list[dict[str, Any]]]:
    """Bronze rows per table of a fixture file, as the Bronze job would split it."""
    outcome = split_file(fixture_bytes(name), tracked_file(name), INGESTED_AT, RUN_ID)
    assert outcome.error is None, outcome.error
    return outcome.records


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)

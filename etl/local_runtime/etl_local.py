"""`npm run etl:local -- <folder> [--json] [--fresh] [--lake DIR]`: Bronze → Silver → Gold on the FHIR
files of a folder, locally (Spark 3.5.6 + Hudi 1.0.2 in local mode, moto for S3 and DynamoDB), then
the Gold tables on stdout.

The lake lives in a folder (default `.etl-local/lake` in the repository, `--lake` to choose): the
lakehouse bucket's objects, the processed-files items, the files already uploaded and the last Gold
tables. moto keeps nothing between processes, so each call loads the folder into a fresh moto and saves
it back; a second call on the same folder with more files uploads only the new ones and behaves like the
next workflow run, and a call with nothing new (and unchanged job code) prints the saved Gold tables
without starting Spark. `--fresh` starts over. Progress, one line per step with the time since the start,
and the closing summary (failed files and why) go to stderr, so `--json` output stays one JSON object per
Gold row (with its table in `table`). Exit status 1 when a file's latest version failed or was partial
(some of its entries quarantined), or a `--sql` statement failed; 2 when the runtime cannot start (Java 17
and Python 3.11 are checked first).

The jobs' Hive sync is on, with the options they use on Glue, against a Hive Metastore 3.1.3 whose Derby
database the lake folder keeps (`catalog/`); `--sql <named query | SELECT>` ends the call with that SQL run
by Trino 483 on the synced tables, its rows printed instead of the Gold tables (`lake_sql.py`; `npm run
etl:sql` runs SQL on the lake folder without a workflow run).
"""

import argparse
import contextlib
import datetime as dt
import decimal
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ETL = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ETL)]  # metriccare_etl and local_runtime, as pytest's pythonpath gives them

from local_runtime import lake_sql  # noqa: E402
from local_runtime.preflight import PreflightError, check_java, check_python  # noqa: E402
from local_runtime.progress import Progress  # noqa: E402
from local_runtime.synthesized_stack import PROJECT_ROOT  # noqa: E402

REGION = "us-east-1"
DEFAULT_LAKE = PROJECT_ROOT / ".etl-local" / "lake"
FHIR_SUFFIXES = (".json", ".ndjson")
# Under the raw prefix, where etl:local uploads a folder's files (`<raw_prefix>local/<path in the folder>`).
UPLOAD_FOLDER = "local/"
GOLD_TABLES = (
    "encounters_by_class_month",
    "average_length_of_stay",
    "readmission_rate_30d",
    "condition_prevalence",
    "patients_by_age_band_gender",
)
# What the Gold tables depend on besides the files: a change here runs the workflow even with nothing new.
CODE_FOLDERS = (ETL / "jobs", ETL / "metriccare_etl", ETL / "config")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run etl:local --", description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("folder", help="folder of FHIR R4 files (.json bundles or resources, .ndjson)")
    parser.add_argument("--json", action="store_true", help="one JSON object per Gold row, with its table in `table`")
    parser.add_argument("--fresh", action="store_true", help="delete the lake folder first")
    parser.add_argument("--lake", default=str(DEFAULT_LAKE), help=f"the lake folder (default {DEFAULT_LAKE})")
    parser.add_argument(
        "--sql",
        action="append",
        default=[],
        metavar="QUERY",
        help="end with this named query (etl/athena/<name>.sql) or SELECT run by Trino on the synced tables; repeatable",
    )
    options = parser.parse_args(argv)
    progress = Progress()
    base = working_folder()
    folder, lake_dir = (base / options.folder).resolve(), (base / options.lake).resolve()
    if not folder.is_dir():
        parser.error(f'folder "{options.folder}" is not a directory ({folder}).')
    files = sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix in FHIR_SUFFIXES)
    if not files:
        parser.error(f'folder "{options.folder}" holds no {" or ".join(FHIR_SUFFIXES)} file.')
    try:
        statements = [lake_sql.statement(text) for text in options.sql]
    except lake_sql.LakeSqlError as error:
        parser.error(str(error))
    try:
        check_python()
        java = check_java()
    except PreflightError as error:
        print(f"etl:local: {error}", file=sys.stderr, flush=True)
        return 2
    progress.line("start", f"Python {platform.python_version()}, {java}; lake {lake_dir}")
    if options.fresh and lake_dir.exists():
        shutil.rmtree(lake_dir)
    state = _load_state(lake_dir)
    new = [path for path in files if state["uploaded"].get(_relative(path, folder)) != file_digest(path)]
    code, today = code_version(), dt.datetime.now(dt.UTC).date().isoformat()
    saved = _load_results(lake_dir)
    why = reason_to_run(len(new), len(files), saved is not None, state, code, today)
    answers: list[lake_sql.Answer] = []
    try:
        if why is None:
            progress.line("lake", f"nothing new: the {len(files)} files of {folder} are in the lake since workflow run {state['runs']}")
            progress.line("lake", "Gold tables as that run left them (Spark not started)")
            rows, items = saved, _load_items(lake_dir)
            if statements:
                answers = lake_sql.query_lake(lake_dir, statements, progress)
        else:
            progress.line("lake", f"{why} in {folder}; workflow run {state['runs'] + 1}")
            state["run_date"] = today
            rows, items, answers = run(folder, new, lake_dir, state, code, progress, statements)
    except RuntimeError as error:  # a failed --sql statement (TrinoQueryError), a server that did not start
        print(f"etl:local: {error}", file=sys.stderr, flush=True)
        return 1
    # Everything else went to stderr, also what the JVM printed to its stdout: the tables alone on stdout.
    if statements:
        lake_sql.print_answers(answers, options.json, sys.stdout)
        rows = {}
    for table, table_rows in rows.items():
        if options.json:
            for row in table_rows:
                print(json.dumps({"table": table, **row}, default=_jsonable))
        else:
            print(f"\n{table} ({len(table_rows)} rows)")
            print(format_table(table_rows))
    sys.stdout.flush()
    failed = summarize(items, state, progress)
    return 1 if failed else 0


def reason_to_run(new: int, files: int, saved: bool, state: dict, code: str, today: str) -> str | None:
    """Why this call runs the workflow, or None when the lake already holds its answer."""
    if new > 0:
        return f"{new} new file(s) of {files}"
    if not saved:
        return f"no saved Gold tables for the {files} files"
    if state.get("code") != code:
        return f"nothing new, but the jobs, their package or the lakehouse config changed since workflow run {state['runs']}"
    if state.get("run_date") != today:
        return f"nothing new, but the dated measures' reference date is now {today}"
    return None


def working_folder() -> Path:
    """Where the user ran the npm script (npm runs scripts from the project root); relative paths start there."""
    return Path(os.environ.get("INIT_CWD", os.getcwd()))


@contextlib.contextmanager
def local_aws() -> Iterator[tuple[str, str]]:
    """A moto server (HTTPS, a per-run certificate) that boto3 in this process points at; `(endpoint, the
    PKCS12 trust store for JVMs)`. Stops it at the end."""
    sys.path.insert(0, str(PROJECT_ROOT / "toolchain" / "moto"))
    import moto_server

    tls = tempfile.mkdtemp(prefix="metriccare-etl-local-")
    server = moto_server.start_moto_server(tls)
    try:
        os.environ.update(
            AWS_ENDPOINT_URL=server.endpoint,
            AWS_CA_BUNDLE=server.ca_file,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_SESSION_TOKEN="testing",
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
        )
        yield server.endpoint, moto_server.java_truststore(server.ca_file, os.path.join(tls, "truststore.p12"))
    finally:
        server.stop()
        shutil.rmtree(tls, ignore_errors=True)


def run(
    folder: Path, new: list[Path], lake_dir: Path, state: dict, code: str, progress: Progress, statements: list["lake_sql.Statement"]
) -> tuple[dict[str, list[dict]], list, list["lake_sql.Answer"]]:
    """Starts moto, the lake's Hive Metastore (and Trino for `statements`) and Spark, restores the lake, uploads
    the new files, runs the workflow once with Hive sync on, saves the lake; the Gold rows by table, the
    processed-files items and the statements' answers."""
    from local_runtime.query_engine import create_databases, start_query_engine, use_metastore
    from local_runtime.spark_session import LocalS3, local_spark_session
    from local_runtime.synthesized_stack import synthesize
    from local_runtime.workflow import provision, run_workflow, upload

    # The JVM's own stdout (Hudi's warnings) would mix with the Gold tables: it points at stderr until the run ends.
    sys.stdout.flush()
    stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        with local_aws() as (endpoint, truststore), tempfile.TemporaryDirectory(prefix="metriccare-etl-local-") as work:
            progress.line("moto", f"started on {endpoint}")
            # Started first: they come up while the stack is synthesized and Spark starts.
            catalog_dir = lake_dir / lake_sql.CATALOG_FOLDER
            engine = start_query_engine(Path(work), endpoint, truststore, trino=bool(statements), metastore_dir=catalog_dir)
            spark = None
            try:
                terraform = synthesize()
                lake = provision(terraform, "dev")
                progress.line("stack", "synthesized into a temporary folder (cdktf.out/ untouched); dev's buckets, key and table created")
                progress.line("lake", f"restored {restore(lake, lake_dir)} objects and items from {lake_dir}")
                for path in new:
                    relative = _relative(path, folder)
                    upload(lake, f"{UPLOAD_FOLDER}{relative}", path.read_bytes())
                    state["uploaded"][relative] = file_digest(path)
                progress.line("upload", f"{len(new)} file(s) uploaded and recorded as PENDING")
                spark = local_spark_session("metriccare-etl-local", s3=LocalS3(endpoint, REGION, truststore=truststore))
                progress.line("spark", "local Spark started")
                metastore = engine.metastore_ready()
                databases = create_databases(metastore, terraform, "dev")  # as Terraform creates them in the Data Catalog
                use_metastore(spark, metastore.uri)
                ready = f"ready after {metastore.ready_after_seconds:.1f} s"
                progress.line("catalog", f"Hive Metastore on {metastore.uri} ({ready}), databases {', '.join(databases)}")
                lake.runs = state["runs"]
                run_workflow(lake, progress=progress)
                state.update(runs=lake.runs, code=code, raw_prefix=lake.raw_prefix)
                rows = {table: _gold_rows(spark, f"s3://{lake.lakehouse_bucket}/gold/{table}/") for table in GOLD_TABLES}
                items = _save(lake, lake_dir, state, rows)
                progress.line("lake", f"Gold read, lake saved to {lake_dir} (its catalog in {catalog_dir.name}/)")
                answers = []
                if statements:
                    trino = engine.trino_ready()
                    progress.line("trino", f"Trino ready after {trino.ready_after_seconds:.1f} s on {trino.endpoint}")
                    answers = lake_sql.run_statements(trino.client(), statements)
                    progress.line("sql", f"{len(answers)} statement(s) answered")
                return rows, items, answers
            finally:
                if spark is not None:
                    spark.stop()
                engine.stop()
    finally:
        sys.stdout.flush()
        os.dup2(stdout, 1)
        os.close(stdout)


def summarize(items: list, state: dict, progress: Progress) -> bool:
    """Prints how the latest version of every file ended, each failed or partial file with its reason;
    whether any failed or was partial."""
    latest: dict[str, dict] = {}
    for item in items:
        key = item["object_key"]["S"]
        if key not in latest or item["received_at"]["S"] > latest[key]["received_at"]["S"]:
            latest[key] = item
    by_status: dict[str, int] = {}
    for item in latest.values():
        by_status[item["status"]["S"]] = by_status.get(item["status"]["S"], 0) + 1
    counts = ", ".join(f"{count} {status}" for status, count in sorted(by_status.items())) or "no files"
    progress.line("summary", f"workflow run {state['runs']}: {len(latest)} files, {counts}")
    prefix = f"{state.get('raw_prefix', '')}{UPLOAD_FOLDER}"
    failed = sorted(
        (item["status"]["S"], key.removeprefix(prefix), item.get("error", {}).get("S", "(no reason recorded)"))
        for key, item in latest.items()
        if item["status"]["S"] in ("FAILED", "PARTIAL")
    )
    for status, name, reason in failed:
        progress.line("summary", f"{status} {name}: {reason}")
    if failed:
        progress.line("summary", "fix the file and run again (a changed file is uploaded as a new version); exit status 1")
    return bool(failed)


def _gold_rows(spark, uri: str) -> list[dict]:
    from metriccare_etl.spark_tables import table_exists

    if not table_exists(spark, uri):
        return []
    frame = spark.read.format("hudi").load(uri)
    columns = [name for name in frame.columns if not name.startswith("_hoodie_")]
    rows = [row.asDict() for row in frame.select(*columns).collect()]
    return sorted(rows, key=lambda row: json.dumps(row, default=_jsonable))


def format_table(rows: list[dict]) -> str:
    if not rows:
        return "  (no rows)"
    columns = list(rows[0])
    cells = [[_cell(row[column]) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[index]) for line in cells)) for index, column in enumerate(columns)]
    lines = ["  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def _cell(value) -> str:
    return _jsonable(value) if isinstance(value, dt.date | decimal.Decimal) else str(value)


def _jsonable(value) -> str:
    """Dates as ISO 8601, decimals as their digits: the same in --json output, the saved tables and the text table."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_version() -> str:
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(ETL)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_state(lake_dir: Path) -> dict:
    state_file = lake_dir / "state.json"
    return json.loads(state_file.read_text()) if state_file.exists() else {"runs": 0, "uploaded": {}}


def _load_items(lake_dir: Path) -> list:
    items = lake_dir / "processed_files.json"
    return json.loads(items.read_text()) if items.exists() else []


def _load_results(lake_dir: Path) -> dict[str, list[dict]] | None:
    saved = lake_dir / "gold.json"
    return json.loads(saved.read_text()) if saved.exists() else None


def restore(lake, lake_dir: Path) -> int:
    """Loads the saved lakehouse objects and processed-files items into moto; how many."""
    import boto3

    objects = lake_dir / "lakehouse"
    s3 = boto3.client("s3")
    count = 0
    for path in sorted(objects.rglob("*")) if objects.exists() else []:
        if path.is_file():
            s3.put_object(Bucket=lake.lakehouse_bucket, Key=str(path.relative_to(objects)), Body=path.read_bytes())
            count += 1
    dynamodb = boto3.client("dynamodb")
    for item in _load_items(lake_dir):
        dynamodb.put_item(TableName=lake.processed_files_table, Item=item)
        count += 1
    return count


def _save(lake, lake_dir: Path, state: dict, rows: dict[str, list[dict]]) -> list:
    """Writes the lakehouse objects, the processed-files items, the state and the Gold rows to the lake folder; the items."""
    import boto3

    lake_dir.mkdir(parents=True, exist_ok=True)
    objects = lake_dir / "lakehouse"
    if objects.exists():
        shutil.rmtree(objects)
    s3 = boto3.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=lake.lakehouse_bucket):
        for item in page.get("Contents", []):
            if item["Key"].endswith("/"):
                continue  # an S3A directory marker: S3A makes it again, and as a file it would block the directory
            target = objects / item["Key"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(s3.get_object(Bucket=lake.lakehouse_bucket, Key=item["Key"])["Body"].read())
    items = boto3.client("dynamodb").scan(TableName=lake.processed_files_table)["Items"]
    (lake_dir / "processed_files.json").write_text(json.dumps(items, indent=1))
    (lake_dir / "gold.json").write_text(json.dumps(rows, indent=1, default=_jsonable))
    (lake_dir / "state.json").write_text(json.dumps(state, indent=1))
    return items


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

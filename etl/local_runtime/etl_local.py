"""`npm run etl:local -- <folder> [--json] [--fresh] [--lake DIR]`: Bronze → Silver → Gold on the FHIR
files of a folder, locally (Spark 3.5.6 + Hudi 1.0.2 in local mode, moto for S3 and DynamoDB), then
the Gold tables on stdout.

The lake lives in a folder (default `.etl-local/lake` in the repository, `--lake` to choose): the
lakehouse bucket's objects, the processed-files items and the files already uploaded. moto keeps
nothing between processes, so each call loads the folder into a fresh moto and saves it back; a
second call on the same folder with more files uploads only the new ones and behaves like the next
workflow run. `--fresh` starts over. Job output goes to stderr, so `--json` output stays one JSON
object per Gold row (with its table in `table`).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ETL = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ETL)]  # metriccare_etl and local_runtime, as pytest's pythonpath gives them

from local_runtime.synthesized_stack import PROJECT_ROOT, synthesize  # noqa: E402
from local_runtime.workflow import provision, run_workflow, upload  # noqa: E402

REGION = "us-east-1"
DEFAULT_LAKE = PROJECT_ROOT / ".etl-local" / "lake"
FHIR_SUFFIXES = (".json", ".ndjson")
GOLD_TABLES = (
    "encounters_by_class_month",
    "average_length_of_stay",
    "readmission_rate_30d",
    "condition_prevalence",
    "patients_by_age_band_gender",
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run etl:local --", description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("folder", help="folder of FHIR R4 files (.json bundles or resources, .ndjson)")
    parser.add_argument("--json", action="store_true", help="one JSON object per Gold row, with its table in `table`")
    parser.add_argument("--fresh", action="store_true", help="delete the lake folder first")
    parser.add_argument("--lake", default=str(DEFAULT_LAKE), help=f"the lake folder (default {DEFAULT_LAKE})")
    options = parser.parse_args(argv)
    base = Path(os.environ.get("INIT_CWD", os.getcwd()))  # npm runs scripts from the project root
    folder, lake_dir = (base / options.folder).resolve(), (base / options.lake).resolve()
    if not folder.is_dir():
        parser.error(f'folder "{options.folder}" is not a directory ({folder}).')
    files = sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix in FHIR_SUFFIXES)
    if not files:
        parser.error(f'folder "{options.folder}" holds no {" or ".join(FHIR_SUFFIXES)} file.')
    if options.fresh and lake_dir.exists():
        shutil.rmtree(lake_dir)
    log(f"lake: {lake_dir}")
    # Everything but the Gold tables goes to stderr, also what the JVM prints to its stdout (Hudi's
    # object-size estimator warns there): fd 1 points at stderr until the tables are written.
    sys.stdout.flush()
    stdout = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    rows = run(folder, files, lake_dir)
    for table, table_rows in rows.items():
        if options.json:
            for row in table_rows:
                print(json.dumps({"table": table, **row}, default=str), file=stdout)
        else:
            print(f"\n{table} ({len(table_rows)} rows)", file=stdout)
            print(format_table(table_rows), file=stdout)
    stdout.flush()
    return 0


def run(folder: Path, files: list[Path], lake_dir: Path) -> dict[str, list[dict]]:
    """Starts moto and Spark, restores the lake, uploads the new files, runs the workflow once,
    saves the lake and returns the Gold rows by table."""
    sys.path.insert(0, str(PROJECT_ROOT / "toolchain" / "moto"))
    import moto_server

    from local_runtime.spark_session import LocalS3, local_spark_session

    tls = tempfile.mkdtemp(prefix="metriccare-etl-local-")
    server = moto_server.start_moto_server(tls)
    os.environ.update(
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_CA_BUNDLE=server.ca_file,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
    )
    spark = None
    try:
        truststore = moto_server.java_truststore(server.ca_file, os.path.join(tls, "truststore.p12"))
        lake = provision(synthesize(), "dev")
        state = _restore(lake, lake_dir)
        new = [path for path in files if state["uploaded"].get(str(path.relative_to(folder))) != _digest(path)]
        for path in new:
            relative = str(path.relative_to(folder))
            upload(lake, f"local/{relative}", path.read_bytes())
            state["uploaded"][relative] = _digest(path)
        log(f"{len(new)} new file(s) of {len(files)} in {folder}; workflow run {state['runs'] + 1}")
        spark = local_spark_session("metriccare-etl-local", s3=LocalS3(server.endpoint, REGION, truststore=truststore))
        lake.runs = state["runs"]
        for layer, output in run_workflow(lake).items():
            log(f"--- {layer}\n{output.rstrip()}")
        state["runs"] = lake.runs
        rows = {table: _gold_rows(spark, f"s3://{lake.lakehouse_bucket}/gold/{table}/") for table in GOLD_TABLES}
        _save(lake, lake_dir, state)
        return rows
    finally:
        if spark is not None:
            spark.stop()
        server.stop()
        shutil.rmtree(tls, ignore_errors=True)


def _gold_rows(spark, uri: str) -> list[dict]:
    from metriccare_etl.spark_tables import table_exists

    if not table_exists(spark, uri):
        return []
    frame = spark.read.format("hudi").load(uri)
    columns = [name for name in frame.columns if not name.startswith("_hoodie_")]
    rows = [row.asDict() for row in frame.select(*columns).collect()]
    return sorted(rows, key=lambda row: json.dumps(row, default=str))


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
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _restore(lake, lake_dir: Path) -> dict:
    """Loads the saved lakehouse objects and processed-files items into moto; the saved state."""
    import boto3

    state_file = lake_dir / "state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {"runs": 0, "uploaded": {}}
    objects = lake_dir / "lakehouse"
    s3 = boto3.client("s3")
    for path in sorted(objects.rglob("*")) if objects.exists() else []:
        if path.is_file():
            s3.put_object(Bucket=lake.lakehouse_bucket, Key=str(path.relative_to(objects)), Body=path.read_bytes())
    items = lake_dir / "processed_files.json"
    dynamodb = boto3.client("dynamodb")
    for item in json.loads(items.read_text()) if items.exists() else []:
        dynamodb.put_item(TableName=lake.processed_files_table, Item=item)
    return state


def _save(lake, lake_dir: Path, state: dict) -> None:
    import boto3

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
    (lake_dir / "state.json").write_text(json.dumps(state, indent=1))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

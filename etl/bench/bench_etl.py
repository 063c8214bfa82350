"""`npm run bench:etl`: Bronze → Silver → Gold on local Spark (`local[2]`, default memory) over a synthetic
FHIR cohort, against a floor measured in the same session: a bare `spark.read.json` of the same raw files
written as Parquet. Then an incremental run that adds 1 % new files.

Usage: bench_etl.py [N ...]   (default 1000 10000). Bronze here is the Bronze job's own split and Hudi
upsert (`bronze.records.split_file`, `bronze.records.latest_records`, `spark_tables.write_rows`) over local files; the
processed-files claims in DynamoDB and the S3 GETs are left out. Tables live on the local file system.
"""

import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

ETL = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ETL), str(ETL / "bench")]
# Spark's Python workers import the package too; they inherit the environment of the JVM started below.
os.environ["PYTHONPATH"] = os.pathsep.join([str(ETL), *filter(None, [os.environ.get("PYTHONPATH")])])

from local_runtime.spark_session import local_spark_session  # noqa: E402
from metriccare_etl.bronze.processed_files import PROCESSED, TrackedFile  # noqa: E402
from metriccare_etl.bronze.records import latest_records, split_file  # noqa: E402
from metriccare_etl.config import parse_config  # noqa: E402
from metriccare_etl.gold.measures import MEASURES  # noqa: E402
from metriccare_etl.gold.run import run_gold  # noqa: E402
from metriccare_etl.silver.run import run_silver  # noqa: E402
from metriccare_etl.spark_tables import (  # noqa: E402
    latest_commit_time,
    read_frame,
    read_incremental,
    table_uri,
    write_frame,
    write_rows,
)
from pyspark import StorageLevel  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from synthetic_cohort import write_cohort  # noqa: E402

CONFIG = parse_config((ETL / "config" / "lakehouse.json").read_text())
RUN_AT = dt.datetime(2025, 1, 15, 7, tzinfo=dt.UTC)
REFERENCE_DATE = dt.date(2025, 1, 15)
WORK = Path("/tmp/metriccare-bench")
MB = 1024 * 1024
SUMMARY = ("bronze_vs_floor", "silver_vs_floor", "incremental_share")


def size_of(paths) -> int:
    return sum(path.stat().st_size for path in paths)


def parquet_bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*.parquet") if ".hoodie" not in path.parts)


def report(n: int, run: str, job: str, input_bytes: int, rows: int, wall: float) -> dict:
    line = {"n": n, "run": run, "job": job, "input_mb": input_bytes / MB, "rows": rows, "wall_s": wall}
    print(
        f"N={n} run={run:<11} job={job:<6} input_mb={line['input_mb']:8.2f} rows={rows:>9} wall_s={wall:7.1f} "
        f"mb_s={line['input_mb'] / wall if wall else 0:6.2f}",
        flush=True,
    )
    return line


def floor(spark, files: list[Path], target: Path) -> float:
    """A bare read of the raw JSON (schema inferred) written as Parquet: the least any ingestion costs."""
    started = time.monotonic()
    bundles = [f"file://{path}" for path in files if path.suffix == ".json"]
    ndjson = [f"file://{path}" for path in files if path.suffix == ".ndjson"]
    if bundles:
        spark.read.option("multiLine", "true").json(bundles).write.mode("overwrite").parquet(f"file://{target}/bundles")
    if ndjson:
        spark.read.json(ndjson).write.mode("overwrite").parquet(f"file://{target}/ndjson")
    return time.monotonic() - started


def bronze(spark, files: list[Path], lake: str, run_id: str) -> tuple[int, float]:
    started = time.monotonic()
    tracked = [
        TrackedFile(
            f"s3://bench-raw/{path.name}#v1", "bench-raw", f"fhir/{path.name}", "v1", None, PROCESSED, run_id, "2025-01-15T06:00:00.000Z"
        )
        for path in files
    ]
    by_key = {f"file:{path}": entry for path, entry in zip(files, tracked, strict=True)}
    contents = spark.sparkContext.binaryFiles(",".join(f"file://{path}" for path in files), minPartitions=4)
    outcomes = contents.map(lambda item: split_file(item[1], by_key[item[0]], RUN_AT, run_id)).persist(StorageLevel.MEMORY_AND_DISK)
    rows = 0
    for name, table in CONFIG.bronze_tables.items():
        records = latest_records(outcomes, name).cache()
        rows += records.count()
        write_rows(spark, records, table, "bench_bronze", lake, sync_catalog=False)
        records.unpersist()
    failed = outcomes.filter(lambda outcome: outcome.error is not None).count()
    outcomes.unpersist()
    if failed:
        raise RuntimeError(f"{failed} benchmark files failed in Bronze")
    return rows, time.monotonic() - started


def layer(spark, lake_dir: Path, n: int, run: str, files: list[Path], run_id: str) -> list[dict]:
    lake = f"file://{lake_dir}"
    lines = []
    rows, wall = bronze(spark, files, lake, run_id)
    lines.append(report(n, run, "bronze", size_of(files), rows, wall))
    before = {name: latest_commit_time(spark, table_uri(table, lake)) for name, table in CONFIG.silver_tables.items()}
    started = time.monotonic()
    results = run_silver(spark, CONFIG, lake, "bench_silver", RUN_AT, sync_catalog=False)
    wall = time.monotonic() - started
    lines.append(report(n, run, "silver", sum(r.bronze_json_bytes for r in results), sum(r.bronze_rows for r in results), wall))
    if run != "full":
        lines.append(reach(spark, n, run, lake, before))
    silver_rows = sum(read_frame(spark, table, lake).count() for table in CONFIG.silver_tables.values())
    silver_bytes = parquet_bytes(lake_dir / "silver")
    started = time.monotonic()
    run_gold(spark, CONFIG, lake, "bench_gold", RUN_AT, REFERENCE_DATE, sync_catalog=False)
    lines.append(report(n, run, "gold", silver_bytes, silver_rows, time.monotonic() - started))
    lines.append(gold_write_floor(spark, n, run, lake))
    return lines


def reach(spark, n: int, run: str, lake: str, before: dict[str, str | None]) -> dict:
    """How far the rows Silver just committed reach into what Gold groups by: their encounter months,
    condition onset months and patients, against all of Silver's. A Gold recompute per affected month or
    patient would read the reached share of Silver, after finding it: `find_s` times that step alone
    (the committed rows read back and their months and patients counted)."""
    tables = CONFIG.silver_tables
    names = ("encounter", "condition", "patient")
    every = {name: read_frame(spark, tables[name], lake) for name in names}
    started = time.monotonic()
    latest = {name: latest_commit_time(spark, table_uri(tables[name], lake)) for name in names}
    new = {
        name: every[name].limit(0)
        if latest[name] == before[name]
        else read_incremental(spark, tables[name], lake, before[name], latest[name])
        for name in names
    }
    patients = new["encounter"].select("patient_id").union(new["condition"].select("patient_id")).union(new["patient"].select(F.col("id")))
    reached = {
        "encounter_months": new["encounter"].select("period_start_month").distinct().count(),
        "onset_months": new["condition"].select("onset_month").distinct().count(),
        "patients": patients.distinct().count(),
    }
    find = time.monotonic() - started
    total = {
        "encounter_months": every["encounter"].select("period_start_month").distinct().count(),
        "onset_months": every["condition"].select("onset_month").distinct().count(),
        "patients": every["patient"].count(),
    }
    print(
        f"N={n} run={run:<11} reach " + " ".join(f"{key}={reached[key]}/{total[key]}" for key in reached) + f" find_s={find:.1f}",
        flush=True,
    )
    return {"n": n, "run": run, "job": "reach", "find_s": find, **{key: {"reached": reached[key], "of": total[key]} for key in reached}}


def gold_write_floor(spark, n: int, run: str, lake: str) -> dict:
    """Writing the Gold tables' current rows again, computed nothing: the Hudi commits any Gold run
    makes, however few rows it recomputes. Gold's wall minus this is what recomputing from Silver costs,
    the most a per-patient or per-month recompute could save."""
    tables = [CONFIG.gold_tables[measure.table] for measure in MEASURES]
    frames = [read_frame(spark, table, lake).cache() for table in tables]
    rows = sum(frame.count() for frame in frames)
    started = time.monotonic()
    for frame, table in zip(frames, tables, strict=True):
        write_frame(frame, table, "bench_gold", lake, sync_catalog=False)
    wall = time.monotonic() - started
    for frame in frames:
        frame.unpersist()
    return report(n, run, "gold_writes", 0, rows, wall)


def bench(spark, n: int) -> dict:
    root = WORK / f"n{n}"
    shutil.rmtree(root, ignore_errors=True)
    raw = write_cohort(root / "raw", n, seed=n)
    floor_wall = floor(spark, raw, root / "floor")
    floor_rows = spark.read.parquet(f"file://{root / 'floor'}/*").count()  # documents read: a Bundle or an NDJSON line each
    lines = [report(n, "full", "floor", size_of(raw), floor_rows, floor_wall)]
    lines += layer(spark, root / "lake", n, "full", raw, "bench_full")
    added = write_cohort(root / "raw-increment", max(1, round(len(raw) / 100)), seed=n + 1, first_index=10 * n)
    bundles = [path for path in added if path.suffix == ".json"] or added
    lines += layer(spark, root / "lake", n, "incremental", bundles, "bench_increment")
    wall = {(line["run"], line["job"]): line["wall_s"] for line in lines if "wall_s" in line}
    full = sum(wall[("full", job)] for job in ("bronze", "silver", "gold"))
    increment = sum(wall[("incremental", job)] for job in ("bronze", "silver", "gold"))
    summary = {
        "n": n,
        "files": len(raw),
        "added_files": len(bundles),
        "bronze_vs_floor": wall[("full", "bronze")] / floor_wall,
        "silver_vs_floor": wall[("full", "silver")] / floor_wall,
        "incremental_share": increment / full,
        # Of the incremental Gold run, the share its Hudi commits alone take (`gold_write_floor`).
        "gold_commit_share": wall[("incremental", "gold_writes")] / wall[("incremental", "gold")],
        "lines": lines,
    }
    print(
        f"N={n} files={len(raw)} added={len(bundles)} " + " ".join(f"{k}={summary[k]:.2f}" for k in SUMMARY + ("gold_commit_share",)),
        flush=True,
    )
    return summary


def main(argv: list[str]) -> None:
    sizes = [int(value) for value in argv] or [1000, 10000]
    spark = local_spark_session("metriccare-bench")
    try:
        summaries = [bench(spark, n) for n in sizes]
    finally:
        spark.stop()
    (WORK / "results.json").write_text(json.dumps(summaries, indent=2))
    last = summaries[-1]
    print(" ".join(f"{key}={last[key]:.2f}" for key in SUMMARY))


if __name__ == "__main__":
    main(sys.argv[1:])

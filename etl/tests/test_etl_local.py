"""`npm run etl:local`: the version checks that run before anything starts, the progress lines, and a run
with nothing new, which answers from the lake folder without moto or Spark; `npm run etl:sql`'s statements
and output. The full run (moto, Spark, the three jobs, the Hive sync) is the end-to-end test's workflow
(e2e_workflow.py), and the SQL on Trino over what it synced is in test_trino_queries.py."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from local_runtime.etl_local import code_version, file_digest, format_table, reason_to_run
from local_runtime.lake_sql import Answer, LakeSqlError, print_answers, statement
from local_runtime.preflight import JAVA_MAJOR, PreflightError, check_java, check_python, java_command, java_major
from local_runtime.progress import Progress, describe_job_line

ETL_LOCAL = Path(__file__).resolve().parents[1] / "local_runtime" / "etl_local.py"
LAKE_SQL = ETL_LOCAL.with_name("lake_sql.py")
ATHENA = Path(__file__).resolve().parents[1] / "athena"


def run_etl_local(*args: str, env: dict[str, str] | None = None, script: Path = ETL_LOCAL) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120
    )
    return result, time.monotonic() - started


def other_jdk() -> str | None:
    """An installed JDK that is not Java 17 (the standard install folder), or None."""
    folder = Path("/usr/lib/jvm")
    for home in sorted(folder.iterdir()) if folder.is_dir() else []:
        java = home / "bin" / "java"
        if java.is_file() and not home.is_symlink():
            output = subprocess.run([str(java), "-version"], capture_output=True, text=True).stderr
            if java_major(output) not in (JAVA_MAJOR, None):
                return str(home)
    return None


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17),
        ('openjdk version "25" 2025-09-16\nOpenJDK Runtime Environment Temurin-25+36 (build 25+36-LTS)', 25),
        ('openjdk version "21.0.5" 2024-10-15 LTS', 21),
        ('java version "1.8.0_392"\nJava(TM) SE Runtime Environment (build 1.8.0_392-b08)', 8),
        ("Error: could not find libjava.so", None),
    ],
)
def test_java_major_reads_the_version_java_prints(output, major):
    assert java_major(output) == major


def test_java_check_names_java_home_without_a_java_and_the_fix(tmp_path):
    # Act
    with pytest.raises(PreflightError) as raised:
        check_java({"JAVA_HOME": str(tmp_path), "PATH": os.environ["PATH"]})

    # Assess
    message = str(raised.value)
    assert message.startswith(f"The local runtime needs Java 17 (the Java of Glue 5.1), but JAVA_HOME={tmp_path} has no bin/java. ")
    assert "JAVA_HOME" in message.split("bin/java. ")[1]


def test_java_check_accepts_the_java_17_spark_would_start():
    # Prepare
    java, _ = java_command()

    # Act
    line = check_java()

    # Assess
    assert java is not None
    assert java_major(line) == 17


def test_python_check_names_the_version_found_and_the_fix():
    # Act
    with pytest.raises(PreflightError) as raised:
        check_python((3, 12, 1, "final", 0))
    check_python((3, 11, 7, "final", 0))

    # Assess
    assert str(raised.value).startswith("The local runtime needs Python 3.11 (the Python of Glue 5.1), but this is Python 3.12.1. ")
    assert "METRICCARE_PYTHON" in str(raised.value)


def test_progress_prints_one_line_per_step_with_the_time_since_the_start():
    # Prepare
    stream, ticks = io.StringIO(), iter([100.0, 100.0, 112.34, 141.2, 141.2])
    progress = Progress(stream, clock=lambda: next(ticks))

    # Act
    progress.line("moto", "started")
    bronze = progress.job_output("bronze")
    bronze.write('{"files_claimed": 3, "files_processed": 2, "files_failed": 1, "records_by_table": {"encounter": 4, "patient": 2}}\npart')
    bronze.write("ial line\n")
    bronze.flush()

    # Assess
    assert stream.getvalue().splitlines() == [
        "[    0.0 s] moto     started",
        "[   12.3 s] bronze   3 files claimed: 2 processed, 1 failed; records encounter 4, patient 2",
        "[   41.2 s] bronze   partial line",
    ]


@pytest.mark.parametrize(
    ("printed", "described"),
    [
        (
            "silver patient: {'table': 'patient', 'bronze_rows': 3, 'bronze_json_bytes': 598, 'silver_rows': 2, 'quarantined_rows': 1, "
            "'skipped': False, 'accepted_rows': 2, 'quarantine_reasons': {'invalid_gender': 1}}",
            "patient: 3 Bronze rows read, 2 written, 1 quarantined (invalid_gender 1)",
        ),
        (
            "silver encounter: {'table': 'encounter', 'bronze_rows': 0, 'bronze_json_bytes': 0, 'silver_rows': 0, 'quarantined_rows': 0, "
            "'skipped': True, 'accepted_rows': 0, 'quarantine_reasons': {}}",
            "encounter: nothing new in Bronze, skipped",
        ),
        (
            '{"files_claimed": 11, "files_processed": 7, "files_partial": 2, "files_failed": 2, "records_by_table": {"patient": 3}, '
            '"entries_quarantined_by_reason": {"invalid_id": 1, "unknown_resource_type": 1}}',
            "11 files claimed: 7 processed, 2 partial, 2 failed; records patient 3; entries quarantined: invalid_id 1, unknown_resource_type 1",
        ),
        ("gold: every measure is current", "gold: every measure is current"),
        ('{"table": "x"}', '{"table": "x"}'),
    ],
)
def test_job_lines_become_progress_messages(printed, described):
    assert describe_job_line(printed) == described


def lake_with_nothing_new(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A folder of three files and a lake folder as a run that took them left it (state, items, Gold)."""
    files = tmp_path / "files"
    (files / "sub").mkdir(parents=True)
    (files / "a.json").write_text('{"resourceType": "Patient", "id": "p1"}')
    (files / "sub" / "b.ndjson").write_text('{"resourceType": "Patient", "id": "p2"}\nnot json\n')
    (files / "c.json").write_text('{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "id": "p_3"}}]}')
    lake = tmp_path / "lake"
    lake.mkdir()
    state = {
        "runs": 2,
        "uploaded": {name: file_digest(files / name) for name in ("a.json", "sub/b.ndjson", "c.json")},
        "code": code_version(),
        "raw_prefix": "fhir/",
        "run_date": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    item = lambda key, status, received, **more: {  # noqa: E731
        "object_key": {"S": f"fhir/local/{key}"},
        "status": {"S": status},
        "received_at": {"S": received},
        **{name: {"S": value} for name, value in more.items()},
    }
    items = [
        item("a.json", "FAILED", "2026-01-01T10:00:00.000Z", error="an earlier version of a.json"),
        item("a.json", "PROCESSED", "2026-01-02T10:00:00.000Z"),
        item("sub/b.ndjson", "FAILED", "2026-01-02T10:00:00.000Z", error="sub/b.ndjson line 2: not JSON"),
        item("c.json", "PARTIAL", "2026-01-02T10:00:00.000Z", error="entries quarantined: 1 (invalid_id 1); records written: 0"),
    ]
    gold = {"encounters_by_class_month": [{"month": "2024-01-01", "class": "AMB", "encounters": 3}], "condition_prevalence": []}
    (lake / "state.json").write_text(json.dumps(state))
    (lake / "processed_files.json").write_text(json.dumps(items))
    (lake / "gold.json").write_text(json.dumps(gold))
    return files, lake, gold


def test_a_run_with_nothing_new_answers_from_the_lake_without_spark_and_names_the_failed_and_partial_files(tmp_path):
    # Prepare
    files, lake, gold = lake_with_nothing_new(tmp_path)

    # Act
    result, seconds = run_etl_local(str(files), "--lake", str(lake))

    # Assess
    progress = [line.split("] ", 1)[1] for line in result.stderr.splitlines() if line.startswith("[")]
    assert result.returncode == 1, result.stderr
    assert progress[0].startswith("start    Python 3.11.")
    assert progress[1:] == [
        f"lake     nothing new: the 3 files of {files} are in the lake since workflow run 2",
        "lake     Gold tables as that run left them (Spark not started)",
        "summary  workflow run 2: 3 files, 1 FAILED, 1 PARTIAL, 1 PROCESSED",
        "summary  FAILED sub/b.ndjson: sub/b.ndjson line 2: not JSON",
        "summary  PARTIAL c.json: entries quarantined: 1 (invalid_id 1); records written: 0",
        "summary  fix the file and run again (a changed file is uploaded as a new version); exit status 1",
    ]
    assert result.stdout == (
        "\nencounters_by_class_month (1 rows)\n"
        + format_table(gold["encounters_by_class_month"])
        + "\n\ncondition_prevalence (0 rows)\n  (no rows)\n"
    )
    assert seconds < 30  # no moto, no synth, no Spark: Python and one `java -version`


def test_json_output_of_a_run_with_nothing_new_is_one_object_per_gold_row(tmp_path):
    # Prepare
    files, lake, _ = lake_with_nothing_new(tmp_path)

    # Act
    result, _ = run_etl_local(str(files), "--lake", str(lake), "--json")

    # Assess
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"table": "encounters_by_class_month", "month": "2024-01-01", "class": "AMB", "encounters": 3}
    ]


def test_etl_local_stops_before_moto_and_spark_when_java_home_has_no_java(tmp_path):
    # Prepare
    files, lake, _ = lake_with_nothing_new(tmp_path)

    # Act
    result, seconds = run_etl_local(str(files), "--lake", str(lake / "other"), env={"JAVA_HOME": str(tmp_path)})

    # Assess
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"etl:local: The local runtime needs Java 17 (the Java of Glue 5.1), but JAVA_HOME={tmp_path} has no bin/java."
    )
    assert "moto" not in result.stderr and "Spark" not in result.stderr
    assert result.stdout == ""
    assert not (lake / "other").exists()
    assert seconds < 30


@pytest.mark.skipif(other_jdk() is None, reason="no JDK other than 17 is installed in /usr/lib/jvm")
def test_etl_local_names_java_17_and_an_installed_one_when_java_home_is_another_version(tmp_path):
    # Prepare
    files, lake, _ = lake_with_nothing_new(tmp_path)
    home = other_jdk()

    # Act
    result, _ = run_etl_local(str(files), "--lake", str(lake), env={"JAVA_HOME": home})

    # Assess
    assert result.returncode == 2
    assert result.stderr.startswith("etl:local: The local runtime needs Java 17 (the Java of Glue 5.1")
    assert f"), but JAVA_HOME={home} is Java " in result.stderr
    assert "Point JAVA_HOME at a Java 17 JDK, e.g. `export JAVA_HOME=" in result.stderr


@pytest.mark.parametrize(
    ("new", "saved", "state", "why"),
    [
        (0, True, {"runs": 2, "code": "c", "run_date": "2026-01-02"}, None),
        (2, True, {"runs": 2, "code": "c", "run_date": "2026-01-02"}, "2 new file(s) of 3"),
        (0, False, {"runs": 0}, "no saved Gold tables for the 3 files"),
        (
            0,
            True,
            {"runs": 2, "code": "old", "run_date": "2026-01-02"},
            "nothing new, but the jobs, their package or the lakehouse config changed since workflow run 2",
        ),
        (
            0,
            True,
            {"runs": 2, "code": "c", "run_date": "2026-01-01"},
            "nothing new, but the dated measures' reference date is now 2026-01-02",
        ),
    ],
)
def test_the_workflow_runs_only_when_the_lake_cannot_answer(new, saved, state, why):
    assert reason_to_run(new, 3, saved, state, "c", "2026-01-02") == why


def test_a_named_query_is_its_files_statement_and_anything_else_runs_as_written():
    # Prepare
    saved = (ATHENA / "condition_prevalence.sql").read_text().split("\n", 1)[1].strip()

    # Act
    named = statement("condition_prevalence")
    written = statement("SELECT id\n  FROM metriccare_silver_dev.patient;")

    # Assess: the label is the name, or the statement on one line; a trailing semicolon is dropped (Trino refuses it)
    assert (named.label, named.sql) == ("condition_prevalence", saved)
    assert (written.label, written.sql) == (
        "SELECT id FROM metriccare_silver_dev.patient;",
        "SELECT id\n  FROM metriccare_silver_dev.patient",
    )


def test_a_bare_word_that_names_no_query_is_refused_with_the_names():
    # Act
    with pytest.raises(LakeSqlError) as raised:
        statement("readmission_rate")

    # Assess
    assert str(raised.value) == (
        '"readmission_rate" is no named query (etl/athena/*.sql: average_length_of_stay, condition_prevalence, '
        "encounters_by_class_month, patients_by_age_band_gender, readmission_rate_30d); pass one of them or a SELECT."
    )


def test_answers_print_as_text_tables_or_one_json_object_per_row_labelled_when_several():
    # Prepare
    first = Answer("condition_prevalence", ["condition_code", "patients"], [["44054006", 2], ["38341003", 1]])
    second = Answer("SELECT 1 AS one", ["one"], [[1]])
    text, one, several = io.StringIO(), io.StringIO(), io.StringIO()

    # Act
    print_answers([first], False, text)
    print_answers([first], True, one)
    print_answers([first, second], True, several)

    # Assess
    assert (
        text.getvalue() == "\ncondition_prevalence (2 rows)\ncondition_code  patients\n44054006        2       \n38341003        1       \n"
    )
    assert [json.loads(line) for line in one.getvalue().splitlines()] == [
        {"condition_code": "44054006", "patients": 2},
        {"condition_code": "38341003", "patients": 1},
    ]
    assert [json.loads(line) for line in several.getvalue().splitlines()] == [
        {"query": "condition_prevalence", "condition_code": "44054006", "patients": 2},
        {"query": "condition_prevalence", "condition_code": "38341003", "patients": 1},
        {"query": "SELECT 1 AS one", "one": 1},
    ]


def test_etl_sql_on_a_lake_folder_without_a_catalog_says_to_run_etl_local_first(tmp_path):
    # Prepare: a lake folder as etl:local left it before it synced a catalog
    _, lake, _ = lake_with_nothing_new(tmp_path)

    # Act
    result, seconds = run_etl_local("readmission_rate_30d", "--lake", str(lake), script=LAKE_SQL)

    # Assess: nothing started
    assert result.returncode == 2
    assert result.stderr == (
        f"etl:sql: {lake} has no catalog (catalog/): run `npm run etl:local -- <folder>` first "
        "(a lake folder made before etl:local synced its tables needs `--fresh`).\n"
    )
    assert result.stdout == ""
    assert seconds < 30


def test_etl_local_refuses_an_unknown_named_query_before_anything_starts(tmp_path):
    # Prepare
    files, lake, _ = lake_with_nothing_new(tmp_path)

    # Act
    result, _ = run_etl_local(str(files), "--lake", str(lake), "--sql", "readmissions")

    # Assess
    assert result.returncode == 2
    assert 'error: "readmissions" is no named query (etl/athena/*.sql: ' in result.stderr
    assert "[" not in result.stderr.split("usage:")[0]  # no progress line: nothing ran

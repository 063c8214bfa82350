"""`npm run etl:sql -- <named query | SELECT> ... [--json] [--lake DIR]`: SQL over the local lake through Trino 483,
the engine Athena runs, reading the tables `npm run etl:local` synced into its Hive Metastore, as an analyst reads
them in Athena; `npm run etl:local -- <folder> --sql ...` ends with the same.

A named query is the name of an `etl/athena/<name>.sql` file (the workgroup's saved queries); anything else is
run as it is. Statements run in catalog `hudi`, schema `metriccare_gold_dev` (Athena's workgroup runs the named
queries in the Gold database); other layers are `metriccare_silver_dev.<table>` and `metriccare_bronze_dev.<table>`.
The rows go to stdout, as a text table per statement or, with `--json`, one JSON object per row (with `query`
when there are several statements); progress to stderr. Exit status 1 when a statement fails, 2 when the
lake folder has no catalog (run `npm run etl:local` first).
"""

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

ETL = Path(__file__).resolve().parents[1]
if str(ETL) not in sys.path:
    sys.path[:0] = [str(ETL)]  # metriccare_etl and local_runtime, as pytest's pythonpath gives them

from local_runtime.query_engine import METASTORE_CATALOG, named_queries  # noqa: E402

# Where Athena's workgroup runs the named queries (modules/athena/named-queries.ts), for workspace dev.
DEFAULT_SCHEMA = "metriccare_gold_dev"
# The lake folder's Hive Metastore (its Derby database): what etl:local's Hive sync wrote.
CATALOG_FOLDER = "catalog"
_BARE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class LakeSqlError(RuntimeError):
    """A statement that cannot run: an unknown named query, a lake folder without a catalog."""


@dataclass(frozen=True)
class Statement:
    label: str  # the named query's name, or the SQL itself
    sql: str


@dataclass(frozen=True)
class Answer:
    label: str
    columns: list[str]
    rows: list[list[Any]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def statement(text: str) -> Statement:
    """A named query's SQL by its name, or `text` itself; a bare word that names no query is an error (a typo
    of a name would otherwise reach Trino as `SYNTAX_ERROR`)."""
    queries = named_queries()
    name = text.strip()
    if name in queries:
        return Statement(name, queries[name])
    if _BARE_NAME.match(name):
        raise LakeSqlError(f'"{name}" is no named query (etl/athena/*.sql: {", ".join(sorted(queries))}); pass one of them or a SELECT.')
    return Statement(" ".join(name.split()), name.rstrip().rstrip(";"))


def run_statements(trino: Any, statements: list[Statement], schema: str = DEFAULT_SCHEMA) -> list[Answer]:
    """Runs each statement on `trino` (a `TrinoClient`) in catalog `hudi` and `schema`; their answers in order."""
    answers = []
    for item in statements:
        result = trino.execute(item.sql, catalog=METASTORE_CATALOG, schema=schema)
        answers.append(Answer(item.label, [name for name, _ in result.columns], result.rows))
    return answers


def print_answers(answers: list[Answer], as_json: bool, stream: TextIO) -> None:
    """Text tables (`<label> (<n> rows)` then the rows) or, with `as_json`, one JSON object per row, with
    `query` (the label) when there are several answers."""
    from local_runtime.etl_local import format_table

    for answer in answers:
        if as_json:
            labelled = len(answers) > 1
            for row in answer.dicts():
                print(json.dumps({"query": answer.label, **row} if labelled else row), file=stream)
        else:
            print(f"\n{answer.label} ({len(answer.rows)} rows)", file=stream)
            print(format_table(answer.dicts()), file=stream)
    stream.flush()


def query_lake(lake_dir: Path, statements: list[Statement], progress: Any) -> list[Answer]:
    """Loads the lake folder into a fresh moto, starts its Hive Metastore (the folder's catalog) and Trino side
    by side, runs the statements, stops everything; their answers."""
    from local_runtime.etl_local import local_aws, restore
    from local_runtime.query_engine import start_query_engine
    from local_runtime.synthesized_stack import synthesize
    from local_runtime.workflow import provision

    if not (lake_dir / CATALOG_FOLDER).is_dir():
        raise LakeSqlError(
            f"{lake_dir} has no catalog ({CATALOG_FOLDER}/): run `npm run etl:local -- <folder>` first "
            "(a lake folder made before etl:local synced its tables needs `--fresh`)."
        )
    with local_aws() as (endpoint, truststore), tempfile.TemporaryDirectory(prefix="metriccare-etl-sql-") as work:
        progress.line("moto", f"started on {endpoint}")
        engine = start_query_engine(Path(work), endpoint, truststore, metastore_dir=lake_dir / CATALOG_FOLDER)
        try:
            lake = provision(synthesize(), "dev")
            progress.line("lake", f"restored {restore(lake, lake_dir)} objects and items from {lake_dir}")
            trino = engine.trino_ready()
            progress.line("trino", f"Trino ready after {trino.ready_after_seconds:.1f} s on {trino.endpoint}")
            answers = run_statements(trino.client(), statements)
            progress.line("sql", f"{len(answers)} statement(s) answered")
            return answers
        finally:
            engine.stop()


def main(argv: list[str]) -> int:
    from local_runtime.etl_local import DEFAULT_LAKE, working_folder
    from local_runtime.progress import Progress

    parser = argparse.ArgumentParser(prog="npm run etl:sql --", description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("statements", nargs="+", metavar="QUERY", help="a named query (etl/athena/<name>.sql) or a SELECT")
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    parser.add_argument("--lake", default=str(DEFAULT_LAKE), help=f"the lake folder (default {DEFAULT_LAKE})")
    options = parser.parse_args(argv)
    progress = Progress()
    try:
        statements = [statement(text) for text in options.statements]
        answers = query_lake((working_folder() / options.lake).resolve(), statements, progress)
    except RuntimeError as error:  # LakeSqlError, a failed statement (TrinoQueryError), a server that did not start
        print(f"etl:sql: {error}", file=sys.stderr, flush=True)
        return 2 if isinstance(error, LakeSqlError) else 1
    print_answers(answers, options.json, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""In-memory stand-ins for `awsglue`, `pyspark` and `boto3`, enough to run the job scripts.

Hudi is modelled as a dict of table paths to rows: `upsert` keeps, per record key, the row with the
greater precombine value (DefaultHoodieRecordPayload), `insert_overwrite_table` replaces the table.
"""

import sys
import types
from typing import Any

from .fakes import FakeRDD


def _split_top_level(text: str) -> list[str]:
    """Splits a DDL schema on the commas that are not inside `struct<...>`."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "<"
        depth -= char == ">"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return parts + [current.strip()]


def _field(row: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        row = row[part]
    return row


class Row(dict):
    def asDict(self, recursive: bool = False) -> dict[str, Any]:
        return dict(self)


class FakeHudi:
    """Table path → {record key: row}, plus the options of every write."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[tuple, dict[str, Any]]] = {}
        self.writes: list[dict[str, str]] = []

    def save(self, path: str, rows: list[dict[str, Any]], options: dict[str, str]) -> None:
        self.writes.append(dict(options, path=path))
        keys = options["hoodie.datasource.write.recordkey.field"].split(",")
        precombine = options["hoodie.datasource.write.precombine.field"]
        if options["hoodie.datasource.write.operation"] == "insert_overwrite_table":
            self.tables[path] = {}
        table = self.tables.setdefault(path, {})
        for row in rows:
            key = tuple(row[name] for name in keys)
            if key not in table or _field(table[key], precombine) <= _field(row, precombine):
                table[key] = row

    def rows(self, path: str) -> list[dict[str, Any]]:
        return list(self.tables.get(path, {}).values())


class FakeFrame:
    def __init__(self, rows: list[dict[str, Any]], hudi: FakeHudi) -> None:
        self.rows, self.hudi = rows, hudi

    @property
    def write(self) -> "FakeFrame":
        self.options_given: dict[str, str] = {}
        return self

    def format(self, name: str) -> "FakeFrame":
        assert name == "hudi"
        return self

    def options(self, **options: str) -> "FakeFrame":
        self.options_given = options
        return self

    def mode(self, mode: str) -> "FakeFrame":
        assert mode == "append"
        return self

    def save(self, path: str) -> None:
        self.hudi.save(path, self.rows, self.options_given)

    def select(self, *names: str) -> "FakeFrame":
        return FakeFrame([{name: row[name] for name in names} for row in self.rows], self.hudi)

    @property
    def rdd(self) -> FakeRDD:
        return FakeRDD.of([Row(row) for row in self.rows])


class FakeSparkContext:
    def __init__(self, hudi: FakeHudi) -> None:
        def path(uri):
            return types.SimpleNamespace(
                getFileSystem=lambda conf: types.SimpleNamespace(exists=lambda _: bool(hudi.rows(uri[: -len(".hoodie")])))
            )

        self._jvm = types.SimpleNamespace(
            org=types.SimpleNamespace(apache=types.SimpleNamespace(hadoop=types.SimpleNamespace(fs=types.SimpleNamespace(Path=path))))
        )
        self._jsc = types.SimpleNamespace(hadoopConfiguration=lambda: None)

    def parallelize(self, items: list[Any], slices: int = 2) -> FakeRDD:
        return FakeRDD.of(list(items), slices)

    def emptyRDD(self) -> FakeRDD:
        return FakeRDD([[]])

    def union(self, rdds: list[FakeRDD]) -> FakeRDD:
        return FakeRDD.union(rdds)


class FakeSpark:
    def __init__(self, hudi: FakeHudi) -> None:
        self.hudi = hudi
        self.sparkContext = FakeSparkContext(hudi)
        self.settings: dict[str, str] = {}
        self.conf = types.SimpleNamespace(set=self.settings.__setitem__)
        self.read = self

    def format(self, name: str) -> "FakeSpark":
        assert name == "hudi"
        return self

    def load(self, path: str) -> FakeFrame:
        return FakeFrame(self.hudi.rows(path), self.hudi)

    def createDataFrame(self, rdd: FakeRDD, schema: str) -> FakeFrame:
        names = [column.split(" ", 1)[0] for column in _split_top_level(schema)]
        return FakeFrame([dict(zip(names, values, strict=True)) for values in rdd.collect()], self.hudi)


def install(spark: FakeSpark, clients: dict[str, Any], get_resolved_options: Any) -> None:
    """Puts the fakes where the job scripts import `awsglue`, `pyspark` and `boto3` from."""
    job = types.SimpleNamespace(init=lambda name, args: None, commit=lambda: None)
    modules = {
        "awsglue": types.ModuleType("awsglue"),
        "awsglue.context": types.SimpleNamespace(GlueContext=lambda context: types.SimpleNamespace(spark_session=spark)),
        "awsglue.job": types.SimpleNamespace(Job=lambda glue_context: job),
        "awsglue.utils": types.SimpleNamespace(getResolvedOptions=get_resolved_options),
        "pyspark": types.SimpleNamespace(StorageLevel=types.SimpleNamespace(MEMORY_AND_DISK="MEMORY_AND_DISK")),
        "pyspark.context": types.SimpleNamespace(SparkContext=types.SimpleNamespace(getOrCreate=lambda: spark.sparkContext)),
        "boto3": types.SimpleNamespace(client=lambda name: clients[name]),
    }
    _SAVED.update({name: sys.modules.get(name) for name in modules})
    sys.modules.update(modules)


_SAVED: dict[str, Any] = {}


def uninstall() -> None:
    """Puts back what the fakes replaced (the real pyspark and boto3 of the test environment)."""
    for name, module in _SAVED.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module
    _SAVED.clear()

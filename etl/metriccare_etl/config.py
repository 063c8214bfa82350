"""Loads and validates `lakehouse.json`, the layout of every Hudi table the jobs write.

The file says where tables live and how Hudi keys and partitions them; the columns are fixed in
`schemas.py`, so every key and partition field is checked against the table's real columns here,
before a Spark job spends minutes finding out.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .schemas import BRONZE_COLUMNS, BRONZE_TABLES, GOLD_COLUMNS, SILVER_COLUMNS, SILVER_QUARANTINE_COLUMNS, Columns, field_names

CONFIG_VERSION = 1
# Hudi writes a partition value as a path segment; structs, timestamps and doubles make poor ones.
PARTITION_COLUMN_TYPES = ("string", "int", "bigint", "date")
_KNOWN_TABLES: dict[str, dict[str, Columns]] = {
    "bronze": {table: BRONZE_COLUMNS for table in BRONZE_TABLES.values()},
    "silver": SILVER_COLUMNS,
    "gold": GOLD_COLUMNS,
}
_TABLE_FIELDS = ("record_key", "precombine_field", "partition_fields")


@dataclass(frozen=True)
class TableConfig:
    """One Hudi table: its Glue Catalog name, its key prefix in the lakehouse bucket and its Hudi layout."""

    layer: str
    name: str
    path: str
    columns: Columns
    record_key: tuple[str, ...]
    precombine_field: str
    partition_fields: tuple[str, ...]

    def s3_uri(self, lakehouse_bucket: str) -> str:
        return f"s3://{lakehouse_bucket}/{self.path}"


@dataclass(frozen=True)
class LakehouseConfig:
    bronze_tables: Mapping[str, TableConfig]
    bronze_quarantine_prefix: str
    # Where the Bronze job writes one JSON report per run, beside (not inside) the Bronze tables.
    bronze_run_reports_prefix: str
    max_files_per_run: int
    silver_tables: Mapping[str, TableConfig]
    # Keyed by the Silver table whose rejected records they hold.
    silver_quarantine_tables: Mapping[str, TableConfig]
    gold_tables: Mapping[str, TableConfig]


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/key` into (bucket, key)."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise ConfigError(f'config location must be an s3://bucket/key URI, got "{uri}".')
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket or not key:
        raise ConfigError(f'config location must be an s3://bucket/key URI, got "{uri}".')
    return bucket, key


def load_config_from_s3(s3_client: Any, uri: str) -> LakehouseConfig:
    """Reads the object at `uri` with a boto3 S3 client (`--lakehouse_config_uri`) and validates it."""
    bucket, key = parse_s3_uri(uri)
    try:
        text = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    except Exception as error:  # botocore raises one class per error code; all mean "cannot read".
        raise ConfigError(f"cannot read the lakehouse config at {uri}: {error}") from error
    return parse_config(text, source=uri)


def parse_config(text: str, source: str = "lakehouse.json") -> LakehouseConfig:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{source}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}.") from None
    return _Validator(source).config(document)


class _Validator:
    """Walks the document keeping the dotted path, so every error names the field it is about."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, expectation: str, value: Any) -> ConfigError:
        return ConfigError(f"{self.source}: `{path}` must be {expectation}, got {json.dumps(value)}.")

    def config(self, document: Any) -> LakehouseConfig:
        self.object(document, "", required=("config_version", "layers"))
        if document["config_version"] != CONFIG_VERSION:
            raise self.fail("config_version", str(CONFIG_VERSION), document["config_version"])
        layers = document["layers"]
        self.object(layers, "layers", required=tuple(_KNOWN_TABLES))
        bronze = self.object(layers["bronze"], "layers.bronze", required=("prefix", "quarantine_prefix", "max_files_per_run", "tables"))
        silver = self.object(layers["silver"], "layers.silver", required=("prefix", "quarantine_prefix", "tables", "quarantine_table"))
        gold = self.object(layers["gold"], "layers.gold", required=("prefix", "tables"))
        max_files = bronze["max_files_per_run"]
        if not isinstance(max_files, int) or isinstance(max_files, bool) or not 1 <= max_files <= 100_000:
            raise self.fail("layers.bronze.max_files_per_run", "an integer from 1 to 100000", max_files)
        silver_quarantine_prefix = self.prefix(silver["quarantine_prefix"], "layers.silver.quarantine_prefix")
        silver_tables = self.tables("silver", silver)
        quarantine_tables = {
            name: self.table(
                silver["quarantine_table"],
                "layers.silver.quarantine_table",
                layer="silver",
                name=f"{name}_quarantine",
                location=f"{silver_quarantine_prefix}{name}/",
                columns=SILVER_QUARANTINE_COLUMNS,
            )
            for name in silver_tables
        }
        return LakehouseConfig(
            bronze_tables=self.tables("bronze", bronze),
            bronze_quarantine_prefix=self.prefix(bronze["quarantine_prefix"], "layers.bronze.quarantine_prefix"),
            bronze_run_reports_prefix=f"{self.prefix(bronze['prefix'], 'layers.bronze.prefix')}_run_reports/",
            max_files_per_run=max_files,
            silver_tables=silver_tables,
            silver_quarantine_tables=quarantine_tables,
            gold_tables=self.tables("gold", gold),
        )

    def tables(self, layer: str, layer_document: dict[str, Any]) -> dict[str, TableConfig]:
        prefix = self.prefix(layer_document["prefix"], f"layers.{layer}.prefix")
        known = _KNOWN_TABLES[layer]
        tables = self.object(layer_document["tables"], f"layers.{layer}.tables", required=tuple(known))
        return {
            name: self.table(
                spec, f"layers.{layer}.tables.{name}", layer=layer, name=name, location=f"{prefix}{name}/", columns=known[name]
            )
            for name, spec in tables.items()
        }

    def table(self, spec: Any, path: str, *, layer: str, name: str, location: str, columns: Columns) -> TableConfig:
        """`path` is where the spec sits in the document; `location` the table's key prefix in the bucket."""
        self.object(spec, path, required=_TABLE_FIELDS, optional=("comment",))
        top_level = tuple(column.name for column in columns)
        described = f'a column of {layer} table "{name}" (one of: {", ".join(top_level)})'
        record_key = self.names(spec["record_key"], f"{path}.record_key", allowed=top_level, described=described)
        precombine = spec["precombine_field"]
        if precombine not in field_names(columns):
            raise self.fail(
                f"{path}.precombine_field",
                f'a column or struct field of {layer} table "{name}" (one of: {", ".join(field_names(columns))})',
                precombine,
            )
        partition_types = {column.name: column.type for column in columns}
        partitions = self.names(
            spec["partition_fields"], f"{path}.partition_fields", allowed=top_level, described=described, may_be_empty=True
        )
        for index, field in enumerate(partitions):
            if partition_types[field] not in PARTITION_COLUMN_TYPES:
                raise self.fail(
                    f"{path}.partition_fields[{index}]",
                    f'a column of type {", ".join(PARTITION_COLUMN_TYPES)} ("{field}" is {partition_types[field]})',
                    field,
                )
            if field in record_key:
                raise self.fail(f"{path}.partition_fields[{index}]", "a column that is not also in record_key", field)
        return TableConfig(layer, name, location, columns, record_key, precombine, partitions)

    def object(self, value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
        where = f"`{path}`" if path else "the top level"
        if not isinstance(value, dict):
            raise ConfigError(f"{self.source}: {where} must be a JSON object, got {json.dumps(value)}.")
        required, allowed = tuple(required), tuple(required) + tuple(optional)
        for key in value:
            if key not in allowed:
                raise ConfigError(f'{self.source}: {where} has an unknown field "{key}" (allowed: {", ".join(allowed)}).')
        for key in required:
            if key not in value:
                raise ConfigError(f'{self.source}: {where} is missing the field "{key}".')
        return value

    def names(
        self, value: Any, path: str, allowed: tuple[str, ...] = (), described: str = "", may_be_empty: bool = False
    ) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not may_be_empty):
            raise self.fail(path, "a list of names" if may_be_empty else "a non-empty list of names", value)
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item or (allowed and item not in allowed):
                raise self.fail(f"{path}[{index}]", described or "a non-empty string", item)
            if value.index(item) != index:
                raise self.fail(f"{path}[{index}]", "a name not already listed", item)
        return tuple(value)

    def prefix(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.endswith("/") or value.startswith("/") or "//" in value or "*" in value:
            raise self.fail(path, 'a key prefix ending in "/" without a leading "/" (e.g. "silver/")', value)
        return value

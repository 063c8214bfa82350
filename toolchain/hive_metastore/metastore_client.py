"""A small Hive Metastore client in the standard library: the Thrift binary protocol (unframed, strict
messages, as Hive 3.1's metastore and Trino's client speak it) for the calls a test needs to prepare a
catalog (a database, as Terraform makes the Glue databases) and to check what a catalog sync wrote. Method names, argument and field ids are those of Hive 3.1's
`hive_metastore.thrift` (ThriftHiveMetastore, Database, Table, StorageDescriptor, SerDeInfo,
FieldSchema, Partition); results come back as plain dicts and lists.
"""

import socket
import struct
from typing import Any

_STOP, _BOOL, _BYTE, _DOUBLE, _I16, _I32, _I64, _STRING, _STRUCT, _MAP, _SET, _LIST = 0, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15
_CALL, _EXCEPTION = 1, 3
_VERSION_1 = 0x80010000


class MetastoreError(RuntimeError):
    """The metastore answered with an exception (NoSuchObjectException, MetaException, ...)."""


class MetastoreClient:
    """One connection to a metastore; use it as a context manager, or `close()` it."""

    def __init__(self, host: str, port: int, timeout_seconds: float = 30):
        self._socket = socket.create_connection((host, port), timeout=timeout_seconds)
        self._input = self._socket.makefile("rb")
        self._sequence = 0

    def close(self) -> None:
        self._input.close()
        self._socket.close()

    def __enter__(self) -> "MetastoreClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_all_databases(self) -> list[str]:
        return self._call("get_all_databases", [])

    def create_database(self, name: str, location: str, description: str = "") -> None:
        """Creates a database whose tables default to `location` (fails when it exists)."""
        database = [(1, _STRING, name), (2, _STRING, description), (3, _STRING, location), (4, _MAP, {})]
        self._call("create_database", [(1, _STRUCT, database)], returns_value=False)

    def get_database(self, name: str) -> dict[str, Any]:
        fields = self._call("get_database", [(1, _STRING, name)])
        return {"name": fields.get(1), "description": fields.get(2), "location": fields.get(3), "parameters": fields.get(4, {})}

    def get_all_tables(self, database: str) -> list[str]:
        return self._call("get_all_tables", [(1, _STRING, database)])

    def get_table(self, database: str, table: str) -> dict[str, Any]:
        """The table's definition: columns and partition keys as (name, type) pairs, location, formats,
        serde and parameters."""
        fields = self._call("get_table", [(1, _STRING, database), (2, _STRING, table)])
        return {
            "table_name": fields.get(1),
            "database": fields.get(2),
            "owner": fields.get(3),
            "table_type": fields.get(12),
            "parameters": fields.get(9, {}),
            "partition_keys": [(key[1], key[2]) for key in fields.get(8, [])],
            **_storage(fields.get(7, {})),
        }

    def get_partition_names(self, database: str, table: str, max_parts: int = -1) -> list[str]:
        """Partition names as Hive writes them (`month=2025-01/...`), in the metastore's order."""
        return self._call("get_partition_names", [(1, _STRING, database), (2, _STRING, table), (3, _I16, max_parts)])

    def get_partitions(self, database: str, table: str, max_parts: int = -1) -> list[dict[str, Any]]:
        partitions = self._call("get_partitions", [(1, _STRING, database), (2, _STRING, table), (3, _I16, max_parts)])
        return [
            {"values": partition.get(1, []), "parameters": partition.get(7, {}), **_storage(partition.get(6, {}))}
            for partition in partitions
        ]

    def _call(self, method: str, arguments: list[tuple[int, int, Any]], returns_value: bool = True) -> Any:
        self._sequence += 1
        message = struct.pack(">I", _VERSION_1 | _CALL) + _string(method) + struct.pack(">i", self._sequence)
        self._socket.sendall(message + _struct(arguments))

        version_and_type = self._read(">I")
        if version_and_type & 0xFFFF0000 != _VERSION_1:
            raise MetastoreError(f"{method}: the answer is not a strict Thrift binary message ({version_and_type:#x}).")
        self._read_string()  # the method name
        self._read(">i")  # the sequence id
        result = self._read_value(_STRUCT)
        if version_and_type & 0xFF == _EXCEPTION:
            raise MetastoreError(f"{method}: {result.get(1)}")
        if 0 in result or not returns_value and not result:
            return result.get(0)
        exceptions = [value.get(1) for key, value in result.items() if key > 0]
        raise MetastoreError(f"{method}: {exceptions[0] if exceptions else 'no result'}")

    def _read(self, layout: str) -> Any:
        size = struct.calcsize(layout)
        data = self._input.read(size)
        if len(data) != size:
            raise MetastoreError("The metastore closed the connection.")
        return struct.unpack(layout, data)[0]

    def _read_string(self) -> str | bytes:
        data = self._input.read(self._read(">i"))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data

    def _read_value(self, value_type: int) -> Any:
        if value_type == _STRUCT:
            fields: dict[int, Any] = {}
            while (field_type := self._read(">b")) != _STOP:
                field_id = self._read(">h")
                fields[field_id] = self._read_value(field_type)
            return fields
        if value_type == _MAP:
            key_type, item_type, size = self._read(">b"), self._read(">b"), self._read(">i")
            return {self._read_value(key_type): self._read_value(item_type) for _ in range(size)}
        if value_type in (_LIST, _SET):
            item_type, size = self._read(">b"), self._read(">i")
            return [self._read_value(item_type) for _ in range(size)]
        if value_type == _STRING:
            return self._read_string()
        layouts = {_BOOL: ">?", _BYTE: ">b", _DOUBLE: ">d", _I16: ">h", _I32: ">i", _I64: ">q"}
        if value_type not in layouts:
            raise MetastoreError(f"Unknown Thrift type {value_type} in the answer.")
        return self._read(layouts[value_type])


def _string(value: str) -> bytes:
    data = value.encode("utf-8")
    return struct.pack(">i", len(data)) + data


def _struct(fields: list[tuple[int, int, Any]]) -> bytes:
    """A struct of (field id, type, value); values are strings, i16s, string maps or nested field lists."""
    encoded = bytearray()
    for field_id, field_type, value in fields:
        encoded += struct.pack(">bh", field_type, field_id)
        if field_type == _STRING:
            encoded += _string(value)
        elif field_type == _I16:
            encoded += struct.pack(">h", value)
        elif field_type == _MAP:
            encoded += struct.pack(">bbi", _STRING, _STRING, len(value)) + b"".join(_string(k) + _string(v) for k, v in value.items())
        else:
            encoded += _struct(value)
    return bytes(encoded + bytes([_STOP]))


def _storage(descriptor: dict[int, Any]) -> dict[str, Any]:
    serde = descriptor.get(7, {})
    return {
        "columns": [(column[1], column[2]) for column in descriptor.get(1, [])],
        "location": descriptor.get(2),
        "input_format": descriptor.get(3),
        "output_format": descriptor.get(4),
        "serde": {"serialization_lib": serde.get(2), "parameters": serde.get(3, {})},
    }

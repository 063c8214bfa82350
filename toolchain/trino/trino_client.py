"""A Trino client in the standard library: Trino's client REST protocol (POST the statement to
`/v1/statement`, then follow `nextUri` until the answer has none; the rows arrive in `data`, the
columns once in `columns`, a failure in `error`), as Trino's documentation of the client protocol
describes it. Values are Trino's JSON: numbers, strings (also for decimal, date and timestamp),
booleans, lists for arrays and rows, objects for maps.
"""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


class TrinoQueryError(RuntimeError):
    """The query failed in Trino; `error_name` is Trino's (TABLE_NOT_FOUND, SYNTAX_ERROR, ...)."""

    def __init__(self, message: str, error_name: str | None):
        super().__init__(message)
        self.error_name = error_name


@dataclass(frozen=True)
class TrinoResult:
    columns: list[tuple[str, str]]  # (name, Trino type)
    rows: list[list[Any]]

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as {column: value}."""
        names = [name for name, _ in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


class TrinoClient:
    """Runs statements as `user` against a Trino at `endpoint` (`http://127.0.0.1:<port>`)."""

    def __init__(self, endpoint: str, user: str = "metriccare", timeout_seconds: float = 300):
        self.endpoint = endpoint
        self.user = user
        self.timeout_seconds = timeout_seconds

    def execute(self, sql: str, catalog: str | None = None, schema: str | None = None) -> TrinoResult:
        """Runs one statement to its end and returns every row; raises TrinoQueryError when it fails."""
        headers = {"X-Trino-User": self.user, "Content-Type": "text/plain; charset=utf-8"}
        if catalog:
            headers["X-Trino-Catalog"] = catalog
        if schema:
            headers["X-Trino-Schema"] = schema
        deadline = time.monotonic() + self.timeout_seconds
        answer = self._request(urllib.request.Request(f"{self.endpoint}/v1/statement", sql.encode("utf-8"), headers, method="POST"))
        columns: list[tuple[str, str]] = []
        rows: list[list[Any]] = []
        while True:
            if answer.get("columns") and not columns:
                columns = [(column["name"], column["type"]) for column in answer["columns"]]
            rows.extend(answer.get("data", []))
            if "error" in answer:
                error = answer["error"]
                raise TrinoQueryError(f"{error.get('errorName')}: {error.get('message')}", error.get("errorName"))
            if "nextUri" not in answer:
                return TrinoResult(columns, rows)
            if time.monotonic() > deadline:
                raise TrinoQueryError(f"The query did not finish within {self.timeout_seconds:.0f} s: {sql[:200]}", None)
            answer = self._request(urllib.request.Request(answer["nextUri"], headers={"X-Trino-User": self.user}))

    def rows(self, sql: str, catalog: str | None = None, schema: str | None = None) -> list[list[Any]]:
        return self.execute(sql, catalog, schema).rows

    def _request(self, request: urllib.request.Request) -> dict[str, Any]:
        for attempt in range(20):
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.load(response)
            except urllib.error.HTTPError as error:
                # The protocol asks clients to retry 429, 502, 503 and 504 after a pause.
                if error.code not in (429, 502, 503, 504) or attempt == 19:
                    raise TrinoQueryError(f"HTTP {error.code} from {request.full_url}: {error.read()[:500]!r}", None) from error
                time.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")

"""Progress of `npm run etl:local`: one line per step as it happens, with the time since the start, so a
run of minutes shows where it is (`[  41.2 s] bronze   3 files claimed: 2 processed, 1 failed`)."""

import ast
import io
import json
import re
import sys
import time
from collections.abc import Callable
from typing import TextIO


class Progress:
    """Writes `[elapsed] step  message` lines to `stream` (stderr: stdout is for the Gold tables), each flushed at once."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock
        self._started = clock()

    def elapsed(self) -> float:
        return self._clock() - self._started

    def line(self, step: str, message: str) -> None:
        print(f"[{self.elapsed():7.1f} s] {step:<8} {message}", file=self._stream, flush=True)

    def job_output(self, layer: str) -> io.TextIOBase:
        """A text stream for a job's prints: each complete line becomes a progress line of `layer`."""
        return _LineStream(lambda text: self.line(layer, describe_job_line(text)))


class _LineStream(io.TextIOBase):
    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self._emit(line.rstrip())
        return len(text)

    def flush(self) -> None:
        if self._pending.strip():
            self._emit(self._pending.rstrip())
        self._pending = ""


def describe_job_line(line: str) -> str:
    """A job's printed line as a progress message: Bronze's JSON report and Silver's per-table results as
    their totals, other lines as printed."""
    silver = re.match(r"silver (\w+): (\{.*\})$", line)
    if silver:
        try:
            result = ast.literal_eval(silver.group(2))
        except (ValueError, SyntaxError):
            return line
        if result.get("skipped"):
            return f"{silver.group(1)}: nothing new in Bronze, skipped"
        reasons = ", ".join(f"{code} {count}" for code, count in (result.get("quarantine_reasons") or {}).items())
        return (
            f"{silver.group(1)}: {result.get('bronze_rows')} Bronze rows read, {result.get('silver_rows')} written, "
            f"{result.get('quarantined_rows')} quarantined" + (f" ({reasons})" if reasons else "")
        )
    if not line.startswith("{"):
        return line
    try:
        report = json.loads(line)
    except json.JSONDecodeError:
        return line
    if "files_claimed" not in report:
        return line
    records = ", ".join(f"{table} {count}" for table, count in report.get("records_by_table", {}).items()) or "none"
    partial = f"{report['files_partial']} partial, " if report.get("files_partial") else ""
    quarantined = ", ".join(f"{code} {count}" for code, count in report.get("entries_quarantined_by_reason", {}).items())
    return (
        f"{report['files_claimed']} files claimed: {report['files_processed']} processed, {partial}{report['files_failed']} failed; "
        f"records {records}" + (f"; entries quarantined: {quarantined}" if quarantined else "")
    )

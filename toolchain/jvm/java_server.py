"""What the Java servers of the toolchain (the Hive Metastore, Trino) share: one child process on
127.0.0.1 with its log in a file, a readiness wait that fails with that log, a stop that always ends
the process, and the local S3 (moto) both read table locations from.

The servers themselves are provisioned into the cache by `toolchain/provision.ts`
(`--print hive-metastore|trino` gives `{"home", "java"}`); these modules only run them.
"""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# C1 only: half the start-up time of both servers on the shared 2-core machine (toolchain/README.md);
# the queries of a test are too small for C2's faster code to pay back its compile time.
QUICK_START_JVM_OPTIONS = ["-XX:TieredStopAtLevel=1"]


@dataclass(frozen=True)
class LocalS3:
    """A local S3 endpoint (the moto server) with the test credentials moto accepts."""

    endpoint: str
    region: str = "us-east-1"
    # PKCS12 store trusting the endpoint's certificate (HTTPS endpoints; moto_server.java_truststore makes it).
    truststore: str | None = None
    truststore_password: str = "metriccare"
    access_key: str = "testing"
    secret_key: str = "testing"

    def jvm_options(self) -> list[str]:
        """The JVM options that make the server trust the endpoint's certificate (none for HTTP)."""
        if self.truststore is None:
            return []
        return [
            f"-Djavax.net.ssl.trustStore={self.truststore}",
            f"-Djavax.net.ssl.trustStorePassword={self.truststore_password}",
            "-Djavax.net.ssl.trustStoreType=PKCS12",
        ]


class ServerError(RuntimeError):
    """A server did not start, or stopped answering; the message ends with the tail of its log."""


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now (the OS picks it; the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JavaServer:
    """A Java server process; its standard output and error go to `work_dir/server.log`."""

    def __init__(self, name: str, command: list[str], work_dir: str, env: dict[str, str] | None = None):
        self.name = name
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.log_file = self.work_dir / "server.log"
        self.started_at = time.monotonic()
        self.ready_after_seconds: float | None = None
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.work_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
            )

    def wait_until(self, ready: Callable[[], bool], timeout_seconds: float, what: str) -> None:
        """Polls `ready` until it returns true; fails with the log when the process exits or time runs out."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            if self.process.poll() is not None:
                raise ServerError(f"{self.name} exited with {self.process.returncode} before {what}.\n{self.log_tail()}")
            try:
                if ready():
                    self.ready_after_seconds = time.monotonic() - self.started_at
                    return
            except OSError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"{self.name} did not report {what} within {timeout_seconds:.0f} s; stopped it.\n{self.log_tail()}")
            time.sleep(0.25)

    def rss_bytes(self) -> int:
        """The process's resident memory now (Linux /proc), 0 once it has ended."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return f"--- last lines of {self.log_file} ---\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout_seconds: float = 20) -> None:
        """Asks the JVM to stop (SIGTERM runs its shutdown hooks), kills it when it takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""The runtime versions the local Glue 5.1 runtime needs, checked before Spark starts: Java 17 and
Python 3.11 (https://docs.aws.amazon.com/glue/latest/dg/release-notes.html). Spark 3.5.6 on another
Java dies in a JVM stack trace that never names the version it wanted (Java 25: Hadoop's
`Subject.getSubject` is gone); these checks say which runtime was found and how to point at the right one."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

JAVA_MAJOR = 17
PYTHON_VERSION = (3, 11)

# Where JDKs are installed on Linux and macOS, to name one that fits in the message.
_JDK_FOLDERS = (Path("/usr/lib/jvm"), Path("/Library/Java/JavaVirtualMachines"))


class PreflightError(Exception):
    """The local runtime cannot start on this machine; the message says what to change."""


def java_major(version_output: str) -> int | None:
    """The major version in `java -version` output: `version "17.0.15"` → 17, `"1.8.0_392"` → 8, `"25"` → 25."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def java_command(env: dict[str, str] | os._Environ = os.environ) -> tuple[str | None, str]:
    """The java Spark will start, as `spark-class` picks it (`$JAVA_HOME/bin/java`, else `java` on PATH),
    and how it was found, for messages."""
    home = env.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return (str(candidate) if candidate.is_file() else None), f"JAVA_HOME={home}"
    return shutil.which("java", path=env.get("PATH")), "java on PATH"


def _version_of(java: str) -> tuple[int | None, str]:
    result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    output = (result.stderr or result.stdout).strip()
    return java_major(output), output.splitlines()[0] if output else ""


def _installed_jdks(major: int) -> list[str]:
    """Homes of installed JDKs of `major` (the standard install folders), for the message's fix."""
    homes = []
    for folder in _JDK_FOLDERS:
        if not folder.is_dir():
            continue
        for home in sorted(folder.iterdir()):
            home = home / "Contents" / "Home" if (home / "Contents" / "Home").is_dir() else home
            java = home / "bin" / "java"
            if java.is_file() and not home.is_symlink() and _version_of(str(java))[0] == major:
                homes.append(str(home))
    return homes


def check_java(env: dict[str, str] | os._Environ = os.environ) -> str:
    """Raises PreflightError unless Spark would start Java 17; returns its `java -version` line."""
    java, how = java_command(env)
    found = _installed_jdks(JAVA_MAJOR) if java is None else []
    if java is None:
        where = f"{how} has no bin/java" if how.startswith("JAVA_HOME") else "no java is on PATH and JAVA_HOME is not set"
        raise PreflightError(f"The local runtime needs Java {JAVA_MAJOR} (the Java of Glue 5.1), but {where}. {_java_fix(found)}")
    major, line = _version_of(java)
    if major != JAVA_MAJOR:
        found = _installed_jdks(JAVA_MAJOR)
        why = "; Spark 3.5.6 with Hadoop 3.3.4 does not start on newer ones" if major is not None and major > JAVA_MAJOR else ""
        raise PreflightError(
            f"The local runtime needs Java {JAVA_MAJOR} (the Java of Glue 5.1{why}), but {how} is Java "
            f"{major if major is not None else '(unknown)'} ({line}). {_java_fix(found)}"
        )
    return line


def _java_fix(found: list[str]) -> str:
    if found:
        return f"Point JAVA_HOME at a Java {JAVA_MAJOR} JDK, e.g. `export JAVA_HOME={found[0]}` (installed here)."
    return (
        f"Install a Java {JAVA_MAJOR} JDK (`apt-get install openjdk-{JAVA_MAJOR}-jdk-headless`, `brew install openjdk@{JAVA_MAJOR}`, "
        f"or https://adoptium.net/temurin/releases/?version={JAVA_MAJOR}) and point JAVA_HOME at it."
    )


def check_python(version: tuple[int, ...] = tuple(sys.version_info)) -> None:
    """Raises PreflightError unless this is Python 3.11, the Python of Glue 5.1."""
    if tuple(version[:2]) != PYTHON_VERSION:
        wanted = ".".join(map(str, PYTHON_VERSION))
        raise PreflightError(
            f"The local runtime needs Python {wanted} (the Python of Glue 5.1), but this is Python {'.'.join(map(str, version[:3]))}. "
            f"Run it through npm (npm run etl:local), which uses the project's Python {wanted} environment; that is made from "
            f"`python3`, or from METRICCARE_PYTHON when set: point it at a Python {wanted} interpreter."
        )

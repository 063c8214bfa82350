"""Where the local runtime finds what `toolchain/provision.ts` put into the cache."""

import json
import os
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROVISION_COMMAND = "node scripts/run-ts.cjs toolchain/provision.ts"


def spark_jars() -> list[str]:
    """The Hudi and S3A jars of the jobs: `METRICCARE_SPARK_JARS` (comma-separated) when set, else asked
    of the provisioning script, which copies them into the cache first if they are missing."""
    return _jars("spark-jars", "METRICCARE_SPARK_JARS")


def hudi_reader_jars() -> list[str]:
    """The Hudi 0.15.0 bundle, the newest Hudi Athena reads with (`toolchain/maven/hudi-0.15-reader/`)."""
    return _jars("hudi-reader-jars", "METRICCARE_HUDI_READER_JARS")


def java_server(server: str) -> dict[str, str]:
    """A Java server the toolchain assembles (`hive-metastore`, `trino`): `{"home": <its folder>, "java":
    <the java to run it with>}` for `toolchain/hive_metastore/metastore_server.py` and
    `toolchain/trino/trino_server.py`, asked of the provisioning script (which assembles it first if missing)."""
    variable = f"METRICCARE_{server.upper().replace('-', '_')}_SERVER"
    found = json.loads(provisioned(server, variable))
    if not os.path.isdir(found["home"]) or not os.path.isfile(found["java"]):
        raise RuntimeError(f"{server} missing: {found}; run `{PROVISION_COMMAND}`.")
    return found


def provisioned(tool: str, variable: str | None) -> str:
    """What `provision.ts --print <tool>` prints (which provisions it first if missing), remembered in the
    environment variable `variable`, when given, for this process and those it starts."""
    printed = os.environ.get(variable) if variable else None
    if not printed:
        try:
            printed = subprocess.run(
                ["node", "scripts/run-ts.cjs", "toolchain/provision.ts", "--print", tool],
                cwd=PROJECT_ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            raise RuntimeError(f"{tool} is not available; `{PROVISION_COMMAND} --print {tool}` failed: {detail.strip()}") from error
        if variable:
            os.environ[variable] = printed
    return printed


def _jars(jar_set: str, variable: str) -> list[str]:
    jars = provisioned(jar_set, variable).split(",")
    missing = [jar for jar in jars if not os.path.isfile(jar)]
    if missing:
        raise RuntimeError(f"{jar_set} missing: {', '.join(missing)}; run `{PROVISION_COMMAND}`.")
    return jars

"""Where the local runtime finds what `toolchain/provision.ts` put into the cache."""

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


def _jars(jar_set: str, variable: str) -> list[str]:
    listed = os.environ.get(variable)
    if not listed:
        try:
            listed = subprocess.run(
                ["node", "scripts/run-ts.cjs", "toolchain/provision.ts", "--print", jar_set],
                cwd=PROJECT_ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            raise RuntimeError(f"The {jar_set} are not available; `{PROVISION_COMMAND}` failed: {detail.strip()}") from error
        os.environ[variable] = listed
    jars = listed.split(",")
    missing = [jar for jar in jars if not os.path.isfile(jar)]
    if missing:
        raise RuntimeError(f"{jar_set} missing: {', '.join(missing)}; run `{PROVISION_COMMAND}`.")
    return jars

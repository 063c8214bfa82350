"""Where the local runtime finds what `toolchain/provision.ts` put into the cache."""

import os
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROVISION_COMMAND = "node scripts/run-ts.cjs toolchain/provision.ts"


def spark_jars() -> list[str]:
    """The Hudi and S3A jars: `METRICCARE_SPARK_JARS` (comma-separated) when set, else asked of the
    provisioning script, which copies them into the cache first if they are missing."""
    listed = os.environ.get("METRICCARE_SPARK_JARS")
    if not listed:
        try:
            listed = subprocess.run(
                ["node", "scripts/run-ts.cjs", "toolchain/provision.ts", "--print", "spark-jars"],
                cwd=PROJECT_ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            raise RuntimeError(f"The Spark jars are not available; `{PROVISION_COMMAND}` failed: {detail.strip()}") from error
        os.environ["METRICCARE_SPARK_JARS"] = listed
    jars = listed.split(",")
    missing = [jar for jar in jars if not os.path.isfile(jar)]
    if missing:
        raise RuntimeError(f"Spark jars missing: {', '.join(missing)}; run `{PROVISION_COMMAND}`.")
    return jars

"""Where the tests find the FHIR data sets `toolchain/provision.ts` put into the cache (toolchain/fhir/)."""

import os
import subprocess
from pathlib import Path

from local_runtime.toolchain import PROJECT_ROOT, PROVISION_COMMAND

FHIR_DATASETS = ("fhir-spec-examples", "fhir-synthea")


def fhir_dataset(name: str) -> Path:
    """The folder of `.json` files of data set `name` (`fhir-spec-examples`: the HL7 R4 specification's
    Patient, Encounter and Condition examples; `fhir-synthea`: the seeded Synthea population): from
    `METRICCARE_FHIR_SPEC_EXAMPLES` / `METRICCARE_FHIR_SYNTHEA` when set, else asked of the provisioning
    script, which provisions it first if it is missing (the population takes minutes the first time)."""
    if name not in FHIR_DATASETS:
        raise ValueError(f"fhir_dataset takes one of {', '.join(FHIR_DATASETS)}, got {name!r}.")
    variable = f"METRICCARE_{name.upper().replace('-', '_')}"
    folder = os.environ.get(variable)
    if not folder:
        try:
            folder = subprocess.run(
                ["node", "scripts/run-ts.cjs", "toolchain/provision.ts", "--print", name],
                cwd=PROJECT_ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            raise RuntimeError(
                f"The FHIR data set {name} is not available; `{PROVISION_COMMAND} --print {name}` failed: {detail.strip()}"
            ) from error
        os.environ[variable] = folder
    path = Path(folder)
    if not path.is_dir() or not any(path.glob("*.json")):
        raise RuntimeError(f"The FHIR data set {name} is missing or empty at {path}; run `{PROVISION_COMMAND}`.")
    return path

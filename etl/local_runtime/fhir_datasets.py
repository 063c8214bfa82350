"""Where the tests find the FHIR data sets `toolchain/provision.ts` put into the cache (toolchain/fhir/)."""

from pathlib import Path

from local_runtime.toolchain import PROVISION_COMMAND, provisioned

FHIR_DATASETS = ("fhir-spec-examples", "fhir-synthea")


def fhir_dataset(name: str, patients: int | None = None) -> Path:
    """The folder of `.json` files of data set `name` (`fhir-spec-examples`: the HL7 R4 specification's
    Patient, Encounter and Condition examples; `fhir-synthea`: the seeded Synthea population, the suite's
    size unless `patients` asks for another, 1 to 50): from `METRICCARE_FHIR_SPEC_EXAMPLES` /
    `METRICCARE_FHIR_SYNTHEA` when set (the default size only), else asked of the provisioning script, which
    provisions it first if it is missing (a population takes a minute or more the first time)."""
    if name not in FHIR_DATASETS:
        raise ValueError(f"fhir_dataset takes one of {', '.join(FHIR_DATASETS)}, got {name!r}.")
    if patients is not None and name != "fhir-synthea":
        raise ValueError(f"fhir_dataset: only fhir-synthea has a size, got patients={patients} for {name}.")
    variable = f"METRICCARE_{name.upper().replace('-', '_')}" if patients is None else None
    asked = name if patients is None else f"{name}:{patients}"
    folder = provisioned(asked, variable)
    path = Path(folder)
    if not path.is_dir() or not any(path.glob("*.json")):
        raise RuntimeError(f"The FHIR data set {asked} is missing or empty at {path}; run `{PROVISION_COMMAND}`.")
    return path

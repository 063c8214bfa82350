"""The FHIR data sets of the toolchain (toolchain/fhir/): what a test that asks for them gets."""

import hashlib
import json
import zipfile
from collections import Counter

from local_runtime.fhir_datasets import fhir_dataset
from local_runtime.toolchain import PROJECT_ROOT
from metriccare_etl.fhir.resource_types import R4_RESOURCE_TYPES

from .oracle.gold_oracle import load_resources

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"


def test_the_specification_examples_are_the_patient_encounter_and_condition_examples_of_r4():
    # Prepare
    folder = fhir_dataset("fhir-spec-examples")

    # Act
    resources = load_resources(folder)
    files = sorted(path.name for path in folder.glob("*.json"))

    # Assess: 56 of the jar's 2,912 json/spec files hold one of the three types (selection.tsv lists them).
    assert len(files) == 56
    assert {"patient-example.json", "encounter-example.json", "condition-example.json", "bundle-transaction.json"} <= set(files)
    assert Counter(resource["resourceType"] for resource in resources) == {"Patient": 278, "Encounter": 11, "Condition": 16}
    selection = (folder.parent / "selection.tsv").read_text().splitlines()
    assert selection[0].split("\t") == ["file", "resourceType", "ibm_parser", "Patient", "Encounter", "Condition"]
    assert sorted(line.split("\t")[0] for line in selection[1:]) == files


def test_bronze_knows_the_resource_types_of_r4_as_the_specification_lists_them():
    # Prepare: R4's CodeSystem resource-types, from the specification's files in the examples jar.
    (jar,) = fhir_dataset("fhir-spec-examples").parent.glob("fhir-examples-*.jar")
    with zipfile.ZipFile(jar) as archive:
        code_system = json.loads(archive.read("json/spec/codesystem-resource-types.json"))

    # Act
    listed = {concept["code"] for concept in code_system["concept"]}

    # Assess: every concrete type, as spelled; Resource and DomainResource are abstract.
    assert (code_system["url"], code_system["version"]) == ("http://hl7.org/fhir/resource-types", "4.0.1")
    assert listed - R4_RESOURCE_TYPES == {"Resource", "DomainResource"}
    assert R4_RESOURCE_TYPES <= listed
    assert len(R4_RESOURCE_TYPES) == 146


def test_the_synthea_population_is_one_us_core_transaction_bundle_per_patient_as_pinned():
    # Prepare: the suite's population, 8 patients (toolchain/fhir/synthea-population.ts), the first 8 of the 50 pinned.
    folder = fhir_dataset("fhir-synthea")
    lines = (PROJECT_ROOT / "toolchain" / "fhir" / "synthea" / "population.sha256").read_text(encoding="utf-8").splitlines()
    pinned = {line[66:]: line[:64] for line in lines}

    # Act
    bundles = {path.name: json.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))}
    resources = load_resources(folder)

    # Assess: the suite's size, as toolchain/README.md gives it (18,090 entries, of which these three types).
    assert (len(bundles), len(pinned)) == (8, 50)
    assert sum(len(bundle["entry"]) for bundle in bundles.values()) == 18090
    assert Counter(resource["resourceType"] for resource in resources) == {"Patient": 8, "Encounter": 688, "Condition": 972}
    for name, bundle in bundles.items():
        assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "transaction"), name
        patients = [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "Patient"]
        assert len(patients) == 1, name
        assert patients[0]["meta"]["profile"] == [f"{US_CORE}us-core-patient"], name
        assert all(entry["request"]["method"] == "POST" for entry in bundle["entry"]), name
    # The files are pinned, byte for byte (provisioning checked it; nothing changed them since).
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.glob("*.json")}
    assert digests == {name: pinned[name] for name in digests}

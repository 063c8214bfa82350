"""The ETL package as the stack ships it: the ZIP synth stages for `--extra-py-files` holds every source
of `metriccare_etl`, subpackages included, and every job loads it."""

import zipfile
from pathlib import Path

import pytest
from local_runtime.spark_session import package_sources
from local_runtime.synthesized_stack import LAYERS, default_arguments, python_package_zip, workspaces

PACKAGE = Path(__file__).parents[1] / "metriccare_etl"


def test_the_zip_holds_every_source_of_the_package_as_it_is(synthesized_stack):
    # Prepare
    sources = {f"metriccare_etl/{source.relative_to(PACKAGE).as_posix()}": source.read_bytes() for source in package_sources(PACKAGE)}

    # Act
    with zipfile.ZipFile(python_package_zip(synthesized_stack)) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist()}

    # Assess
    assert sorted(shipped) == sorted(sources)
    assert shipped == sources
    assert {"metriccare_etl/bronze/run.py", "metriccare_etl/silver/run.py", "metriccare_etl/gold/run.py"} <= set(shipped)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_job_loads_that_zip(synthesized_stack, layer):
    # Prepare: the object key carries the ZIP's content hash, the folder synth staged it in
    content_hash = python_package_zip(synthesized_stack).parent.name

    # Act
    loaded = {default_arguments(synthesized_stack, layer, workspace)["--extra-py-files"] for workspace in workspaces(synthesized_stack)}

    # Assess
    assert all(uri.endswith(f"/glue/libs/metriccare_etl-{content_hash}.zip") for uri in loaded), loaded

"""The job arguments the stack really synthesizes, read by the jobs' parser as Glue passes them."""

import pytest
from local_runtime.synthesized_stack import GLUE_ARGUMENTS, KMS_KEY_ARN, LAYERS, default_arguments, glue_argv, job_name, synthesize
from metriccare_etl.glue_session import glue_conf
from metriccare_etl.job_args import parse_job_arguments, project_argument_names


@pytest.fixture(scope="module")
def terraform():
    return synthesize()


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("reverse", [False, True])
def test_each_job_reads_every_default_argument_the_stack_sets_for_it(terraform, layer, reverse):
    # Prepare
    defaults = default_arguments(terraform, layer, "dev")
    argv = glue_argv(defaults, name=job_name(terraform, layer, "dev"), job_run_id="jr_1", workflow_run_id="wr_1", reverse=reverse)
    project = {name[2:]: value for name, value in defaults.items() if name[2:] in project_argument_names(layer)}

    # Act
    parsed = parse_job_arguments(layer, argv)

    # Assess: every project argument the stack sets is read with its value, and nothing else is set
    assert {name: parsed.raw[name] for name in project} == project
    assert set(defaults) - {f"--{name}" for name in project} <= {f"--{name}" for name in GLUE_ARGUMENTS}
    assert (parsed.job_name, parsed.run_id, parsed.job_run_id, parsed.env) == (f"metriccare_{layer}_job_dev", "wr_1", "jr_1", "dev")


@pytest.mark.parametrize("layer", LAYERS)
def test_no_project_argument_is_a_prefix_of_a_glue_argument_or_the_reverse(terraform, layer):
    # Prepare
    glue = set(GLUE_ARGUMENTS) | {name[2:] for name in default_arguments(terraform, layer, "dev")}
    ours = set(project_argument_names(layer)) - set(GLUE_ARGUMENTS)

    # Act
    clashes = sorted((mine, theirs) for mine in ours for theirs in glue - {mine} if theirs.startswith(mine) or mine.startswith(theirs))

    # Assess
    assert clashes == []


@pytest.mark.parametrize("layer", LAYERS)
def test_the_spark_confs_of_each_job_set_hudi_and_s3a_with_sse_kms_under_the_environment_key(terraform, layer):
    # Prepare
    argv = glue_argv(default_arguments(terraform, layer, "dev"), name="job", job_run_id="jr_1")

    # Act
    confs = glue_conf(argv)

    # Assess
    assert confs == {
        "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
        "spark.kryo.registrator": "org.apache.spark.HoodieSparkKryoRegistrar",
        "spark.sql.extensions": "org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.hudi.catalog.HoodieCatalog",
        "spark.sql.hive.convertMetastoreParquet": "false",
        "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
        "spark.hadoop.fs.s3a.encryption.algorithm": "SSE-KMS",
        "spark.hadoop.fs.s3a.encryption.key": KMS_KEY_ARN,
    }

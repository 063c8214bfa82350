"""The job arguments the stack really synthesizes, read by the jobs' parser as Glue passes them.

Every expectation that depends on the configuration (workspaces, region, names) is read from the
synthesized JSON, so these tests hold for any configuration a user writes (the jest suite
__tests__/config/shipped-config-variations.test.ts runs them on a changed one)."""

import pytest
from local_runtime.synthesized_stack import (
    GLUE_ARGUMENTS,
    LAYERS,
    PROJECT_ROOT,
    default_arguments,
    glue_argv,
    job_name,
    kms_key_arn,
    provider_region,
    synthesize,
    workspaces,
)
from metriccare_etl.glue_session import glue_conf
from metriccare_etl.job_args import check_environment, parse_job_arguments, project_argument_names


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("reverse", [False, True])
def test_each_job_reads_every_default_argument_the_stack_sets_for_it_in_every_workspace(synthesized_stack, layer, reverse):
    for workspace in workspaces(synthesized_stack):
        # Prepare
        defaults = default_arguments(synthesized_stack, layer, workspace)
        name = job_name(synthesized_stack, layer, workspace)
        argv = glue_argv(defaults, name=name, job_run_id="jr_1", workflow_run_id="wr_1", reverse=reverse)
        project = {key[2:]: value for key, value in defaults.items() if key[2:] in project_argument_names(layer)}

        # Act
        parsed = parse_job_arguments(layer, argv)

        # Assess: every project argument the stack sets is read with its value, nothing else is set, and
        # the database is the one the job accepts for the workspace
        assert {key: parsed.raw[key] for key in project} == project
        assert set(defaults) - {f"--{key}" for key in project} <= {f"--{key}" for key in GLUE_ARGUMENTS}
        assert (parsed.job_name, parsed.run_id, parsed.job_run_id, parsed.env) == (name, "wr_1", "jr_1", workspace)
        check_environment(parsed)


def test_gold_reads_a_reference_date_given_for_one_run(synthesized_stack):
    # Prepare: `aws glue start-job-run --arguments '{"--reference_date": "2025-01-15"}'` beside the defaults
    (workspace, *_) = workspaces(synthesized_stack)
    defaults = {**default_arguments(synthesized_stack, "gold", workspace), "--reference_date": "2025-01-15"}

    # Act
    parsed = parse_job_arguments("gold", glue_argv(defaults, name="job", job_run_id="jr_1"))

    # Assess
    assert parsed.reference_date.isoformat() == "2025-01-15"


@pytest.mark.parametrize("layer", LAYERS)
def test_no_project_argument_is_a_prefix_of_a_glue_argument_or_the_reverse(synthesized_stack, layer):
    # Prepare
    glue = set(GLUE_ARGUMENTS) | {
        key[2:] for workspace in workspaces(synthesized_stack) for key in default_arguments(synthesized_stack, layer, workspace)
    }
    ours = set(project_argument_names(layer)) - set(GLUE_ARGUMENTS)

    # Act
    clashes = sorted((mine, theirs) for mine in ours for theirs in glue - {mine} if theirs.startswith(mine) or mine.startswith(theirs))

    # Assess
    assert clashes == []


@pytest.mark.parametrize("layer", LAYERS)
def test_the_spark_confs_of_each_job_set_hudi_and_s3a_in_the_stack_region_with_sse_kms_under_the_environment_key(synthesized_stack, layer):
    for workspace in workspaces(synthesized_stack):
        # Prepare
        argv = glue_argv(default_arguments(synthesized_stack, layer, workspace), name="job", job_run_id="jr_1")

        # Act
        confs = glue_conf(argv)

        # Assess
        assert confs == {
            "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
            "spark.kryo.registrator": "org.apache.spark.HoodieSparkKryoRegistrar",
            "spark.sql.extensions": "org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
            "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.hudi.catalog.HoodieCatalog",
            "spark.sql.hive.convertMetastoreParquet": "false",
            "spark.hadoop.fs.s3a.endpoint.region": provider_region(synthesized_stack),
            "spark.hadoop.fs.s3a.encryption.algorithm": "SSE-KMS",
            "spark.hadoop.fs.s3a.encryption.key": kms_key_arn(synthesized_stack),
        }


def test_the_job_arguments_come_from_a_synth_that_leaves_cdktf_out_alone():
    """`npm run etl:local` and these tests synthesize into a temporary folder: cdktf.out/ may hold a
    teardown's unprotected output, which a synth there would quietly protect again mid-teardown."""
    # Prepare
    shipped = PROJECT_ROOT / "cdktf.out" / "stacks" / "metriccare" / "cdk.tf.json"
    before = shipped.stat().st_mtime_ns if shipped.exists() else None

    # Act
    terraform = synthesize()

    # Assess
    assert sorted(name.split("_job")[0] for name in terraform["resource"]["aws_glue_job"]) == ["bronze", "gold", "silver"]
    assert (shipped.stat().st_mtime_ns if shipped.exists() else None) == before

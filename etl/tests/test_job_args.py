import unittest

from metriccare_etl.errors import JobArgumentError
from metriccare_etl.job_args import check_environment, parse_job_arguments


def get_resolved_options(argv, names):
    """Like awsglue.utils.getResolvedOptions: `--name value` pairs, an error for a missing name."""
    values = {}
    for name in names:
        flag = f"--{name}"
        if flag not in argv:
            raise SystemExit(f"error: the following arguments are required: {flag}")
        values[name] = argv[argv.index(flag) + 1]
    return values


def argv(**overrides):
    """The arguments the stack and Glue pass to a workflow-started job."""
    arguments = {
        "JOB_NAME": "metriccare_bronze_job_dev",
        "JOB_RUN_ID": "jr_abc",
        "WORKFLOW_NAME": "metriccare_etl_workflow_dev",
        "WORKFLOW_RUN_ID": "wr_123",
        "env": "dev",
        "raw_bucket": "metriccare-raw-dev",
        "raw_prefix": "fhir/",
        "lakehouse_bucket": "metriccare-lakehouse-dev",
        "bronze_database": "metriccare_bronze_dev",
        "silver_database": "metriccare_silver_dev",
        "gold_database": "metriccare_gold_dev",
        "processed_files_table": "metriccare_processed_files_dev",
        "processed_files_status_index": "status_index",
        "processed_files_ttl_days": "90",
        "config_s3_uri": "s3://metriccare-scripts-dev/config/lakehouse-1a2b.json",
    }
    arguments.update(overrides)
    tokens = ["script.py"]
    for name, value in arguments.items():
        if value is not None:
            tokens += [f"--{name}", value]
    return tokens


class ParseJobArgumentsTest(unittest.TestCase):
    def test_reads_what_each_layer_needs(self):
        # Act
        bronze = parse_job_arguments("bronze", argv(), get_resolved_options)
        gold = parse_job_arguments("gold", argv(raw_bucket=None, raw_prefix=None), get_resolved_options)
        # Assess
        self.assertEqual(
            (bronze.job_name, bronze.env, bronze.database, bronze.lakehouse_bucket),
            ("metriccare_bronze_job_dev", "dev", "metriccare_bronze_dev", "metriccare-lakehouse-dev"),
        )
        self.assertEqual(bronze.raw["raw_prefix"], "fhir/")
        self.assertEqual(bronze.processed_files_ttl_days, 90)
        self.assertEqual(gold.database, "metriccare_gold_dev")
        self.assertNotIn("raw_bucket", gold.raw)

    def test_the_run_id_is_the_workflow_run_else_the_job_run(self):
        self.assertEqual(parse_job_arguments("silver", argv(), get_resolved_options).run_id, "wr_123")
        self.assertEqual(
            parse_job_arguments("silver", argv(WORKFLOW_RUN_ID=None, WORKFLOW_NAME=None), get_resolved_options).run_id, "jr_abc"
        )
        with self.assertRaisesRegex(JobArgumentError, "^silver job: neither --WORKFLOW_RUN_ID nor --JOB_RUN_ID was given"):
            parse_job_arguments("silver", argv(WORKFLOW_RUN_ID=None, JOB_RUN_ID=None), get_resolved_options)

    def test_bronze_needs_the_job_run_id_that_owns_its_claims(self):
        # A Glue retry keeps WORKFLOW_RUN_ID and gets a new JOB_RUN_ID: the run id stays, the owner changes.
        retry = parse_job_arguments("bronze", argv(JOB_RUN_ID="jr_abc_attempt_1"), get_resolved_options)
        self.assertEqual((retry.run_id, retry.job_run_id), ("wr_123", "jr_abc_attempt_1"))
        with self.assertRaisesRegex(JobArgumentError, "^bronze job: --JOB_RUN_ID was not given; Glue passes it to every job run"):
            parse_job_arguments("bronze", argv(JOB_RUN_ID=None), get_resolved_options)
        self.assertIsNone(parse_job_arguments("silver", argv(JOB_RUN_ID=None), get_resolved_options).job_run_id)

    def test_a_missing_required_argument_is_reported_by_glue(self):
        with self.assertRaisesRegex(SystemExit, "--processed_files_table"):
            parse_job_arguments("bronze", argv(processed_files_table=None), get_resolved_options)

    def test_refuses_badly_shaped_arguments(self):
        cases = {
            "lakehouse_bucket": (
                "s3://metriccare-lakehouse-dev",
                'bronze job: `--lakehouse_bucket` must be a bucket name (no "s3://", no "/"), got "s3://metriccare-lakehouse-dev".',
            ),
            "raw_prefix": ("fhir", 'bronze job: `--raw_prefix` must end with "/" and not start with one (e.g. "fhir/"), got "fhir".'),
            "processed_files_ttl_days": (
                "0",
                'bronze job: `--processed_files_ttl_days` must be a whole number of days from 1 to 3650, got "0".',
            ),
        }
        for name, (value, message) in cases.items():
            with self.subTest(name=name), self.assertRaises(JobArgumentError) as raised:
                parse_job_arguments("bronze", argv(**{name: value}), get_resolved_options)
            self.assertEqual(str(raised.exception), message)


class CheckEnvironmentTest(unittest.TestCase):
    def test_accepts_the_database_of_the_workspace(self):
        check_environment(parse_job_arguments("silver", argv(), get_resolved_options))

    def test_accepts_any_workspace_and_project_prefix_the_stack_configures(self):
        check_environment(parse_job_arguments("silver", argv(env="qa", silver_database="acme_silver_qa"), get_resolved_options))

    def test_refuses_another_workspace_database(self):
        arguments = parse_job_arguments("gold", argv(env="prod"), get_resolved_options)
        with self.assertRaisesRegex(
            JobArgumentError, r'^gold job: `--gold_database` must be "<project>_gold_prod" for env "prod", got "metriccare_gold_dev".$'
        ):
            check_environment(arguments)

    def test_refuses_another_layer_database(self):
        arguments = parse_job_arguments("gold", argv(gold_database="metriccare_silver_dev"), get_resolved_options)
        with self.assertRaisesRegex(
            JobArgumentError, r'^gold job: `--gold_database` must be "<project>_gold_dev" for env "dev", got "metriccare_silver_dev".$'
        ):
            check_environment(arguments)

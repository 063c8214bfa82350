import datetime as dt
import unittest

from metriccare_etl.errors import JobArgumentError
from metriccare_etl.job_args import check_environment, parse_job_arguments


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
        "lakehouse_config_uri": "s3://metriccare-scripts-dev/config/lakehouse-1a2b.json",
        "metrics_namespace": "metriccare/dev",
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
        bronze = parse_job_arguments("bronze", argv())
        gold = parse_job_arguments("gold", argv(raw_bucket=None, raw_prefix=None))
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
        self.assertEqual(parse_job_arguments("silver", argv()).run_id, "wr_123")
        self.assertEqual(parse_job_arguments("silver", argv(WORKFLOW_RUN_ID=None, WORKFLOW_NAME=None)).run_id, "jr_abc")
        with self.assertRaisesRegex(JobArgumentError, "^silver job: neither --WORKFLOW_RUN_ID nor --JOB_RUN_ID was given"):
            parse_job_arguments("silver", argv(WORKFLOW_RUN_ID=None, JOB_RUN_ID=None))

    def test_bronze_needs_the_job_run_id_that_owns_its_claims(self):
        # A Glue retry keeps WORKFLOW_RUN_ID and gets a new JOB_RUN_ID: the run id stays, the owner changes.
        retry = parse_job_arguments("bronze", argv(JOB_RUN_ID="jr_abc_attempt_1"))
        self.assertEqual((retry.run_id, retry.job_run_id), ("wr_123", "jr_abc_attempt_1"))
        with self.assertRaisesRegex(JobArgumentError, "^bronze job: --JOB_RUN_ID was not given; Glue passes it to every job run"):
            parse_job_arguments("bronze", argv(JOB_RUN_ID=None))
        self.assertIsNone(parse_job_arguments("silver", argv(JOB_RUN_ID=None)).job_run_id)

    def test_a_missing_required_argument_is_named(self):
        # Act
        with self.assertRaises(JobArgumentError) as raised:
            parse_job_arguments("bronze", argv(processed_files_table=None, env=None))
        # Assess
        self.assertEqual(
            str(raised.exception),
            "bronze job: missing the argument(s) --env, --processed_files_table; the stack sets them as the job's default arguments.",
        )

    def test_takes_the_arguments_glue_adds_in_any_order(self):
        # Prepare: what Glue puts before and between the job's own arguments
        glue = [
            "--JOB_ID", "j_0123",
            "--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer --conf spark.hadoop.fs.s3a.endpoint.region=us-east-1",
            "--enable-glue-datacatalog", "true",
            "--datalake-formats", "hudi",
            "--TempDir", "s3://metriccare-lakehouse-dev/glue-temp/bronze/",
            "--extra-py-files", "s3://metriccare-scripts-dev/lib/metriccare_etl.zip",
        ]  # fmt: skip
        tokens = argv()
        forwards = tokens[:1] + glue + tokens[1:]
        backwards = tokens[:1] + [token for pair in reversed(list(zip(tokens[1::2], tokens[2::2], strict=True))) for token in pair] + glue
        # Act
        parsed = [parse_job_arguments("bronze", order) for order in (forwards, backwards)]
        # Assess
        self.assertEqual(parsed[0], parsed[1])
        self.assertEqual(
            (parsed[0].lakehouse_config_uri, parsed[0].job_run_id, parsed[0].run_id),
            ("s3://metriccare-scripts-dev/config/lakehouse-1a2b.json", "jr_abc", "wr_123"),
        )

    def test_glue_arguments_are_never_read_as_abbreviations_of_project_ones(self):
        # Prepare: `--conf` is a prefix of `--lakehouse_config_uri`; getResolvedOptions would take it for it
        tokens = argv(lakehouse_config_uri=None) + ["--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer"]
        # Act
        with self.assertRaises(JobArgumentError) as raised:
            parse_job_arguments("silver", tokens)
        # Assess
        self.assertEqual(
            str(raised.exception),
            "silver job: missing the argument(s) --lakehouse_config_uri; the stack sets them as the job's default arguments.",
        )

    def test_accepts_name_equals_value(self):
        # Act
        parsed = parse_job_arguments("gold", ["script.py"] + [token.replace(" ", "=") for token in _pairs(argv())])
        # Assess
        self.assertEqual(parsed.database, "metriccare_gold_dev")

    def test_an_argument_without_value_is_named(self):
        # Act
        with self.assertRaises(JobArgumentError) as raised:
            parse_job_arguments("gold", argv() + ["--env"])
        # Assess
        self.assertEqual(str(raised.exception), "gold job: argument --env: expected one argument.")

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
                parse_job_arguments("bronze", argv(**{name: value}))
            self.assertEqual(str(raised.exception), message)

    def test_gold_reads_an_optional_reference_date(self):
        # Act
        given = parse_job_arguments("gold", argv(reference_date="2024-06-15"))
        absent = parse_job_arguments("gold", argv())
        # Assess: None means the run date (run_gold's default)
        self.assertEqual((given.reference_date, absent.reference_date), (dt.date(2024, 6, 15), None))

    def test_refuses_a_reference_date_that_is_not_a_calendar_date(self):
        for value in ("2024-6-15", "2024-02-30", "15/06/2024", ""):
            with self.subTest(value=value), self.assertRaises(JobArgumentError) as raised:
                parse_job_arguments("gold", argv(reference_date=value))
            self.assertEqual(
                str(raised.exception),
                f'gold job: `--reference_date` must be a calendar date in the format YYYY-MM-DD (e.g. "2025-01-15"), got "{value}".',
            )
        with self.assertRaises(JobArgumentError) as raised:
            parse_job_arguments("gold", argv() + ["--reference_date"])
        self.assertEqual(str(raised.exception), "gold job: argument --reference_date: expected one argument.")


def _pairs(tokens):
    return [f"{name} {value}" for name, value in zip(tokens[1::2], tokens[2::2], strict=True)]


class CheckEnvironmentTest(unittest.TestCase):
    def test_accepts_the_database_of_the_workspace(self):
        check_environment(parse_job_arguments("silver", argv()))

    def test_accepts_any_workspace_and_project_prefix_the_stack_configures(self):
        check_environment(parse_job_arguments("silver", argv(env="qa", silver_database="acme_silver_qa", metrics_namespace="acme/qa")))

    def test_refuses_another_workspace_database(self):
        arguments = parse_job_arguments("gold", argv(env="prod"))
        with self.assertRaisesRegex(
            JobArgumentError, r'^gold job: `--gold_database` must be "<project>_gold_prod" for env "prod", got "metriccare_gold_dev".$'
        ):
            check_environment(arguments)

    def test_refuses_another_workspace_metrics_namespace(self):
        # A staging job publishing into dev's namespace would leave staging's alarms blind and dev's wrong.
        arguments = parse_job_arguments("bronze", argv(env="staging", bronze_database="metriccare_bronze_staging"))
        with self.assertRaisesRegex(
            JobArgumentError,
            r'^bronze job: `--metrics_namespace` must be "<project>/staging" for env "staging" \(printable ASCII, at most 255 characters, '
            r'not starting with ":" or "AWS/"\), got "metriccare/dev".$',
        ):
            check_environment(arguments)

    def test_refuses_a_namespace_cloudwatch_refuses(self):
        # PutMetricData's rules: "AWS/" is reserved, ":" may not lead, printable ASCII, 1-255 characters.
        for namespace in ("AWS/dev", ":metriccare/dev", "m\u00e9triccare/dev", "/dev", "x" * 252 + "/dev"):
            with self.subTest(namespace=namespace), self.assertRaisesRegex(JobArgumentError, "`--metrics_namespace` must be"):
                check_environment(parse_job_arguments("silver", argv(metrics_namespace=namespace)))
        check_environment(parse_job_arguments("silver", argv(metrics_namespace="x" * 251 + "/dev")))

    def test_refuses_another_layer_database(self):
        arguments = parse_job_arguments("gold", argv(gold_database="metriccare_silver_dev"))
        with self.assertRaisesRegex(
            JobArgumentError, r'^gold job: `--gold_database` must be "<project>_gold_dev" for env "dev", got "metriccare_silver_dev".$'
        ):
            check_environment(arguments)

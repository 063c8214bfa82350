import copy
import io
import json
import unittest
from pathlib import Path

from metriccare_etl.config import load_config_from_s3, parse_config, parse_s3_uri
from metriccare_etl.errors import ConfigError

from .fakes import FakeClientError

SHIPPED = Path(__file__).parents[1] / "config" / "lakehouse.json"


def shipped():
    return json.loads(SHIPPED.read_text())


def parse(document):
    return parse_config(json.dumps(document))


class ShippedConfigTest(unittest.TestCase):
    def setUp(self):
        self.config = parse_config(SHIPPED.read_text())

    def test_declares_every_table_of_every_layer(self):
        self.assertEqual(list(self.config.bronze_tables), ["patient", "encounter", "condition"])
        self.assertEqual(list(self.config.silver_tables), ["patient", "encounter", "condition"])
        self.assertEqual(
            list(self.config.gold_tables),
            [
                "encounters_by_class_month",
                "average_length_of_stay",
                "readmission_rate_30d",
                "condition_prevalence",
                "patients_by_age_band_gender",
            ],
        )

    def test_places_tables_under_their_layer_prefix(self):
        self.assertEqual(self.config.bronze_tables["patient"].s3_uri("lake"), "s3://lake/bronze/patient/")
        self.assertEqual(self.config.silver_tables["encounter"].path, "silver/encounter/")
        self.assertEqual(self.config.gold_tables["condition_prevalence"].path, "gold/condition_prevalence/")

    def test_bronze_keys_on_id_and_orders_by_meta_last_updated(self):
        table = self.config.bronze_tables["condition"]
        self.assertEqual((table.record_key, table.precombine_field, table.partition_fields), (("id",), "meta.lastUpdated", ()))

    def test_gives_each_silver_table_a_quarantine_table_under_quarantine_silver(self):
        quarantine = self.config.silver_quarantine_tables["encounter"]
        self.assertEqual(
            (quarantine.layer, quarantine.name, quarantine.path), ("silver", "encounter_quarantine", "quarantine/silver/encounter/")
        )
        self.assertEqual((quarantine.record_key, quarantine.partition_fields), (("record_hash",), ("reason_code",)))

    def test_bronze_quarantine_and_run_reports_locations(self):
        self.assertEqual(self.config.bronze_quarantine_prefix, "quarantine/bronze/")
        self.assertEqual(self.config.bronze_run_reports_prefix, "bronze/_run_reports/")
        self.assertEqual(self.config.max_files_per_run, 2000)


class ConfigErrorsTest(unittest.TestCase):
    def assertRefused(self, change, message):
        # Prepare
        document = shipped()
        change(document)
        # Act / Assess
        with self.assertRaises(ConfigError) as raised:
            parse(document)
        self.assertEqual(str(raised.exception), message)

    def test_names_the_field_the_value_and_what_is_allowed(self):
        self.assertRefused(
            lambda d: d["layers"]["silver"]["tables"]["encounter"].update(partition_fields=["period_month"]),
            'lakehouse.json: `layers.silver.tables.encounter.partition_fields[0]` must be a column of silver table "encounter" (one of: id, last_updated, status, class_system, class_code, class_display, type_system, type_code, type_display, patient_id, patient_reference, period_start, period_end, period_start_month, length_of_stay_days, length_of_stay_hours, is_inpatient, period_start_date, period_end_date, discharge_disposition, source_object, record_hash, processed_at), got "period_month".',
        )

    def test_refuses_a_record_key_that_is_not_a_column(self):
        self.assertRefused(
            lambda d: d["layers"]["gold"]["tables"]["readmission_rate_30d"].update(record_key=["month"]),
            'lakehouse.json: `layers.gold.tables.readmission_rate_30d.record_key[0]` must be a column of gold table "readmission_rate_30d" (one of: discharge_month, index_admissions, readmissions_30d, readmission_rate, reference_date, computed_at), got "month".',
        )
        self.assertRefused(
            lambda d: d["layers"]["bronze"]["tables"]["patient"].update(record_key=[]),
            "lakehouse.json: `layers.bronze.tables.patient.record_key` must be a non-empty list of names, got [].",
        )

    def test_refuses_a_precombine_field_that_is_not_a_column(self):
        self.assertRefused(
            lambda d: d["layers"]["bronze"]["tables"]["patient"].update(precombine_field="meta.versionid"),
            'lakehouse.json: `layers.bronze.tables.patient.precombine_field` must be a column or struct field of bronze table "patient" (one of: id, meta, meta.lastUpdated, meta.versionId, resource_type, resource_json, source_object, source_file_key, ingestion_time, run_id, record_hash), got "meta.versionid".',
        )

    def test_refuses_partitions_on_timestamps_and_on_the_record_key(self):
        self.assertRefused(
            lambda d: d["layers"]["silver"]["tables"]["encounter"].update(partition_fields=["period_start"]),
            'lakehouse.json: `layers.silver.tables.encounter.partition_fields[0]` must be a column of type string, int, bigint, date ("period_start" is timestamp), got "period_start".',
        )
        self.assertRefused(
            lambda d: d["layers"]["silver"]["tables"]["patient"].update(partition_fields=["id"]),
            'lakehouse.json: `layers.silver.tables.patient.partition_fields[0]` must be a column that is not also in record_key, got "id".',
        )
        self.assertRefused(
            lambda d: d["layers"]["silver"]["tables"]["condition"].update(partition_fields=["onset_month", "onset_month"]),
            'lakehouse.json: `layers.silver.tables.condition.partition_fields[1]` must be a name not already listed, got "onset_month".',
        )

    def test_refuses_unknown_and_missing_tables_and_fields(self):
        self.assertRefused(
            lambda d: d["layers"]["bronze"]["tables"].update(observation={}),
            'lakehouse.json: `layers.bronze.tables` has an unknown field "observation" (allowed: patient, encounter, condition).',
        )
        self.assertRefused(
            lambda d: d["layers"]["gold"]["tables"].pop("condition_prevalence"),
            'lakehouse.json: `layers.gold.tables` is missing the field "condition_prevalence".',
        )
        self.assertRefused(
            lambda d: d["layers"]["silver"]["tables"]["patient"].update(partiton_fields=[]),
            'lakehouse.json: `layers.silver.tables.patient` has an unknown field "partiton_fields" (allowed: record_key, precombine_field, partition_fields, comment).',
        )
        self.assertRefused(lambda d: d.pop("layers"), 'lakehouse.json: the top level is missing the field "layers".')

    def test_refuses_bad_prefixes_limits_and_versions(self):
        self.assertRefused(
            lambda d: d["layers"]["silver"].update(quarantine_prefix="quarantine/silver"),
            'lakehouse.json: `layers.silver.quarantine_prefix` must be a key prefix ending in "/" without a leading "/" (e.g. "silver/"), got "quarantine/silver".',
        )
        self.assertRefused(
            lambda d: d["layers"]["bronze"].update(max_files_per_run=0),
            "lakehouse.json: `layers.bronze.max_files_per_run` must be an integer from 1 to 100000, got 0.",
        )
        self.assertRefused(lambda d: d.update(config_version=2), "lakehouse.json: `config_version` must be 1, got 2.")
        self.assertRefused(
            lambda d: d.update(environments=["dev"]),
            'lakehouse.json: the top level has an unknown field "environments" (allowed: config_version, layers).',
        )

    def test_refuses_a_document_that_is_not_an_object(self):
        with self.assertRaisesRegex(ConfigError, r"^lakehouse.json: the top level must be a JSON object, got \[\].$"):
            parse_config("[]")

    def test_refuses_text_that_is_not_json(self):
        with self.assertRaisesRegex(ConfigError, r"^lakehouse.json: not valid JSON: Expecting value at line 1 column 1.$"):
            parse_config("layers: bronze")


class LoadFromS3Test(unittest.TestCase):
    def test_reads_the_object_named_by_the_uri(self):
        # Prepare
        class S3:
            def get_object(self, Bucket, Key):
                self.asked = (Bucket, Key)
                return {"Body": io.BytesIO(SHIPPED.read_bytes())}

        s3 = S3()
        # Act
        config = load_config_from_s3(s3, "s3://metriccare-scripts-dev/config/lakehouse-ab12.json")
        # Assess
        self.assertEqual(s3.asked, ("metriccare-scripts-dev", "config/lakehouse-ab12.json"))
        self.assertIn("patient", config.bronze_tables)

    def test_errors_name_the_uri(self):
        class S3:
            def get_object(self, Bucket, Key):
                raise FakeClientError("AccessDenied")

        with self.assertRaisesRegex(ConfigError, r"^cannot read the lakehouse config at s3://b/k.json: An error occurred \(AccessDenied\)"):
            load_config_from_s3(S3(), "s3://b/k.json")

        class S3WithBadFile:
            def get_object(self, Bucket, Key):
                document = copy.deepcopy(shipped())
                document["config_version"] = "1"
                return {"Body": io.BytesIO(json.dumps(document).encode())}

        with self.assertRaisesRegex(ConfigError, r'^s3://b/k.json: `config_version` must be 1, got "1".$'):
            load_config_from_s3(S3WithBadFile(), "s3://b/k.json")

    def test_parse_s3_uri(self):
        self.assertEqual(parse_s3_uri("s3://bucket/a/b.json"), ("bucket", "a/b.json"))
        for uri in ("bucket/a.json", "s3://bucket", "s3://bucket/", "https://bucket/a.json"):
            with self.subTest(uri=uri), self.assertRaisesRegex(ConfigError, "must be an s3://bucket/key URI"):
                parse_s3_uri(uri)

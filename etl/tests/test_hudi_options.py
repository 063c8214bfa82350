import unittest

from metriccare_etl.config import TableConfig, parse_config
from metriccare_etl.hudi_options import hudi_write_options
from metriccare_etl.schemas import SILVER_QUARANTINE_COLUMNS

from .test_config import SHIPPED

CONFIG = parse_config(SHIPPED.read_text())


class HudiWriteOptionsTest(unittest.TestCase):
    def test_bronze_upserts_by_id_ordered_by_meta_last_updated_without_partitions(self):
        options = hudi_write_options(CONFIG.bronze_tables["patient"], "metriccare_bronze_dev")
        self.assertEqual(options["hoodie.table.name"], "patient")
        self.assertEqual(options["hoodie.datasource.write.operation"], "upsert")
        self.assertEqual(options["hoodie.datasource.write.recordkey.field"], "id")
        self.assertEqual(options["hoodie.datasource.write.precombine.field"], "meta.lastUpdated")
        self.assertEqual(options["hoodie.datasource.write.partitionpath.field"], "")
        self.assertEqual(options["hoodie.datasource.write.keygenerator.class"], "org.apache.hudi.keygen.NonpartitionedKeyGenerator")
        self.assertEqual(options["hoodie.datasource.hive_sync.partition_extractor_class"], "org.apache.hudi.hive.NonPartitionedExtractor")
        self.assertNotIn("hoodie.index.type", options)

    def test_an_older_copy_never_replaces_a_newer_stored_row(self):
        options = hudi_write_options(CONFIG.bronze_tables["encounter"], "metriccare_bronze_dev")
        self.assertEqual(options["hoodie.write.record.merge.mode"], "EVENT_TIME_ORDERING")
        self.assertEqual(options["hoodie.datasource.write.precombine.field"], "meta.lastUpdated")

    def test_uses_no_option_hudi_1_0_deprecates(self):
        options = hudi_write_options(CONFIG.bronze_tables["encounter"], "metriccare_bronze_dev")
        deprecated = {"hoodie.datasource.write.payload.class", "hoodie.payload.ordering.field", "hoodie.datasource.hive_sync.use_jdbc"}
        self.assertEqual(deprecated & set(options), set())

    def test_syncs_nothing_without_a_catalog(self):
        options = hudi_write_options(CONFIG.gold_tables["readmission_rate_30d"], "metriccare_gold_dev", catalog_sync=False)
        self.assertEqual(options["hoodie.datasource.hive_sync.enable"], "false")

    def test_syncs_every_table_to_the_glue_catalog_through_hms(self):
        options = hudi_write_options(CONFIG.silver_tables["encounter"], "metriccare_silver_prod")
        self.assertEqual(
            {name: value for name, value in options.items() if name.startswith("hoodie.datasource.hive_sync.")},
            {
                "hoodie.datasource.hive_sync.enable": "true",
                "hoodie.datasource.hive_sync.mode": "hms",
                "hoodie.datasource.hive_sync.database": "metriccare_silver_prod",
                "hoodie.datasource.hive_sync.table": "encounter",
                "hoodie.datasource.hive_sync.partition_fields": "period_start_month",
                "hoodie.datasource.hive_sync.partition_extractor_class": "org.apache.hudi.hive.MultiPartKeysValueExtractor",
                "hoodie.datasource.hive_sync.auto_create_database": "false",
                "hoodie.datasource.hive_sync.support_timestamp": "true",
            },
        )

    def test_partitioned_tables_use_a_global_index_and_hive_style_paths(self):
        options = hudi_write_options(CONFIG.silver_tables["encounter"], "metriccare_silver_dev")
        self.assertEqual(options["hoodie.datasource.write.partitionpath.field"], "period_start_month")
        self.assertEqual(options["hoodie.datasource.write.keygenerator.class"], "org.apache.hudi.keygen.SimpleKeyGenerator")
        self.assertEqual(options["hoodie.datasource.write.hive_style_partitioning"], "true")
        self.assertEqual(options["hoodie.index.type"], "GLOBAL_SIMPLE")
        self.assertEqual(options["hoodie.simple.index.update.partition.path"], "true")

    def test_quarantine_tables_are_named_after_their_silver_table(self):
        options = hudi_write_options(CONFIG.silver_quarantine_tables["condition"], "metriccare_silver_dev")
        self.assertEqual(options["hoodie.datasource.hive_sync.table"], "condition_quarantine")
        self.assertEqual(options["hoodie.datasource.write.recordkey.field"], "record_hash")
        self.assertEqual(options["hoodie.datasource.hive_sync.partition_fields"], "reason_code")

    def test_gold_rewrites_whole_tables_with_composite_keys(self):
        options = hudi_write_options(CONFIG.gold_tables["encounters_by_class_month"], "metriccare_gold_dev")
        self.assertEqual(options["hoodie.datasource.write.operation"], "insert_overwrite_table")
        self.assertEqual(options["hoodie.datasource.write.recordkey.field"], "encounter_class,period_month")
        self.assertEqual(options["hoodie.datasource.write.precombine.field"], "computed_at")
        self.assertEqual(options["hoodie.datasource.write.keygenerator.class"], "org.apache.hudi.keygen.NonpartitionedKeyGenerator")

    def test_a_composite_key_with_partitions_uses_the_complex_key_generator(self):
        table = TableConfig(
            "silver", "t", "silver/t/", SILVER_QUARANTINE_COLUMNS, ("record_hash", "id"), "quarantined_at", ("reason_code",)
        )
        self.assertEqual(
            hudi_write_options(table, "db")["hoodie.datasource.write.keygenerator.class"], "org.apache.hudi.keygen.ComplexKeyGenerator"
        )

    def test_every_value_is_a_string(self):
        for table in [*CONFIG.bronze_tables.values(), *CONFIG.silver_tables.values(), *CONFIG.gold_tables.values()]:
            with self.subTest(table=f"{table.layer}.{table.name}"):
                self.assertTrue(all(isinstance(value, str) for value in hudi_write_options(table, "db").values()))


class AthenaReadableTest(unittest.TestCase):
    def test_silver_and_gold_are_written_as_table_version_6_without_upgrade_or_metadata_table(self):
        tables = [*CONFIG.silver_tables.values(), *CONFIG.silver_quarantine_tables.values(), *CONFIG.gold_tables.values()]
        for table in tables:
            with self.subTest(table=f"{table.layer}.{table.name}"):
                options = hudi_write_options(table, f"metriccare_{table.layer}_prod")
                self.assertEqual(
                    {
                        name: options.get(name)
                        for name in ("hoodie.write.table.version", "hoodie.write.auto.upgrade", "hoodie.metadata.enable")
                    },
                    {"hoodie.write.table.version": "6", "hoodie.write.auto.upgrade": "false", "hoodie.metadata.enable": "false"},
                )

    def test_bronze_keeps_hudi_1_0_defaults(self):
        for table in CONFIG.bronze_tables.values():
            options = hudi_write_options(table, "metriccare_bronze_prod")
            self.assertEqual({"hoodie.write.table.version", "hoodie.write.auto.upgrade", "hoodie.metadata.enable"} & set(options), set())

import unittest

from metriccare_etl.schemas import BRONZE_COLUMNS, GOLD_COLUMNS, SILVER_COLUMNS, SILVER_QUARANTINE_COLUMNS, as_row, ddl, field_names


class SchemasTest(unittest.TestCase):
    def test_ddl_is_the_schema_string_spark_accepts(self):
        self.assertTrue(ddl(BRONZE_COLUMNS).startswith("id string, meta struct<lastUpdated:string,versionId:string>, resource_type string"))

    def test_field_names_include_struct_fields(self):
        self.assertIn("meta.lastUpdated", field_names(BRONZE_COLUMNS))

    def test_as_row_orders_values_and_refuses_missing_or_extra_keys(self):
        columns = GOLD_COLUMNS["patients_by_age_band_gender"]
        self.assertEqual(
            as_row({"gender": "female", "age_band": "0-17", "patient_count": 1, "reference_date": None, "computed_at": None}, columns),
            ("0-17", "female", 1, None, None),
        )
        with self.assertRaisesRegex(KeyError, r"missing \['computed_at', 'reference_date'\], unexpected \['extra'\]"):
            as_row({"gender": "f", "age_band": "0-17", "patient_count": 1, "extra": 1}, columns)

    def test_column_names_are_unique_lowercase_identifiers(self):
        # The Glue Catalog lowercases column names; a mixed-case or duplicate name would not round-trip.
        tables = {"bronze": BRONZE_COLUMNS, "quarantine": SILVER_QUARANTINE_COLUMNS, **SILVER_COLUMNS, **GOLD_COLUMNS}
        for name, columns in tables.items():
            with self.subTest(table=name):
                names = [column.name for column in columns]
                self.assertEqual(len(names), len(set(names)))
                self.assertTrue(all(column.islower() and column.isidentifier() for column in names))

import unittest

from metriccare_etl.config import parse_config
from metriccare_etl.hudi_options import hudi_write_options
from metriccare_etl.spark_tables import write_rows

from .fakes import FakeRDD
from .test_config import SHIPPED

CONFIG = parse_config(SHIPPED.read_text())


class FakeWriter:
    def __init__(self, frame):
        self.frame, self.calls = frame, []

    def __getattr__(self, method):
        def record(*args, **kwargs):
            self.calls.append((method, args, kwargs))
            return self

        return record


class FakeFrame:
    def __init__(self, rows, schema):
        self.rows, self.schema = rows, schema
        self.write = FakeWriter(self)


class FakeSpark:
    def __init__(self):
        self.frames = []

    def createDataFrame(self, rdd, schema):
        frame = FakeFrame(rdd.collect(), schema)
        self.frames.append(frame)
        return frame


class WriteRowsTest(unittest.TestCase):
    def test_writes_rows_in_column_order_with_the_table_hudi_options(self):
        # Prepare
        spark, table = FakeSpark(), CONFIG.gold_tables["patients_by_age_band_gender"]
        rows = FakeRDD.of([{"patient_count": 3, "gender": "male", "age_band": "18-34", "computed_at": None}])
        # Act
        written = write_rows(spark, rows, table, "metriccare_gold_dev", "metriccare-lakehouse-dev")
        # Assess
        frame = spark.frames[0]
        self.assertTrue(written)
        self.assertEqual(frame.rows, [("18-34", "male", 3, None)])
        self.assertEqual(frame.schema, "age_band string, gender string, patient_count bigint, computed_at timestamp")
        self.assertEqual(
            frame.write.calls,
            [
                ("format", ("hudi",), {}),
                ("options", (), hudi_write_options(table, "metriccare_gold_dev")),
                ("mode", ("append",), {}),
                ("save", ("s3://metriccare-lakehouse-dev/gold/patients_by_age_band_gender/",), {}),
            ],
        )

    def test_writes_nothing_for_no_rows(self):
        spark = FakeSpark()
        self.assertFalse(write_rows(spark, FakeRDD.of([]), CONFIG.silver_tables["patient"], "db", "bucket"))
        self.assertEqual(spark.frames, [])

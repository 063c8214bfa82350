import datetime as dt
import unittest

from metriccare_etl.fhir.time import format_instant, normalize_instant, parse_fhir_datetime

from .support import utc


class ParseFhirDatetimeTest(unittest.TestCase):
    def test_reads_every_precision_fhir_allows(self):
        cases = {
            "2024": utc(2024, 1, 1),
            "2024-05": utc(2024, 5, 1),
            "2024-05-17": utc(2024, 5, 17),
            "2024-05-17T10:20:30Z": utc(2024, 5, 17, 10, 20, 30),
            "2024-05-17T10:20:30.5Z": utc(2024, 5, 17, 10, 20, 30, 500000),
            "2024-05-17T10:20:30.123456789Z": utc(2024, 5, 17, 10, 20, 30, 123456),
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_fhir_datetime(text), expected)

    def test_converts_offsets_to_utc(self):
        self.assertEqual(parse_fhir_datetime("2024-05-17T01:00:00+02:00"), utc(2024, 5, 16, 23, 0))
        self.assertEqual(parse_fhir_datetime("2024-05-17T22:00:00-04:00"), utc(2024, 5, 18, 2, 0))

    def test_reads_a_time_without_offset_as_utc(self):
        self.assertEqual(parse_fhir_datetime("2024-05-17T10:00:00"), utc(2024, 5, 17, 10, 0))

    def test_returns_none_for_anything_else(self):
        for value in ("2024-02-30", "17/05/2024", "2024-5-17", "", "yesterday", None, 20240517, "2024-05-17T25:00:00Z"):
            with self.subTest(value=value):
                self.assertIsNone(parse_fhir_datetime(value))


class FormatInstantTest(unittest.TestCase):
    def test_text_order_is_time_order_whatever_the_source_offset(self):
        # Prepare: 09:30Z is later than 11:00+02:00 (09:00Z), though it sorts first as written.
        earlier, later = "2024-01-01T11:00:00+02:00", "2024-01-01T09:30:00Z"
        # Act
        normalized = [normalize_instant(earlier), normalize_instant(later)]
        # Assess
        self.assertEqual(normalized, ["2024-01-01T09:00:00.000000Z", "2024-01-01T09:30:00.000000Z"])
        self.assertLess(normalized[0], normalized[1])

    def test_treats_naive_datetimes_as_utc(self):
        self.assertEqual(format_instant(dt.datetime(2024, 1, 2, 3, 4, 5)), "2024-01-02T03:04:05.000000Z")

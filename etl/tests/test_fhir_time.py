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

    def test_reads_a_leap_second_as_the_last_microsecond_of_second_59(self):
        # R4's dateTime and instant allow second 60; read as :59.999999 in the value's own offset.
        cases = {
            "2016-12-31T23:59:60Z": utc(2016, 12, 31, 23, 59, 59, 999999),
            "2016-12-31T23:59:60.5Z": utc(2016, 12, 31, 23, 59, 59, 999999),
            "2016-12-31T18:59:60-05:00": utc(2016, 12, 31, 23, 59, 59, 999999),
            "2015-07-01T01:59:60+02:00": utc(2015, 6, 30, 23, 59, 59, 999999),
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_fhir_datetime(text), expected)

    def test_returns_none_for_anything_else(self):
        for value in (
            "2024-02-30",
            "17/05/2024",
            "2024-5-17",
            "",
            "yesterday",
            None,
            20240517,
            "2024-05-17T25:00:00Z",
            "2016-12-31T23:59:61Z",
            "2016-12-31T23:60:00Z",
        ):
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

    def test_a_leap_second_sorts_after_second_59_and_before_the_next_minute(self):
        # Prepare: Bronze's precombine field must keep the order of the three instants.
        texts = ["2016-12-31T23:59:59Z", "2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"]
        # Act
        normalized = [normalize_instant(text) for text in texts]
        # Assess
        self.assertEqual(normalized, ["2016-12-31T23:59:59.000000Z", "2016-12-31T23:59:59.999999Z", "2017-01-01T00:00:00.000000Z"])

    def test_treats_naive_datetimes_as_utc(self):
        self.assertEqual(format_instant(dt.datetime(2024, 1, 2, 3, 4, 5)), "2024-01-02T03:04:05.000000Z")

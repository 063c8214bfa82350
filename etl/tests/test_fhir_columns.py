"""FHIR date/dateTime values as Silver's Spark columns (`fhir.columns`): one reading per value, the same as
Bronze's Python one (`fhir.time`), and R4's ordering of partial dates (etl/README.md, "Partial dates",
"Leap seconds"). Expected values are worked out from the R4 datatypes and Period definitions."""

import datetime as dt

from metriccare_etl.fhir.columns import ends_before, fhir_instant, fhir_local_date, is_fhir_datetime, not_before
from metriccare_etl.fhir.time import parse_fhir_datetime
from pyspark.sql import functions as F

# (text, UTC instant, local date, valid): partial dates are their first instant and day; a leap second
# is the last microsecond of second 59 in the value's own offset, never half-read.
VALUES = [
    ("2020", dt.datetime(2020, 1, 1), dt.date(2020, 1, 1), True),
    ("2020-05", dt.datetime(2020, 5, 1), dt.date(2020, 5, 1), True),
    ("2024-02-10", dt.datetime(2024, 2, 10), dt.date(2024, 2, 10), True),
    ("2024-02-10T10:00:00+01:00", dt.datetime(2024, 2, 10, 9), dt.date(2024, 2, 10), True),
    ("2024-01-31T21:00:00-05:00", dt.datetime(2024, 2, 1, 2), dt.date(2024, 1, 31), True),
    ("2016-12-31T23:59:60Z", dt.datetime(2016, 12, 31, 23, 59, 59, 999999), dt.date(2016, 12, 31), True),
    ("2016-12-31T23:59:60.25Z", dt.datetime(2016, 12, 31, 23, 59, 59, 999999), dt.date(2016, 12, 31), True),
    ("2016-12-31T18:59:60-05:00", dt.datetime(2016, 12, 31, 23, 59, 59, 999999), dt.date(2016, 12, 31), True),
    ("2016-12-31T23:59:61Z", None, None, False),
    ("2023-02-29", None, None, False),
    ("yesterday", None, None, False),
]


def test_a_value_reads_as_one_instant_and_one_local_date_as_bronze_reads_it(spark):
    # Prepare
    frame = spark.createDataFrame([(text,) for text, *_ in VALUES], "text string")
    text = F.col("text")
    # Act
    read = {
        row["text"]: (row["instant"], row["date"], row["valid"])
        for row in frame.select(
            "text",
            fhir_instant(text).alias("instant"),
            fhir_local_date(text).alias("date"),
            is_fhir_datetime(text).alias("valid"),
        ).collect()
    }
    # Assess: invalid values may still parse partly (2023-02-29 is not a day), but are never valid.
    assert {text: read[text][2] for text, *_ in VALUES} == {text: valid for text, _, _, valid in VALUES}
    for text, instant, date, valid in VALUES:
        if valid:
            assert read[text][:2] == (instant, date), text
            assert parse_fhir_datetime(text).replace(tzinfo=None) == instant, text


# (end, start, whether end lies wholly before start)
ORDER = [
    ("2020", "2020-06-15", False),  # a year-only death in the birth year
    ("2019", "2020-06-15", True),
    ("2020-06", "2020-06-15", False),
    ("2020-05", "2020-06-15", True),
    ("2019-05", "2019-05-20", False),  # abatement in the onset month
    ("2019-04", "2019-05-20", True),
    ("2019-05-19", "2019-05-20", True),
    ("2024-02-10", "2024-02-10T10:00:00+01:00", False),  # a date-only end includes its whole day
    ("2024-02-09", "2024-02-10T10:00:00+01:00", True),
    ("2024-02-10", "2024-02-11T01:00:00+01:00", True),  # the start's own date is the 11th (UTC: the 10th)
    ("2024", "2024-12-31T23:00:00-05:00", False),
    ("2024-02-10T09:59:59+01:00", "2024-02-10T10:00:00+01:00", True),
    ("2024-02-10T09:30:00Z", "2024-02-10T10:00:00+01:00", False),  # 09:30Z is after 09:00Z
    ("2016-12-31T23:59:59Z", "2016-12-31T23:59:60Z", True),
    ("2017-01-01T00:00:00Z", "2016-12-31T23:59:60Z", False),
    ("yesterday", "2024-01-01", None),
    (None, "2024", None),
]


def test_ends_before_only_when_the_two_periods_cannot_overlap(spark):
    # Prepare
    frame = spark.createDataFrame(
        [(index, end, start) for index, (end, start, _) in enumerate(ORDER)], "case int, end string, start string"
    )
    # Act
    read = frame.select("case", ends_before(F.col("end"), F.col("start")).alias("before")).collect()
    # Assess
    assert sorted((row["case"], row["before"]) for row in read) == [(index, expected) for index, (*_, expected) in enumerate(ORDER)]


def test_not_before_keeps_a_date_unless_it_is_before_the_earliest_it_may_be(spark):
    # Prepare: a year-only death (2020-01-01) of a patient born 2020-06-15, a later one, none.
    rows = [(dt.date(2020, 1, 1), dt.date(2020, 6, 15)), (dt.date(2021, 1, 1), dt.date(2020, 6, 15)), (None, dt.date(2020, 6, 15))]
    frame = spark.createDataFrame(rows, "date date, earliest date")
    # Act
    read = [row[0] for row in frame.select(not_before(F.col("date"), F.col("earliest"))).collect()]
    # Assess
    assert read == [dt.date(2020, 6, 15), dt.date(2021, 1, 1), None]

"""The data-quality metrics of a run: their values from the run report (worked out by hand below),
their delivery to CloudWatch (moto, as PutMetricData stores them), and their agreement with the
alarms of the synthesized stack, which watch them by name and dimensions."""

import datetime as dt
import unittest

import boto3
import pytest
from metriccare_etl.errors import MetricsPublishError
from metriccare_etl.quality_metrics import MAX_METRICS_PER_REQUEST, bronze_metrics, publish_metrics, silver_metrics
from metriccare_etl.silver.run import SilverResult

AT = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)
# A Bronze run: 4 files, one partial (3 entries quarantined), one failed (nothing of it read).
BRONZE_REPORT = {
    "files_claimed": 4,
    "files_processed": 2,
    "files_partial": 1,
    "files_failed": 1,
    "records_by_table": {"condition": 3, "encounter": 4, "patient": 5},
    "entries_quarantined_by_reason": {"invalid_id": 2, "missing_resource_type": 1},
}
# Silver: patient 8 accepted (6 of them changed) and 2 quarantined, encounter 3 accepted, condition skipped.
SILVER_RESULTS = [
    SilverResult("patient", 11, 2200, 6, 2, False, 8, {"deceased_before_birth": 1, "invalid_gender": 1}),
    SilverResult("encounter", 3, 900, 3, 0, False, 3, {}),
    SilverResult("condition", 0, 0, 0, 0, True, 0, {}),
]


def _values(data):
    """{(name, ((dimension, value), ...)): (value, unit)} of metric data."""
    return {
        (datum["MetricName"], tuple((d["Name"], d["Value"]) for d in datum["Dimensions"])): (datum["Value"], datum["Unit"])
        for datum in data
    }


class BronzeMetricsTest(unittest.TestCase):
    def test_counts_and_share_of_a_run_report(self):
        # Act
        values = _values(bronze_metrics(BRONZE_REPORT, AT))
        # Assess: read = 3 + 4 + 5 accepted + 3 quarantined = 15; share 3 / 15 = 20 %
        job = (("Job", "bronze"),)
        self.assertEqual(
            values,
            {
                ("RecordsRead", job): (15, "Count"),
                ("RecordsAccepted", job): (12, "Count"),
                ("RecordsQuarantined", job): (3, "Count"),
                ("FilesProcessed", job): (2, "Count"),
                ("FilesPartial", job): (1, "Count"),
                ("FilesFailed", job): (1, "Count"),
                ("RecordsAccepted", (*job, ("Table", "condition"))): (3, "Count"),
                ("RecordsAccepted", (*job, ("Table", "encounter"))): (4, "Count"),
                ("RecordsAccepted", (*job, ("Table", "patient"))): (5, "Count"),
                ("RecordsQuarantined", (*job, ("Reason", "invalid_id"))): (2, "Count"),
                ("RecordsQuarantined", (*job, ("Reason", "missing_resource_type"))): (1, "Count"),
                ("QuarantinedPercent", job): (20.0, "Percent"),
            },
        )

    def test_a_run_that_read_nothing_publishes_counts_but_no_share(self):
        # Prepare: the only file failed; nothing was read from it
        report = {**BRONZE_REPORT, "files_processed": 0, "files_partial": 0, "records_by_table": {}, "entries_quarantined_by_reason": {}}
        # Act
        values = _values(bronze_metrics(report, AT))
        # Assess
        self.assertEqual(values[("FilesFailed", (("Job", "bronze"),))], (1, "Count"))
        self.assertEqual(values[("RecordsRead", (("Job", "bronze"),))], (0, "Count"))
        self.assertNotIn("QuarantinedPercent", {name for name, _ in values})

    def test_every_datum_carries_the_run_time(self):
        self.assertEqual({datum["Timestamp"] for datum in bronze_metrics(BRONZE_REPORT, AT)}, {AT})


class SilverMetricsTest(unittest.TestCase):
    def test_per_table_counts_reasons_and_shares_and_the_runs_share(self):
        # Act
        values = _values(silver_metrics(SILVER_RESULTS, AT))
        # Assess: patient 8 + 2 = 10 read, 20 %; encounter 3 read, 0 %; run 2 of 13 = 15.3846... %;
        # the skipped condition table publishes nothing
        patient, encounter = (("Job", "silver"), ("Table", "patient")), (("Job", "silver"), ("Table", "encounter"))
        self.assertEqual(
            values,
            {
                ("RecordsRead", patient): (10, "Count"),
                ("RecordsAccepted", patient): (8, "Count"),
                ("RecordsQuarantined", patient): (2, "Count"),
                ("RecordsQuarantined", (*patient, ("Reason", "deceased_before_birth"))): (1, "Count"),
                ("RecordsQuarantined", (*patient, ("Reason", "invalid_gender"))): (1, "Count"),
                ("QuarantinedPercent", patient): (20.0, "Percent"),
                ("RecordsRead", encounter): (3, "Count"),
                ("RecordsAccepted", encounter): (3, "Count"),
                ("RecordsQuarantined", encounter): (0, "Count"),
                ("QuarantinedPercent", encounter): (0.0, "Percent"),
                ("QuarantinedPercent", (("Job", "silver"),)): (pytest.approx(200 / 13), "Percent"),
            },
        )

    def test_a_run_where_every_table_was_skipped_publishes_nothing(self):
        self.assertEqual(silver_metrics([SILVER_RESULTS[2]], AT), [])


class _Refusing:
    def put_metric_data(self, **_):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "PutMetricData")


def test_publishes_in_requests_of_at_most_1000_and_cloudwatch_keeps_the_values(aws):
    # Prepare: 2,345 data points, each of its own Table value
    cloudwatch = boto3.client("cloudwatch")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = [
        {
            "MetricName": "RecordsAccepted",
            "Dimensions": [{"Name": "Job", "Value": "batching"}, {"Name": "Table", "Value": f"t{n}"}],
            "Timestamp": now,
            "Value": n,
            "Unit": "Count",
        }
        for n in range(2345)
    ]
    # Act
    requests = publish_metrics(cloudwatch, "metriccare-batching/dev", data)
    # Assess: ceil(2345 / 1000) = 3 requests; every metric is there with its value
    assert MAX_METRICS_PER_REQUEST == 1000
    assert requests == 3
    metrics = cloudwatch.get_paginator("list_metrics").paginate(Namespace="metriccare-batching/dev").build_full_result()["Metrics"]
    assert len(metrics) == 2345
    sample = cloudwatch.get_metric_statistics(
        Namespace="metriccare-batching/dev",
        MetricName="RecordsAccepted",
        Dimensions=[{"Name": "Job", "Value": "batching"}, {"Name": "Table", "Value": "t1999"}],
        StartTime=now - dt.timedelta(minutes=5),
        EndTime=now + dt.timedelta(minutes=5),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    assert [point["Sum"] for point in sample] == [1999.0]


def test_a_refused_request_names_the_namespace_and_what_to_check():
    with pytest.raises(
        MetricsPublishError, match=r'^could not publish 12 data-quality metrics to the CloudWatch namespace "metriccare/dev" .*AccessDenied'
    ):
        publish_metrics(_Refusing(), "metriccare/dev", bronze_metrics(BRONZE_REPORT, AT))


def test_every_data_quality_alarm_watches_a_metric_the_jobs_publish(synthesized_stack):
    # Prepare: what the jobs publish for runs that read every table
    every_table = [SilverResult(name, 1, 1, 1, 0, False, 1, {}) for name in ("patient", "encounter", "condition")]
    published = {
        (datum["MetricName"], frozenset((d["Name"], d["Value"]) for d in datum["Dimensions"]))
        for datum in bronze_metrics(BRONZE_REPORT, AT) + silver_metrics(every_table, AT)
    }
    namespaces = {job["default_arguments"]["--metrics_namespace"] for job in synthesized_stack["resource"]["aws_glue_job"].values()}
    job_metrics = {name for name, _ in published}
    # Act
    alarms = [
        alarm for alarm in synthesized_stack["resource"]["aws_cloudwatch_metric_alarm"].values() if alarm.get("metric_name") in job_metrics
    ]
    # Assess: the per-run alarms of the data-quality row (one per Silver table, Bronze's share, failed files)
    assert len(alarms) == 5
    for alarm in alarms:
        assert (alarm["metric_name"], frozenset(alarm["dimensions"].items())) in published, alarm["alarm_name"]
        assert {alarm["namespace"]} == namespaces, alarm["alarm_name"]

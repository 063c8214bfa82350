"""How good a run's data was, as CloudWatch metrics: what the data-quality alarms watch.

Bronze and Silver publish, from their run reports, to the environment's namespace (`--metrics_namespace`,
`<project>/<env>`; the job roles may publish to that namespace only). Names and dimensions are the ones
the alarms and the dashboard read (`JOB_RUN_METRICS` in modules/cloudwatch/data-quality-alarms.ts):

- `RecordsRead`, `RecordsAccepted`, `RecordsQuarantined` (Count): Silver per table (`Job`, `Table`), read
  meaning the latest version of each id Silver judged; Bronze per run (`Job`), read meaning the entries
  of the three resource types it keyed plus those it quarantined, accepted per table too (`Job`, `Table`).
- `RecordsQuarantined` per reason (`Job`, `Table`, `Reason` for Silver, the row's first reason; `Job`,
  `Reason` for Bronze).
- `QuarantinedPercent` (Percent): quarantined over read, Silver per table and per run (`Job`), Bronze per run.
- `FilesProcessed`, `FilesPartial`, `FilesFailed` (Count): Bronze per run (`Job`).

A table or run that read nothing publishes no share (no data point, which the alarms ignore). Gold
quarantines nothing and publishes nothing.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .errors import MetricsPublishError

RECORDS_READ = "RecordsRead"
RECORDS_ACCEPTED = "RecordsAccepted"
RECORDS_QUARANTINED = "RecordsQuarantined"
QUARANTINED_PERCENT = "QuarantinedPercent"
FILES_PROCESSED = "FilesProcessed"
FILES_PARTIAL = "FilesPartial"
FILES_FAILED = "FilesFailed"

# PutMetricData takes at most 1,000 metrics per request:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
MAX_METRICS_PER_REQUEST = 1000

MetricDatum = dict[str, Any]


def bronze_metrics(report: Mapping[str, Any], timestamp: dt.datetime, job: str = "bronze") -> list[MetricDatum]:
    """The metrics of a Bronze run report (`bronze.run.run_report`)."""
    accepted: Mapping[str, int] = report["records_by_table"]
    quarantined: Mapping[str, int] = report["entries_quarantined_by_reason"]
    read = sum(accepted.values()) + sum(quarantined.values())
    data = [
        _count(RECORDS_READ, read, timestamp, Job=job),
        _count(RECORDS_ACCEPTED, sum(accepted.values()), timestamp, Job=job),
        _count(RECORDS_QUARANTINED, sum(quarantined.values()), timestamp, Job=job),
        _count(FILES_PROCESSED, report["files_processed"], timestamp, Job=job),
        _count(FILES_PARTIAL, report["files_partial"], timestamp, Job=job),
        _count(FILES_FAILED, report["files_failed"], timestamp, Job=job),
    ]
    data += [_count(RECORDS_ACCEPTED, count, timestamp, Job=job, Table=table) for table, count in accepted.items()]
    data += [_count(RECORDS_QUARANTINED, count, timestamp, Job=job, Reason=reason) for reason, count in quarantined.items()]
    data += _share(sum(quarantined.values()), read, timestamp, Job=job)
    return data


def silver_metrics(results: Iterable[Any], timestamp: dt.datetime, job: str = "silver") -> list[MetricDatum]:
    """The metrics of Silver's results (`silver.run.SilverResult`); skipped tables publish nothing."""
    data: list[MetricDatum] = []
    read_in_run = quarantined_in_run = 0
    for result in results:
        if result.skipped:
            continue
        quarantined = sum(result.quarantine_reasons.values())
        read = result.accepted_rows + quarantined
        read_in_run, quarantined_in_run = read_in_run + read, quarantined_in_run + quarantined
        table = {"Job": job, "Table": result.table}
        data += [
            _count(RECORDS_READ, read, timestamp, **table),
            _count(RECORDS_ACCEPTED, result.accepted_rows, timestamp, **table),
            _count(RECORDS_QUARANTINED, quarantined, timestamp, **table),
        ]
        data += [
            _count(RECORDS_QUARANTINED, count, timestamp, **table, Reason=reason) for reason, count in result.quarantine_reasons.items()
        ]
        data += _share(quarantined, read, timestamp, **table)
    return data + _share(quarantined_in_run, read_in_run, timestamp, Job=job)


def publish_metrics(cloudwatch: Any, namespace: str, data: Sequence[MetricDatum]) -> int:
    """PutMetricData in requests of at most `MAX_METRICS_PER_REQUEST`; returns the number of requests.

    A refused request raises `MetricsPublishError`: the run's data is written by then, but the alarms
    would be blind, so the run must not pass as healthy.
    """
    requests = 0
    for start in range(0, len(data), MAX_METRICS_PER_REQUEST):
        batch = list(data[start : start + MAX_METRICS_PER_REQUEST])
        try:
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=batch)
        except Exception as error:  # botocore's ClientError or a connection error: both leave the alarms blind
            raise MetricsPublishError(
                f'could not publish {len(batch)} data-quality metrics to the CloudWatch namespace "{namespace}" ({error}); '
                "the run's data is written. Check that the job role may call cloudwatch:PutMetricData with that namespace."
            ) from error
        requests += 1
    return requests


def _count(name: str, value: int, timestamp: dt.datetime, **dimensions: str) -> MetricDatum:
    return _datum(name, value, "Count", timestamp, dimensions)


def _share(quarantined: int, read: int, timestamp: dt.datetime, **dimensions: str) -> list[MetricDatum]:
    if read == 0:
        return []
    return [_datum(QUARANTINED_PERCENT, 100.0 * quarantined / read, "Percent", timestamp, dimensions)]


def _datum(name: str, value: float, unit: str, timestamp: dt.datetime, dimensions: Mapping[str, str]) -> MetricDatum:
    return {
        "MetricName": name,
        "Dimensions": [{"Name": key, "Value": text} for key, text in dimensions.items()],
        "Timestamp": timestamp,
        "Value": value,
        "Unit": unit,
    }

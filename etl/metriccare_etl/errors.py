"""One error class per domain, so a job log says at once which part of the pipeline refused what."""


class MetricCareEtlError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(MetricCareEtlError):
    """`lakehouse.json` is missing, unreadable or has a field outside what the jobs support."""


class JobArgumentError(MetricCareEtlError):
    """A Glue job argument is missing or does not match what the stack is meant to pass."""


class MetricsPublishError(MetricCareEtlError):
    """CloudWatch refused a run's data-quality metrics: the data is written, the alarms are blind."""


class FhirFileError(MetricCareEtlError):
    """A raw file cannot be read as FHIR JSON; the Bronze job quarantines the file with this message."""


class FhirEntryError(MetricCareEtlError):
    """One resource of a file cannot become a Bronze record (no R4 resource type, no usable id or
    lastUpdated); the Bronze job quarantines that entry with `reason_code` and lands the file's others."""

    def __init__(self, reason_code: str, detail: str) -> None:
        super().__init__(detail)
        self.reason_code = reason_code


class RawObjectError(FhirFileError):
    """S3 would not hand over the recorded raw object (gone, overwritten, archived or not readable).

    An answer about that one object, so the file fails and the batch goes on; `s3_error_code` is kept
    for the run report.
    """

    def __init__(self, message: str, s3_error_code: str = "") -> None:
        super().__init__(message)
        self.s3_error_code = s3_error_code


class TableVersionError(MetricCareEtlError):
    """A Hudi table is stored in another table version than its writes ask for; Hudi would keep the stored one."""


class ProcessedFilesError(MetricCareEtlError):
    """The processed-files table answered in a way the claim protocol does not allow."""


def aws_error_code(error: BaseException) -> str:
    """The AWS error code of a botocore `ClientError` (`NoSuchKey`, ...), '' for any other exception.

    boto3 raises a generated class per code, so code is compared by value rather than by class.
    """
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""

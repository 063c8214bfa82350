"""Reads Hudi tables with Hudi 0.15.0, the newest Hudi reader Athena runs (Athena's "Considerations and
limitations" for Hudi: 0.14.0 by default, 0.15.0 on request), to show which tables Athena can open.

Usage: python -m local_runtime.hudi_0_15_reader <table URI> ...   (run from `etl/`, in its own process:
one JVM cannot load two Hudi bundles). Prints one JSON object per table: `{"uri", "rows"}` with the
rows as JSON objects sorted by their text, or `{"uri", "error"}` with the Java exception and the frame
that raised it. Spark's local reader stands in for Athena's Trino-based connector; both read the
table's timeline and file layout through Hudi 0.15's own classes of the same version.
"""

import json
import sys

from .spark_session import local_spark_session
from .toolchain import hudi_reader_jars


def read_tables(spark, uris: list[str]) -> list[dict]:
    results = []
    for uri in uris:
        try:
            frame = spark.read.format("hudi").load(uri)
            columns = [name for name in frame.columns if not name.startswith("_hoodie_")]
            results.append({"uri": uri, "rows": sorted(frame.select(*columns).toJSON().collect())})
        except Exception as error:  # the Java exception's class and origin are the finding
            # PySpark's converted exceptions keep the Java one as `_origin`, Py4J's as `java_exception`.
            java = getattr(error, "_origin", None) or getattr(error, "java_exception", None)
            if java is None:
                raise
            origin = java.getStackTrace()[0]
            results.append({"uri": uri, "error": f"{java.getClass().getName()} at {origin.getClassName()}.{origin.getMethodName()}"})
    return results


def main(uris: list[str]) -> None:
    spark = local_spark_session("metriccare-hudi-0.15-reader", jars=hudi_reader_jars())
    try:
        for result in read_tables(spark, uris):
            print(json.dumps(result, sort_keys=True), flush=True)
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])

"""The local stand-in for the Glue 5.1 runtime: a SparkSession built as Glue builds one (Spark 3.5.6,
Hudi 1.0.2, S3A), pointed at a local S3. Used by the test suite and `npm run etl:local`; never shipped."""

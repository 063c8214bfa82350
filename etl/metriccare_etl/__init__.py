"""MetricCare lakehouse ETL: the transformation logic of the Glue jobs.

Shipped to Glue with `--extra-py-files` (a zip whose root holds this folder) and imported by the
scripts in `etl/jobs/`. Bronze's file parsing is plain Python; Silver and Gold are Spark DataFrame
expressions (pyspark, Glue's own), tested on a local Spark session.

Modules, by layer:
- configuration: `config` (lakehouse.json), `job_args` (Glue arguments), `schemas` (columns),
  `hudi_options` (Hudi write and Glue Catalog sync options)
- Bronze: `processed_files` (DynamoDB claim protocol), `raw_files` (S3 read and quarantine),
  `fhir_reader` (JSON, Bundle, NDJSON), `bronze` (records and ingestion metadata)
- Silver: `silver` (incremental run, latest per id, split), `silver_patient`, `silver_encounter`,
  `silver_condition`, `silver_common`, `fhir_columns` (FHIR values as Spark columns), `references`, `fhir_time`
- Gold: `gold` (the measures and their run), `gold_encounters`, `gold_population`
- Tables: `spark_tables` (Hudi reads, writes, timeline, checkpoints)
"""

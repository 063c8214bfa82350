"""MetricCare lakehouse ETL: the transformation logic of the Glue jobs, as plain Python.

Shipped to Glue with `--extra-py-files` (a zip whose root holds this folder) and imported by the
scripts in `etl/jobs/`. Standard library only, so every function runs and is tested without Spark.

Modules, by layer:
- configuration: `config` (lakehouse.json), `job_args` (Glue arguments), `schemas` (columns),
  `hudi_options` (Hudi write and Glue Catalog sync options)
- Bronze: `processed_files` (DynamoDB claim protocol), `raw_files` (S3 read and quarantine),
  `fhir_reader` (JSON, Bundle, NDJSON), `bronze` (records and ingestion metadata)
- Silver: `silver` (dispatch, latest per id), `silver_patient`, `silver_encounter`,
  `silver_condition`, `silver_common`, `references`, `fhir_time`
- Gold: `gold` (the measures), `gold_encounters`, `gold_population`, `gold_sums`
"""

"""MetricCare lakehouse ETL: the transformation logic of the Glue jobs.

Shipped to Glue with `--extra-py-files` (a zip whose root holds this folder) and imported by the
scripts in `etl/jobs/`. Bronze's file parsing is plain Python; Silver and Gold are Spark DataFrame
expressions (pyspark, Glue's own), tested on a local Spark session.

Subpackages by layer, each with a `run` module holding the layer's job (`run_bronze`, `run_silver`,
`run_gold`):
- `bronze/`: processed-files claims (`processed_files`), raw objects and quarantine (`raw_files`),
  FHIR files into resources (`fhir_reader`), resources into Bronze records (`records`)
- `silver/`: Bronze rows into Silver or quarantine rows (`split`), one module per table (`patient`,
  `encounter`, `condition`) and what they share (`common`)
- `gold/`: the measures (`measures`) and their computations (`encounters`, `population`)
- `fhir/`: FHIR values the layers share: dates and instants (`time`), Spark columns (`columns`),
  ids and references (`references`)

Shared by the three jobs: `glue_session` (the one Glue adapter), `job_args` (Glue arguments), `config`
(lakehouse.json), `schemas` (columns), `hudi_options` (Hudi write and catalog sync options),
`spark_tables` (Hudi reads, writes, timeline, checkpoints), `errors`.
"""

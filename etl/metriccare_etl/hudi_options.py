"""Hudi 1.0.2 write options for a table, with Glue Data Catalog sync (Hive sync in HMS mode).

Option names are those Hudi 1.0 reads (https://hudi.apache.org/docs/1.0.2/configurations): the merge
mode replaces payload classes, `hive_sync.mode` replaces the deprecated `use_jdbc`. With
`--enable-glue-datacatalog true` Glue's Hive metastore client is the Data Catalog, so HMS-mode sync
creates and updates the catalog table and its partitions without a JDBC endpoint. The local runtime syncs
with the same options to a Hive Metastore (`local_runtime/query_engine.py`).

The Spark confs Hudi needs (Kryo with `HoodieSparkKryoRegistrar`, the session extension and catalog)
are session confs: the jobs' `--conf` (modules/glue/glue_job) and `local_runtime.HUDI_SPARK_CONF`.
"""

from .config import TableConfig

# Bronze and Silver merge new versions into what is stored; Gold measures are recomputed whole, and
# overwriting the table drops groups that no longer exist (a code no patient has any more).
_OPERATION_BY_LAYER = {"bronze": "upsert", "silver": "upsert", "gold": "insert_overwrite_table"}


# Silver and Gold are what analysts read in Athena, and Athena's Hudi readers are 0.14.0 and 0.15.0 (Athena's
# "Considerations and limitations" for Hudi). Hudi 0.15.0 cannot open a table version 8 table (Hudi 1.0's
# default): it stops in `TimelineLayoutVersion` with an IllegalArgumentException (shown by
# etl/tests/test_athena_readable.py). Hudi 1.0 writes the 0.14-compatible table version 6 when told to and not
# to upgrade (release 1.0.0 notes, "backward compatible writes"; HUDI-8817, fixed in 1.0.1). No metadata table:
# the migration guide keeps it off for 0.x readers (docs/decisions/silver-hudi-table-version-6.md has its cost).
ATHENA_READABLE: dict[str, str] = {
    "hoodie.write.table.version": "6",
    "hoodie.write.auto.upgrade": "false",
    "hoodie.metadata.enable": "false",
}
# Bronze keeps Hudi 1.0's version 8: it holds the raw resources, which no analyst reads.
ATHENA_READABLE_LAYERS = ("silver", "gold")


def hudi_write_options(table: TableConfig, database: str, catalog_sync: bool = True) -> dict[str, str]:
    """Options for `df.write.format("hudi").options(**options).mode("append").save(table.s3_uri(bucket))`.

    Save mode is always `append`: Hudi's `overwrite` mode deletes and recreates the table itself.
    `catalog_sync=False` writes the same table without syncing it to a catalog.
    """
    partitioned = bool(table.partition_fields)
    options = {
        "hoodie.table.name": table.name,
        "hoodie.datasource.write.table.name": table.name,
        # Copy-on-write: dashboards and Athena read plain Parquet snapshots, no compaction to schedule.
        "hoodie.datasource.write.table.type": "COPY_ON_WRITE",
        "hoodie.datasource.write.operation": _OPERATION_BY_LAYER[table.layer],
        "hoodie.datasource.write.recordkey.field": ",".join(table.record_key),
        "hoodie.datasource.write.precombine.field": table.precombine_field,
        # Hudi 1.0's default, COMMIT_TIME_ORDERING, lets whatever is written last win; event time
        # compares the precombine field with the stored row too, so a late, older copy of a resource
        # never replaces a newer one.
        "hoodie.write.record.merge.mode": "EVENT_TIME_ORDERING",
        "hoodie.datasource.write.partitionpath.field": ",".join(table.partition_fields),
        "hoodie.datasource.write.keygenerator.class": _key_generator(table),
        "hoodie.datasource.write.hive_style_partitioning": "true",
        "hoodie.datasource.hive_sync.enable": str(catalog_sync).lower(),
        "hoodie.datasource.hive_sync.mode": "hms",
        "hoodie.datasource.hive_sync.database": database,
        "hoodie.datasource.hive_sync.table": table.name,
        "hoodie.datasource.hive_sync.partition_fields": ",".join(table.partition_fields),
        "hoodie.datasource.hive_sync.partition_extractor_class": (
            "org.apache.hudi.hive.MultiPartKeysValueExtractor" if partitioned else "org.apache.hudi.hive.NonPartitionedExtractor"
        ),
        # The stack creates the databases; failing here beats a job role that may create databases.
        "hoodie.datasource.hive_sync.auto_create_database": "false",
        # Without it timestamp columns reach the catalog as bigint and Athena shows epoch microseconds.
        "hoodie.datasource.hive_sync.support_timestamp": "true",
    }
    if table.layer in ATHENA_READABLE_LAYERS:
        options.update(ATHENA_READABLE)
    if partitioned:
        # A partition value can change for an id (a corrected encounter start); a global index finds the
        # old row in any partition and moves it, where the default index would leave a duplicate.
        options["hoodie.index.type"] = "GLOBAL_SIMPLE"
        options["hoodie.simple.index.update.partition.path"] = "true"
    return options


def _key_generator(table: TableConfig) -> str:
    if not table.partition_fields:
        return "org.apache.hudi.keygen.NonpartitionedKeyGenerator"
    if len(table.record_key) == 1 and len(table.partition_fields) == 1:
        return "org.apache.hudi.keygen.SimpleKeyGenerator"
    return "org.apache.hudi.keygen.ComplexKeyGenerator"

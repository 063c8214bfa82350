/**
 * Reading Data Catalog table definitions and their partitions: what Athena does with the caller's
 * credentials, and what Spark's catalog client and Hudi's Hive sync do with a Glue job's role.
 */
export const GLUE_TABLE_READ_ACTIONS = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
];

"""The local runtime itself: real Spark 3.5.6 with the Hudi 1.0.2 bundle upserts a table in the local S3
through S3A, and S3 reports SSE-KMS with the key configured for the bucket."""

import boto3
import pyspark


def test_spark_and_hudi_versions_are_those_of_glue_5_1(spark):
    # Prepare
    hudi_class = spark._jvm.java.lang.Thread.currentThread().getContextClassLoader().loadClass("org.apache.hudi.DataSourceWriteOptions")

    # Act
    versions = (spark.version, pyspark.__version__, hudi_class.getPackage().getImplementationVersion())

    # Assess
    assert versions == ("3.5.6", "3.5.6", "1.0.2")


def test_hudi_upsert_through_s3a_keeps_the_newest_version_and_encrypts_with_the_bucket_key(spark, aws):
    # Prepare
    s3 = boto3.client("s3")
    key_arn = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket="runtime-check")
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    hadoop.set("fs.s3a.bucket.runtime-check.encryption.algorithm", "SSE-KMS")
    hadoop.set("fs.s3a.bucket.runtime-check.encryption.key", key_arn)
    options = {
        "hoodie.table.name": "check",
        "hoodie.datasource.write.recordkey.field": "id",
        "hoodie.datasource.write.precombine.field": "ts",
        "hoodie.datasource.write.operation": "upsert",
        "hoodie.datasource.write.keygenerator.class": "org.apache.hudi.keygen.NonpartitionedKeyGenerator",
        "hoodie.datasource.write.partitionpath.field": "",
    }
    path = "s3a://runtime-check/check/"
    first = spark.createDataFrame([("a", "2024-01-01", 1), ("b", "2024-01-01", 2)], "id string, ts string, value int")
    second = spark.createDataFrame([("a", "2024-02-01", 10)], "id string, ts string, value int")

    # Act
    first.write.format("hudi").options(**options).mode("append").save(path)
    second.write.format("hudi").options(**options).mode("append").save(path)
    rows = sorted(tuple(row) for row in spark.read.format("hudi").load(path).select("id", "ts", "value").collect())
    parquet = [item["Key"] for item in s3.list_objects_v2(Bucket="runtime-check")["Contents"] if item["Key"].endswith(".parquet")]
    encryption = {
        (head["ServerSideEncryption"], head["SSEKMSKeyId"]) for head in (s3.head_object(Bucket="runtime-check", Key=key) for key in parquet)
    }

    # Assess
    assert rows == [("a", "2024-02-01", 10), ("b", "2024-01-01", 2)]
    assert encryption == {("aws:kms", key_arn)}

"""The moto server's record of calls (toolchain/moto/request_log.py), which the access journeys read:
each request named as the SDK names the operation, with the parameters that name resources."""

import json

import boto3
import pytest
from boto3.s3.transfer import TransferConfig

from .conftest import REGION, _moto_module


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A moto server of its own recording into a file, and the calls of one actor made against it."""
    folder = tmp_path_factory.mktemp("request-log")
    server = _moto_module().start_moto_server(record=str(folder / "calls.jsonl"))
    try:
        session = boto3.session.Session(aws_access_key_id="recorded-actor", aws_secret_access_key="x", region_name=REGION)
        s3 = session.client("s3", endpoint_url=server.endpoint)
        server.request_log.actor = "setup"
        s3.create_bucket(Bucket="raw-bucket")
        kms = session.client("kms", endpoint_url=server.endpoint)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        dynamodb = session.client("dynamodb", endpoint_url=server.endpoint)
        dynamodb.create_table(
            TableName="files",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in ("file_key", "status")],
            KeySchema=[{"AttributeName": "file_key", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "status_index",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        topic = session.client("sns", endpoint_url=server.endpoint).create_topic(Name="alerts")["TopicArn"]
        server.request_log.actor = "feed"
        s3.put_object(Bucket="raw-bucket", Key="fhir/a.json", Body=b"{}", ServerSideEncryption="aws:kms")
        big = folder / "big.ndjson"
        big.write_bytes(b"x" * (9 * 1024 * 1024))
        s3.upload_file(str(big), "raw-bucket", "fhir/big.ndjson", Config=TransferConfig(multipart_threshold=8 * 1024 * 1024))
        s3.head_object(Bucket="raw-bucket", Key="fhir/a.json")
        s3.list_objects_v2(Bucket="raw-bucket", Prefix="fhir/")
        s3.copy_object(Bucket="raw-bucket", Key="fhir/copy.json", CopySource={"Bucket": "raw-bucket", "Key": "fhir/a.json"})
        s3.delete_objects(Bucket="raw-bucket", Delete={"Objects": [{"Key": "fhir/copy.json"}, {"Key": "fhir/a.json"}]})
        kms.describe_key(KeyId=key_id)
        dynamodb.query(
            TableName="files",
            IndexName="status_index",
            KeyConditionExpression="#s = :p",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":p": {"S": "PENDING"}},
        )
        session.client("sns", endpoint_url=server.endpoint).publish(TopicArn=topic, Message="m")
        session.client("glue", endpoint_url=server.endpoint).get_databases()
        with pytest.raises(session.client("lambda", endpoint_url=server.endpoint).exceptions.ResourceNotFoundException):
            session.client("lambda", endpoint_url=server.endpoint).get_function(FunctionName="nothing")
        server.request_log.actor = None
    finally:
        server.stop()
    with open(folder / "calls.jsonl", encoding="utf-8") as handle:
        calls = [json.loads(line) for line in handle]
    return [call for call in calls if call["actor"] == "feed"], key_id, topic


def test_names_each_call_as_the_sdk_names_the_operation(recorded):
    # Prepare
    calls, _, _ = recorded
    # Act
    named = [(c["service"], c["operation"], c["status"]) for c in calls]
    # Assess: the 9 MB file goes up in two parts of at most 8 MB
    assert named == [
        ("s3", "PutObject", 200),
        ("s3", "CreateMultipartUpload", 200),
        ("s3", "UploadPart", 200),
        ("s3", "UploadPart", 200),
        ("s3", "CompleteMultipartUpload", 200),
        ("s3", "HeadObject", 200),
        ("s3", "ListObjectsV2", 200),
        ("s3", "CopyObject", 200),
        ("s3", "DeleteObjects", 200),
        ("kms", "DescribeKey", 200),
        ("dynamodb", "Query", 200),
        ("sns", "Publish", 200),
        ("glue", "GetDatabases", 200),
        ("lambda", "GetFunction", 404),
    ]


def test_records_who_called_and_the_parameters_and_headers_policies_read(recorded):
    # Prepare
    calls, key_id, topic = recorded
    by_operation = {c["operation"]: c for c in calls}
    # Act / Assess
    assert {c["accessKeyId"] for c in calls} == {"recorded-actor"}
    assert by_operation["PutObject"]["params"] == {"Bucket": "raw-bucket", "Key": "fhir/a.json"}
    assert by_operation["PutObject"]["headers"] == {"x-amz-server-side-encryption": "aws:kms"}
    assert by_operation["UploadPart"]["params"]["Key"] == "fhir/big.ndjson"
    assert {"PartNumber", "UploadId"} <= set(by_operation["UploadPart"]["params"])
    assert by_operation["ListObjectsV2"]["params"]["Prefix"] == "fhir/"
    assert by_operation["CopyObject"]["headers"] == {"x-amz-copy-source": "raw-bucket/fhir/a.json"}
    assert by_operation["DeleteObjects"]["params"]["Keys"] == "fhir/copy.json\nfhir/a.json"
    assert by_operation["DescribeKey"]["params"] == {"KeyId": key_id}
    assert {k: by_operation["Query"]["params"][k] for k in ("TableName", "IndexName")} == {
        "TableName": "files",
        "IndexName": "status_index",
    }
    assert by_operation["Publish"]["params"]["TopicArn"] == topic
    assert by_operation["GetFunction"]["params"] == {"FunctionName": "nothing"}

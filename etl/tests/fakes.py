"""Hand-written fakes of the AWS clients the package talks to, kept only for branches the real runtime
(moto) cannot reach: S3 answers moto never gives (SlowDown, 503, AccessDenied for a missing key under a
list-limited role: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html), and DynamoDB items
changed between a query and an update (conditional writes:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.ConditionalUpdate).
The jobs themselves run on the real runtime in test_end_to_end.py.

They implement only what the package calls, but implement it the way the service does: DynamoDB
conditions are evaluated against the stored item, unused or undefined expression names and values
are refused (DynamoDB answers ValidationException), S3 reads honour VersionId and If-Match.
"""

import io
import re
from collections.abc import Callable
from typing import Any


class FakeClientError(Exception):
    """Shaped like botocore's ClientError: the package only looks at `response['Error']['Code']`."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"An error occurred ({code}): {message}")
        self.response = {"Error": {"Code": code, "Message": message}}


class FakeDynamoDB:
    """The low-level client subset Bronze uses: `query` on a GSI and conditional `update_item`."""

    def __init__(self, items: list[dict[str, Any]] = (), page_size: int = 100, index_name: str = "status_index") -> None:
        self.items: dict[str, dict[str, Any]] = {item["file_key"]["S"]: dict(item) for item in items}
        self.page_size = page_size
        self.index_name = index_name
        self.queries: list[str] = []
        # Called before every update, to let a test change an item "concurrently".
        self.before_update: Callable[[str], None] | None = None

    def query(
        self,
        TableName: str,
        IndexName: str,
        KeyConditionExpression: str,
        ExpressionAttributeNames: dict[str, str],
        ExpressionAttributeValues: dict[str, Any],
        ExclusiveStartKey: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if IndexName != self.index_name:
            raise FakeClientError("ValidationException", f"no index {IndexName}")
        _check_used(KeyConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        name, value = re.fullmatch(r"(#\w+) = (:\w+)", KeyConditionExpression).groups()
        attribute, wanted = ExpressionAttributeNames[name], ExpressionAttributeValues[value]
        matching = sorted(
            (item for item in self.items.values() if item.get(attribute) == wanted),
            key=lambda item: (item["received_at"]["S"], item["file_key"]["S"]),
        )
        start = 0
        if ExclusiveStartKey:
            # A position in the index, not an item: the item may have left the index since.
            after = (ExclusiveStartKey["received_at"]["S"], ExclusiveStartKey["file_key"]["S"])
            start = sum(1 for item in matching if (item["received_at"]["S"], item["file_key"]["S"]) <= after)
        page = matching[start : start + self.page_size]
        self.queries.append(wanted["S"])
        response: dict[str, Any] = {"Items": [dict(item) for item in page]}
        if start + self.page_size < len(matching):
            last = page[-1]
            response["LastEvaluatedKey"] = {key: last[key] for key in ("file_key", "status", "received_at")}
        return response

    def update_item(
        self,
        TableName: str,
        Key: dict[str, Any],
        UpdateExpression: str,
        ConditionExpression: str,
        ExpressionAttributeNames: dict[str, str],
        ExpressionAttributeValues: dict[str, Any],
    ) -> dict[str, Any]:
        _check_used(f"{UpdateExpression} {ConditionExpression}", ExpressionAttributeNames, ExpressionAttributeValues)
        file_key = Key["file_key"]["S"]
        if self.before_update:
            self.before_update(file_key)
        current = self.items.get(file_key, {})
        names, values = ExpressionAttributeNames, ExpressionAttributeValues
        if not all(_clause_holds(clause, current, names, values) for clause in ConditionExpression.split(" AND ")):
            raise FakeClientError("ConditionalCheckFailedException", "The conditional request failed")
        updated = dict(current, file_key=Key["file_key"])
        set_part, _, remove_part = UpdateExpression.partition(" REMOVE ")
        for assignment in set_part[len("SET ") :].split(", "):
            name, value = assignment.split(" = ")
            updated[_attribute(name, names)] = values[value]
        for name in filter(None, remove_part.split(", ")):
            updated.pop(_attribute(name.strip(), names), None)
        self.items[file_key] = updated
        return {}

    def status_of(self, file_key: str) -> str:
        return self.items[file_key]["status"]["S"]


def _attribute(token: str, names: dict[str, str]) -> str:
    """`#name` through the placeholders; a plain name (allowed unless it is a reserved word) as is."""
    return names[token] if token.startswith("#") else token


def _check_used(expression: str, names: dict[str, str], values: dict[str, Any]) -> None:
    used_names, used_values = set(re.findall(r"#\w+", expression)), set(re.findall(r":\w+", expression))
    if used_names != set(names) or used_values != set(values):
        raise FakeClientError(
            "ValidationException", f"names {sorted(set(names) ^ used_names)} values {sorted(set(values) ^ used_values)} unused or undefined"
        )


def _clause_holds(clause: str, item: dict[str, Any], names: dict[str, str], values: dict[str, Any]) -> bool:
    function = re.fullmatch(r"(attribute_exists|attribute_not_exists)\((#\w+)\)", clause.strip())
    if function:
        exists = names[function.group(2)] in item
        return exists if function.group(1) == "attribute_exists" else not exists
    name, operator, value = re.fullmatch(r"(#\w+) (=|<>) (:\w+)", clause.strip()).groups()
    equal = item.get(names[name]) == values[value]
    return equal if operator == "=" else not equal


class FakeS3:
    """Versioned objects in memory; records every read so tests can prove no file is read twice."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.reads: list[tuple[str, str, str | None]] = []
        self.copies: list[dict[str, Any]] = []
        self.puts: dict[tuple[str, str], bytes] = {}
        self.fail_with: str | None = None  # an error code every call raises, e.g. AccessDenied
        # Error codes one object's reads raise, e.g. {(bucket, key): "SlowDown"}.
        self.object_errors: dict[tuple[str, str], str] = {}
        # True: a caller without s3:ListBucket on the key (the Bronze role lists only its prefix, under an
        # s3:prefix condition) gets AccessDenied, not NoSuchKey, for a missing object, as S3 answers.
        self.missing_is_access_denied = False

    def add(self, bucket: str, key: str, body: bytes, version_id: str = "v1", etag: str = "etag1") -> None:
        self.objects.setdefault((bucket, key), []).append({"VersionId": version_id, "ETag": etag, "Body": body})

    def _find(self, bucket: str, key: str, version_id: str | None, if_match: str | None) -> dict[str, Any]:
        if self.fail_with:
            raise FakeClientError(self.fail_with)
        if (bucket, key) in self.object_errors:
            raise FakeClientError(self.object_errors[(bucket, key)])
        versions = self.objects.get((bucket, key))
        if not versions:
            raise FakeClientError("AccessDenied" if self.missing_is_access_denied else "NoSuchKey")
        if version_id:
            found = [version for version in versions if version["VersionId"] == version_id]
            if not found:
                raise FakeClientError("NoSuchVersion")
            return found[0]
        latest = versions[-1]
        if if_match and if_match.strip('"') != latest["ETag"]:
            raise FakeClientError("PreconditionFailed")
        return latest

    def get_object(self, Bucket: str, Key: str, VersionId: str | None = None, IfMatch: str | None = None) -> dict[str, Any]:
        found = self._find(Bucket, Key, VersionId, IfMatch)
        self.reads.append((Bucket, Key, VersionId))
        return {"Body": io.BytesIO(found["Body"])}

    def copy_object(self, Bucket: str, Key: str, CopySource: dict[str, str], CopySourceIfMatch: str | None = None) -> dict[str, Any]:
        found = self._find(CopySource["Bucket"], CopySource["Key"], CopySource.get("VersionId"), CopySourceIfMatch)
        self.copies.append({"Bucket": Bucket, "Key": Key, "CopySource": CopySource})
        self.puts[(Bucket, Key)] = found["Body"]
        return {}

    def put_object(self, Bucket: str, Key: str, Body: bytes, ContentType: str = "") -> dict[str, Any]:
        if self.fail_with:
            raise FakeClientError(self.fail_with)
        self.puts[(Bucket, Key)] = Body
        return {}

"""A record of every AWS API call the moto server answers, one JSON line per request: who made it (the
access key id of its signature, and the label of the actor the caller says is running), the service and
operation, the parameters that name resources, the request headers S3's policy conditions read, and the
status. The access journeys (`__tests__/support/journeys/`) turn these calls into IAM requests.

The operation is resolved with botocore's service models, the AWS SDK's own description of each API
(protocol, HTTP method, request URI, `X-Amz-Target`, query `Action`), so the log names calls exactly as
the SDKs, the Terraform provider and S3A make them.
"""

import json
import re
import threading
import urllib.parse
from functools import cache
from typing import Any

# Request headers that IAM condition keys of S3 read (s3:x-amz-server-side-encryption, s3:x-amz-acl, ...)
# and the ones that tell S3 operations apart.
_RECORDED_HEADERS = (
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-server-side-encryption-context",
    "x-amz-acl",
    "x-amz-copy-source",
    "x-amz-object-lock-mode",
    "x-amz-bypass-governance-retention",
)
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_LABEL = re.compile(r"\{([^}+]+)\+?\}")


class RequestLog:
    """WSGI middleware that appends each request's call to `path`; `actor` labels the calls made while it is set."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.actor: str | None = None
        self._lock = threading.Lock()
        with open(path, "a", encoding="utf-8"):
            pass

    def wrap(self, app: Any) -> Any:
        def recorded(environ: dict, start_response: Any) -> Any:
            if environ.get("PATH_INFO", "").startswith("/moto-api"):
                return app(environ, start_response)
            call = describe_request(environ)
            status: list[int] = []

            def start(status_line: str, headers: list, exc_info: Any = None) -> Any:
                status.append(int(status_line.split(" ", 1)[0]))
                return start_response(status_line, headers, exc_info) if exc_info else start_response(status_line, headers)

            result = app(environ, start)
            self._append({**call, "actor": self.actor, "status": status[0] if status else None})
            return result

        return recorded

    def _append(self, call: dict) -> None:
        with self._lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(call, sort_keys=True) + "\n")


def describe_request(environ: dict) -> dict:
    """The call a WSGI request makes: access key, region, service, operation and parameters. The body is
    read (and put back) only for the JSON and query protocols; S3 bodies are data, never parameters."""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    credential = _CREDENTIAL.search(headers.get("authorization", "")) or _CREDENTIAL.search(
        "Credential=" + (query.get("X-Amz-Credential") or [""])[0]
    )
    access_key, region, signing_name = credential.groups() if credential else (None, None, None)
    method = environ.get("REQUEST_METHOD", "GET")
    path = urllib.parse.unquote(environ.get("PATH_INFO", "/"))
    call: dict[str, Any] = {"accessKeyId": access_key, "region": region, "signingName": signing_name, "method": method}
    if headers.get("x-amz-target"):
        call["target"] = headers["x-amz-target"]
    call["headers"] = {name: headers[name] for name in _RECORDED_HEADERS if name in headers}
    if signing_name is None:
        return {**call, "service": None, "operation": None, "params": {"path": path}}

    body: dict[str, Any] = {}
    target = headers.get("x-amz-target")
    if signing_name != "s3" and environ.get("CONTENT_LENGTH"):
        raw = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        environ["wsgi.input"] = _Replay(raw)
        body = _parse_body(raw, headers.get("content-type", ""))

    service, operation, params = _resolve(signing_name, method, path, query, headers, target, body)
    if operation == "DeleteObjects" and environ.get("CONTENT_LENGTH"):
        # The keys a multi-object delete names are in its XML body; each is an s3:DeleteObject request.
        raw = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        environ["wsgi.input"] = _Replay(raw)
        params["Keys"] = "\n".join(re.findall(r"<Key>([^<]*)</Key>", raw.decode("utf-8", errors="replace")))
    return {**call, "service": service, "operation": operation, "params": params}


class _Replay:
    """The request body, read once here and again by moto."""

    def __init__(self, data: bytes) -> None:
        import io

        self._stream = io.BytesIO(data)

    def read(self, *args: Any) -> bytes:
        return self._stream.read(*args)

    def readline(self, *args: Any) -> bytes:
        return self._stream.readline(*args)

    def __iter__(self):
        return iter(self._stream)


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            parsed = json.loads(text or "{}")
            return parsed if isinstance(parsed, dict) else {}
        except ValueError:
            return {}
    if "x-www-form-urlencoded" in content_type:
        return {key: values[0] for key, values in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
    return {}


def _scalars(values: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """String and number parameters, top-level and one level nested as `Outer.Inner` (Lambda's `Code.S3Key`):
    the ones that name resources; lists, deeper documents and booleans are dropped."""
    found: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, dict) and not prefix:
            found.update(_scalars(value, f"{key}."))
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            found[f"{prefix}{key}"] = str(value)[:512]
    return found


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@cache
def _models_by_signing_name() -> dict[str, list[Any]]:
    session = _session()
    models: dict[str, list[Any]] = {}
    for name in session.get_available_services():
        model = session.get_service_model(name)
        models.setdefault(model.signing_name, []).append(model)
    # The service whose name is the signing name first (s3 before s3control, glue before its siblings).
    for signing_name, candidates in models.items():
        candidates.sort(key=lambda m: (m.service_name != signing_name, m.service_name))
    return models


def _resolve(
    signing_name: str, method: str, path: str, query: dict, headers: dict, target: str | None, body: dict
) -> tuple[str | None, str | None, dict[str, str]]:
    candidates = _models_by_signing_name().get(signing_name, [])
    if target:
        prefix, _, name = target.rpartition(".")
        # The SDKs' targets differ in prefix (Go: "CloudTrail_20131101.X", botocore: "com.amazonaws.cloudtrail...X").
        for model in sorted(candidates, key=lambda m: m.metadata.get("targetPrefix") != prefix):
            if name in model.operation_names:
                return model.service_name, name, _scalars(body)
    action = body.get("Action") or (query.get("Action") or [None])[0]
    if action:
        for model in candidates:
            if action in model.operation_names:
                flat = {key: values[0] for key, values in query.items()}
                return model.service_name, action, _scalars({**flat, **body})
    best: tuple[int, str, str, dict[str, str]] | None = None
    for model in candidates:
        if model.protocol not in ("rest-json", "rest-xml"):
            continue
        for name in model.operation_names:
            match = _match_rest(model.operation_model(name), method, path, query, headers)
            if match is not None and (best is None or match[0] > best[0]):
                best = (match[0], model.service_name, name, match[1])
    if best is None:
        return candidates[0].service_name if candidates else None, None, {"path": path}
    _, service, operation, params = best
    return service, operation, {**params, **_scalars(body)}


def _match_rest(operation: Any, method: str, path: str, query: dict, headers: dict) -> tuple[int, dict[str, str]] | None:
    """(specificity, parameters) when the request fits the operation's method, URI template, literal query
    markers and required query and header members; None otherwise."""
    http = operation.http
    if http.get("method") != method:
        return None
    template_path, _, template_query = http.get("requestUri", "/").partition("?")
    labels = _match_path(template_path, path)
    if labels is None:
        return None
    score = 0
    for marker in filter(None, template_query.split("&")):
        name, _, value = marker.partition("=")
        if name not in query or (value and query[name][0] != value):
            return None
        score += 10
    params = dict(labels)
    members = operation.input_shape.members if operation.input_shape is not None else {}
    required = set(operation.input_shape.required_members) if operation.input_shape is not None else set()
    for member_name, shape in members.items():
        location, wire_name = shape.serialization.get("location"), shape.serialization.get("name", member_name)
        if location == "querystring":
            present = wire_name in query
            if present:
                params[member_name] = query[wire_name][0][:512]
                score += 1
        elif location == "header":
            present = wire_name.lower() in headers
            if present:
                score += 1
        else:
            continue
        if member_name in required and not present:
            return None
    return score, params


def _match_path(template: str, path: str) -> dict[str, str] | None:
    """The URI labels of `template` (`/{Bucket}/{Key+}`) taken from `path`, or None if it does not fit."""
    pattern = "^"
    names = []
    position = 0
    for label in _LABEL.finditer(template):
        pattern += re.escape(template[position : label.start()])
        greedy = label.group(0).endswith("+}")
        pattern += "(.+)" if greedy else "([^/]+)"
        names.append(label.group(1))
        position = label.end()
    pattern += re.escape(template[position:].rstrip("/")) + "/?$"
    found = re.match(pattern, path)
    return dict(zip(names, found.groups(), strict=True)) if found else None

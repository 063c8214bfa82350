"""Session-wide fixtures of the real runtime: one moto server (HTTPS, so S3A may send SSE-KMS headers),
one local SparkSession reaching it through S3A, the query engine (a Hive Metastore and Trino) and the
end-to-end workflow the catalog, query and journey tests share (`e2e_workflow.py`). Each starts only when
a test asks for it and stops at the end of the session, also when a test failed; the query engine starts
with the session when a collected test needs it, so that it comes up while Spark starts and works."""

import os
import sys
from pathlib import Path

import pytest

from .e2e_workflow import workflow  # noqa: F401  (a fixture of this session)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def _moto_module():
    sys.path.insert(0, str(PROJECT_ROOT / "toolchain" / "moto"))
    try:
        import moto_server
    finally:
        sys.path.pop(0)
    return moto_server


@pytest.fixture(scope="session")
def aws(tmp_path_factory):
    """A moto server on 127.0.0.1 (HTTPS with a certificate made for this run); AWS clients of the
    session reach it through the environment (endpoint, CA bundle, test credentials), never AWS."""
    moto_server = _moto_module()
    tls = tmp_path_factory.mktemp("moto-tls")
    # Every call is recorded: the end-to-end test hands the jobs' calls to the access journeys.
    server = moto_server.start_moto_server(str(tls), record=str(tls / "calls.jsonl"))
    previous = {name: os.environ.get(name) for name in _AWS_ENV}
    os.environ.update(
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_CA_BUNDLE=server.ca_file,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
    )
    server.truststore = moto_server.java_truststore(server.ca_file, str(tls / "truststore.p12"))
    try:
        yield server
    finally:
        server.stop()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_AWS_ENV = (
    "AWS_ENDPOINT_URL",
    "AWS_CA_BUNDLE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


@pytest.fixture(scope="session")
def synthesized_stack():
    """The Terraform JSON `npm run synth` writes for this checkout's configuration
    (config/metriccare.config.ts, whatever a user made of it): tests take their expectations from it."""
    from local_runtime.synthesized_stack import synthesize

    return synthesize()


@pytest.fixture(scope="session")
def spark(aws):
    """The suite's one SparkSession (`local[2]`, Hudi 1.0.2, S3A to the moto server)."""
    from local_runtime.spark_session import LocalS3, local_spark_session

    session = local_spark_session("metriccare-tests", s3=LocalS3(aws.endpoint, REGION, truststore=aws.truststore))
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="session")
def query_engine(aws, tmp_path_factory, request):
    """The Hive Metastore and Trino (catalogs `hudi`: the metastore; `hudi_glue`: moto's Glue API), reading
    S3 at the moto server; started at once and side by side, awaited where first needed (`metastore_ready()`,
    `trino_ready()`), stopped at the end of the session after printing when each was ready and its memory."""
    from local_runtime.query_engine import start_query_engine

    engine = start_query_engine(tmp_path_factory.mktemp("query-engine"), aws.endpoint, aws.truststore, glue=True)
    try:
        yield engine
        figures = ", ".join(
            f"{server.name} ready after {server.ready_after_seconds or 0:.1f} s, RSS {server.rss_bytes() / 2**20:.0f} MiB"
            for server in engine.servers()
        )
        with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
            print(f"\nquery engine: {figures} (load average {os.getloadavg()[0]:.1f})")
    finally:
        engine.stop()


@pytest.fixture(scope="session", autouse=True)
def _query_engine_from_the_start(request):
    """Starts the query engine with the first test when any collected test uses it: it takes 10 to 60 s
    to come up, time Spark's own start and the tests before the ones that query hide."""
    if any("query_engine" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("query_engine")

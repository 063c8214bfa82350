"""The local AWS emulator of the test suite: a moto server on 127.0.0.1 with a free port.

One implementation for every caller: Python tests import `start_moto_server`; Node tests run this file
(`toolchain/moto/moto-server.ts`), read the JSON line it prints and stop it by closing its stdin.
With `--record FILE` it appends every call it answers to FILE (`request_log.py`), for the access journeys.
With `--tls DIR` it serves HTTPS with a certificate for 127.0.0.1 made for this run, written to
`DIR/ca.pem`: clients that refuse plain HTTP for some requests (S3A's SSE-KMS writes through the AWS
SDK for Java v1) trust that file. `java_truststore` turns it into a store the JVM reads.

Usage: python toolchain/moto/moto_server.py [--tls DIR] [--record FILE]
"""

import argparse
import datetime
import ipaddress
import json
import logging
import os
import signal
import ssl
import subprocess
import sys
import threading
from dataclasses import dataclass

if __package__:
    from .request_log import RequestLog
else:  # run as a script (moto-server.ts)
    from request_log import RequestLog


@dataclass
class MotoServer:
    endpoint: str
    ca_file: str | None
    request_log: "RequestLog | None"
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> "MotoServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_moto_server(tls_dir: str | None = None, record: str | None = None) -> MotoServer:
    """Starts moto on 127.0.0.1 with a port the OS picks; HTTPS with a fresh certificate when `tls_dir` is given;
    every call appended to the file `record` when given (its `request_log.actor` labels the calls)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    context = None
    ca_file = None
    if tls_dir is not None:
        ca_file, key_file = _self_signed_certificate(tls_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ca_file, key_file)
    app = DomainDispatcherApplication(create_backend_app)
    request_log = RequestLog(record) if record is not None else None
    if request_log is not None:
        app = request_log.wrap(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()
    scheme = "https" if context is not None else "http"
    return MotoServer(f"{scheme}://127.0.0.1:{server.server_address[1]}", ca_file, request_log, server, thread)


def java_truststore(ca_file: str, path: str, password: str = "metriccare") -> str:
    """A PKCS12 trust store holding `ca_file`, for `-Djavax.net.ssl.trustStore` (made with the JDK's keytool)."""
    if os.path.exists(path):
        os.remove(path)
    keytool = os.path.join(os.environ["JAVA_HOME"], "bin", "keytool") if os.environ.get("JAVA_HOME") else "keytool"
    subprocess.run(
        [
            keytool,
            "-importcert",
            "-noprompt",
            "-alias",
            "moto",
            "-file",
            ca_file,
            "-keystore",
            path,
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
        ],
        check=True,
        capture_output=True,
    )
    return path


def _self_signed_certificate(directory: str):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    os.makedirs(directory, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    ca_file = os.path.join(directory, "ca.pem")
    key_file = os.path.join(directory, "key.pem")
    with open(ca_file, "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return ca_file, key_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--tls", metavar="DIR", help="serve HTTPS; write the certificate to DIR/ca.pem")
    parser.add_argument("--record", metavar="FILE", help="append every call answered to FILE, one JSON line each")
    args = parser.parse_args()
    server = start_moto_server(args.tls, args.record)
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), sys.exit(0)))
    print(json.dumps({"endpoint": server.endpoint, "ca_file": server.ca_file}), flush=True)
    sys.stdin.read()  # the parent closes stdin (or dies) to stop the server
    server.stop()


if __name__ == "__main__":
    main()

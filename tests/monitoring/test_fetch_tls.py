"""HTTPS feeds: the pinned connection still verifies the certificate against the feed's host name."""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from monitoring import fetch as fetch_module
from monitoring.fetch import FetchLimits, fetch_feed

FEED = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>TLS</title>
<item><title>Over TLS</title><guid>tls-1</guid></item></channel></rss>"""


def _certificate(tmp: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class _Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    cert, key = _certificate(tmp_path, "feeds.example.org")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(fetch_module, "_ssl_context", lambda: client_context)

    def as_if_public(host, port, *args, **kwargs):  # feeds.example.org "resolves" to loopback
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", as_if_public)
    monkeypatch.setattr(fetch_module.ipaddress.IPv4Address, "is_global", property(lambda self: True))
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_pinned_https_fetch_verifies_the_feed_host_name(tls_server):
    url = f"https://feeds.example.org:{tls_server}/feed.xml"
    result = fetch_feed(url, limits=FetchLimits(total_timeout=5))
    assert result.ok, result.error
    assert b"Over TLS" in result.body


def test_a_certificate_for_another_name_is_refused(tls_server):
    url = f"https://other.example.org:{tls_server}/feed.xml"
    result = fetch_feed(url, limits=FetchLimits(total_timeout=5))
    assert not result.ok
    assert "certificate" in (result.error or "").lower() or "hostname" in (result.error or "").lower()
    assert result.body == b""

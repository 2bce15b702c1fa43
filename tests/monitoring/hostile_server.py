"""A threaded loopback HTTP server with well-behaved feeds and misbehaving routes, for tests and benchmarks.

    with HostileServer() as server:
        server.add_feed("/feeds/a.xml", body, etag='"v1"')
        fetch_feed(server.url("/feeds/a.xml"))
        loopback = FetchLimits(total_timeout=2, allow_private_addresses=True)
        fetch_feed(server.url("/slow-drip"), limits=loopback)

A small well-formed feed is always served at /feeds/plain.rss. Built-in hostile routes (`HOSTILE_ROUTES`):
/slow-drip, /slow-headers, /endless, /gzip-bomb, /bad-gzip, /redirect-loop, /redirect-chain/<n>,
/redirect-to-file, /redirect-to-ftp, /error-500, /rate-limited (429),
/unavailable (503 with an HTTP-date Retry-After), /silent (accepts, reads the request, never answers),
/huge-content-length, /xml/billion-laughs, /xml/quadratic-blowup, /xml/external-entity,
/xml/external-parameter-entity.

Every endless or slow route stops when the client goes away or when the server is stopped, and nothing
large is ever held in memory: bombs and endless bodies are generated as they are sent.
"""

from __future__ import annotations

import email.utils
import gzip
import http.server
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

HOSTILE_ROUTES = (
    "/slow-drip",
    "/slow-headers",
    "/endless",
    "/gzip-bomb",
    "/bad-gzip",
    "/redirect-loop",
    "/redirect-chain/3",
    "/redirect-to-file",
    "/redirect-to-ftp",
    "/error-500",
    "/rate-limited",
    "/unavailable",
    "/silent",
    "/huge-content-length",
    "/xml/billion-laughs",
    "/xml/quadratic-blowup",
    "/xml/external-entity",
    "/xml/external-parameter-entity",
)
RETRY_AFTER_SECONDS = 120
UNAVAILABLE_FOR = 90
_MiB = 1024 * 1024
PLAIN_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Plain feed</title><link>http://example.org/</link>
<item><title>Plain item</title><link>http://example.org/plain/1</link><guid>plain-1</guid>
<pubDate>Mon, 02 Sep 2024 08:00:00 GMT</pubDate><description>Nothing to see.</description></item>
</channel></rss>
"""


def billion_laughs(levels: int = 10) -> bytes:
    """The classic nested-entity bomb: under 1 KB that expands to 10**levels copies of 'lol'."""
    decls = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        refs = f"&lol{i - 1};" * 10
        decls.append(f'<!ENTITY lol{i} "{refs}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(decls) + "\n]>\n"
        f'<rss version="2.0"><channel><title>&lol{levels - 1};</title>'
        f"<item><title>&lol{levels - 1};</title><guid>laughs</guid></item></channel></rss>\n"
    ).encode()


def quadratic_blowup(entity_size: int = 50_000, references: int = 4_000) -> bytes:
    """One large entity referenced thousands of times: about 63 KB that expands to about 200 MB."""
    refs = "&a;" * references
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY a "{"x" * entity_size}">]>\n'
        f'<rss version="2.0"><channel><title>blow-up</title><item><title>t</title><guid>q</guid>'
        f"<description>{refs}</description></item></channel></rss>\n"
    ).encode()


def external_entity(target: str = "file:///etc/passwd") -> bytes:
    """An XXE attempt: an external entity pointing at a local file."""
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>\n'
        '<rss version="2.0"><channel><title>&xxe;</title>'
        "<item><title>&xxe;</title><guid>xxe</guid></item></channel></rss>\n"
    ).encode()


def external_parameter_entity(target: str = "http://127.0.0.1:9/evil.dtd") -> bytes:
    """An external parameter entity (the out-of-band XXE variant), expanded inside the DTD itself."""
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{target}"> %remote;]>\n'
        '<rss version="2.0"><channel><title>oob</title></channel></rss>\n'
    ).encode()


def gzip_bomb_chunks(inflated_bytes: int = 10 * 1024 * _MiB) -> Iterator[bytes]:
    """A gzip stream of zeros, compressed as it is sent: each MiB costs about 1 KB on the wire."""
    zeros = bytes(_MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for _ in range(inflated_bytes // _MiB):
        chunk = compressor.compress(zeros)
        if chunk:
            yield chunk
    yield compressor.flush()


@dataclass
class Feed:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)
    bare_304: bool = False  # answer 304 without repeating ETag / Last-Modified, as some servers do


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # a benchmark may open hundreds of connections at once
    owner: HostileServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on endless routes is the point, not an error


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        owner._record(self.path, dict(self.headers.items()))
        feed = owner.feeds.get(self.path)
        try:
            if feed is not None:
                self._serve_feed(feed)
                return
            route = _ROUTES.get(self.path) or _prefix_route(self.path)
            if route is None:
                self._simple(404, b"not found")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass

    # helpers -------------------------------------------------------------------------------------------

    @property
    def stopping(self) -> threading.Event:
        return self.server.owner.stopping

    def _simple(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _serve_feed(self, feed: Feed) -> None:
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        validators = {}
        if feed.etag:
            validators["ETag"] = feed.etag
        if feed.last_modified:
            validators["Last-Modified"] = feed.last_modified
        if (feed.etag and inm == feed.etag) or (feed.last_modified and not inm and ims == feed.last_modified):
            self.send_response(304)
            for name, value in validators.items() if not feed.bare_304 else ():
                self.send_header(name, value)
            self.end_headers()
            return
        body = feed.body
        headers = {"Content-Type": feed.content_type, **validators, **feed.extra_headers}
        if feed.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self._simple(200, body, headers)

    def _start_stream(self, headers: dict[str, str]) -> None:
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def _drip(self, data: bytes) -> None:
        deadline = time.monotonic() + 600
        while not self.stopping.is_set() and time.monotonic() < deadline:
            self.wfile.write(data)
            self.wfile.flush()
            self.stopping.wait(self.server.owner.drip_interval)

    # routes --------------------------------------------------------------------------------------------

    def slow_drip(self) -> None:
        self._start_stream({"Content-Type": "application/rss+xml"})
        self._drip(b"<")

    def slow_headers(self) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        self._drip(b"z")

    def endless(self) -> None:
        self._start_stream({"Content-Type": "application/rss+xml"})
        block = b"<item><title>again</title></item>\n" * 2000
        while not self.stopping.is_set():
            self.wfile.write(block)

    def gzip_bomb(self) -> None:
        self._start_stream({"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})
        for chunk in gzip_bomb_chunks():
            if self.stopping.is_set():
                return
            self.wfile.write(chunk)

    def bad_gzip(self) -> None:
        self._simple(200, b"this is not gzip at all" * 10, {"Content-Encoding": "gzip"})

    def redirect_loop(self) -> None:
        self._simple(302, b"", {"Location": "/redirect-loop-2"})

    def redirect_loop_2(self) -> None:
        self._simple(301, b"", {"Location": f"{self.server.owner.url('/redirect-loop')}"})

    def redirect_chain(self) -> None:
        n = int(self.path.rsplit("/", 1)[1])
        target = f"/redirect-chain/{n - 1}" if n > 0 else "/feeds/plain.rss"
        self._simple(307, b"", {"Location": target})

    def redirect_to_file(self) -> None:
        self._simple(302, b"", {"Location": "file:///etc/passwd"})

    def redirect_to_ftp(self) -> None:
        self._simple(301, b"", {"Location": "ftp://127.0.0.1/feed.xml"})

    def error_500(self) -> None:
        self._simple(500, b"boom")

    def rate_limited(self) -> None:
        self._simple(429, b"slow down", {"Retry-After": str(RETRY_AFTER_SECONDS)})

    def unavailable(self) -> None:
        when = email.utils.formatdate(time.time() + UNAVAILABLE_FOR, usegmt=True)
        self._simple(503, b"maintenance", {"Retry-After": when})

    def silent(self) -> None:
        self.stopping.wait(600)

    def huge_content_length(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(50 * 1024 * _MiB))
        self.end_headers()
        self.wfile.write(b"<rss>")

    def xml_route(self, body: bytes) -> None:
        self._simple(200, body, {"Content-Type": "application/rss+xml"})


_ROUTES: dict[str, Callable[[_Handler], None]] = {
    "/slow-drip": _Handler.slow_drip,
    "/slow-headers": _Handler.slow_headers,
    "/endless": _Handler.endless,
    "/gzip-bomb": _Handler.gzip_bomb,
    "/bad-gzip": _Handler.bad_gzip,
    "/redirect-loop": _Handler.redirect_loop,
    "/redirect-loop-2": _Handler.redirect_loop_2,
    "/redirect-to-file": _Handler.redirect_to_file,
    "/redirect-to-ftp": _Handler.redirect_to_ftp,
    "/error-500": _Handler.error_500,
    "/rate-limited": _Handler.rate_limited,
    "/unavailable": _Handler.unavailable,
    "/silent": _Handler.silent,
    "/huge-content-length": _Handler.huge_content_length,
    "/xml/billion-laughs": lambda h: h.xml_route(billion_laughs()),
    "/xml/quadratic-blowup": lambda h: h.xml_route(quadratic_blowup()),
    "/xml/external-entity": lambda h: h.xml_route(external_entity()),
    "/xml/external-parameter-entity": lambda h: h.xml_route(external_parameter_entity()),
}


def _prefix_route(path: str) -> Callable[[_Handler], None] | None:
    if path.startswith("/redirect-chain/") and path.rsplit("/", 1)[1].isdigit():
        return _Handler.redirect_chain
    return None


class HostileServer:
    """Serves registered feeds plus the hostile routes on 127.0.0.1, on a free port, in daemon threads."""

    def __init__(self, *, drip_interval: float = 1.0) -> None:
        self.drip_interval = drip_interval
        self.feeds: dict[str, Feed] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self._last_headers: dict[str, dict[str, str]] = {}
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.add_feed("/feeds/plain.rss", PLAIN_RSS)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="hostile-server", daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add_feed(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/rss+xml; charset=utf-8",
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        headers: dict[str, str] | None = None,
        bare_304: bool = False,
    ) -> str:
        """Serve `body` at `path` (answering 304 to a matching conditional GET); return its URL."""
        self.feeds[path] = Feed(body, content_type, etag, last_modified, gzip, dict(headers or {}), bare_304)
        return self.url(path)

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    def last_request_headers(self, path: str) -> dict[str, str]:
        """Headers of the latest request to `path`, names as the client sent them."""
        with self._lock:
            return dict(self._last_headers.get(path, {}))

    def _record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self._hits[path] += 1
            self._last_headers[path] = headers

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

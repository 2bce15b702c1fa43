"""Fetch one feed over HTTP(S) within hard limits on time, size and redirects; failures are returned."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

import httpx

USER_AGENT = "Endwatch/0.1 feed fetcher (post-export misuse monitoring; polite, conditional GET)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_AFTER_STATUSES = frozenset({429, 503})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchLimits:
    """Bounds for one fetch: every network wait, every byte and every redirect is capped."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 30.0
    max_raw_bytes: int = 5 * 1024 * 1024
    max_decoded_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    # Off by default: a feed URL must not reach loopback, private, link-local (cloud metadata) or other
    # non-public addresses of the server's network (ENDWATCH_FEED_ALLOW_PRIVATE_NETWORKS turns it on).
    allow_private_addresses: bool = False


DEFAULT_LIMITS = FetchLimits()
DEADLINE_SLACK_SECONDS = 0.05


def limits_for(allow_private_addresses: bool) -> FetchLimits:
    return FetchLimits(allow_private_addresses=allow_private_addresses)


@dataclass(frozen=True)
class FetchResult:
    """What a fetch produced; `error` is a one-line reason when the feed could not be fetched."""

    url: str
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    not_modified: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _FetchFailed(Exception):
    """Internal: ends a fetch early with a one-line reason."""


class _Deadline:
    """Shuts the fetch's sockets down when the overall deadline passes, so no blocking read outlives it.

    Per-read timeouts cannot do this alone: a server that sends one byte just before each read timeout
    would keep a fetch alive forever, even while it is still sending headers.
    """

    def __init__(self, seconds: float) -> None:
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def check(self) -> None:
        if self.expired or self.remaining() <= 0:
            raise _FetchFailed("deadline exceeded")

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore trace hook: remember every socket this fetch opens."""
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        sock = info["return_value"].get_extra_info("socket")
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shutdown(sock)
            else:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # shutdown() wakes a recv() blocked in another thread; close() would not. The base class method is
    # used so that an SSLSocket is cut at the TCP level without touching its SSL object mid-read.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


@cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle costs milliseconds; build it once and share it (SSLContext is thread-safe).
    return httpx.create_ssl_context()


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: FetchLimits | None = None,
) -> FetchResult:
    """GET a feed conditionally, following a few redirects, and return its (decompressed) body or an error."""
    limits = limits or DEFAULT_LIMITS
    with _Deadline(limits.total_timeout) as deadline:
        try:
            with httpx.Client(
                verify=_ssl_context(),
                follow_redirects=False,
                trust_env=False,
                headers=_request_headers(etag, last_modified),
            ) as client:
                return _fetch(client, url, limits, deadline)
        except _FetchFailed as exc:
            return FetchResult(url=url, error=str(exc))
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError, zlib.error) as exc:
            # A wait is never longer than what remains, so a timeout at the deadline is the deadline, even
            # when it fires a moment before the deadline's own timer does.
            if deadline.expired or deadline.remaining() <= DEADLINE_SLACK_SECONDS:
                return FetchResult(url=url, error="deadline exceeded")
            return FetchResult(url=url, error=_describe(exc))


def _request_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _fetch(client: httpx.Client, url: str, limits: FetchLimits, deadline: _Deadline) -> FetchResult:
    current = httpx.URL(url)
    seen: set[str] = set()
    for _hop in range(limits.max_redirects + 1):
        if current.scheme not in ALLOWED_SCHEMES:
            raise _FetchFailed(f"refused URL scheme {current.scheme!r}: only http and https are fetched")
        target, pinning = (current, {}) if limits.allow_private_addresses else _pin_public_address(current)
        seen.add(str(current))
        deadline.check()
        remaining = deadline.remaining()
        timeout = httpx.Timeout(
            connect=min(limits.connect_timeout, remaining),
            read=min(limits.read_timeout, remaining),
            write=min(limits.read_timeout, remaining),
            pool=min(limits.connect_timeout, remaining),
        )
        request = client.build_request(
            "GET",
            target,
            headers=pinning.get("headers"),
            timeout=timeout,
            extensions={"trace": deadline.trace, **pinning.get("extensions", {})},
        )
        response = client.send(request, stream=True)
        try:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                target = current.join(response.headers["location"])
                if str(target) in seen:
                    raise _FetchFailed(f"redirect loop at {target}")
                current = target
                continue
            return _result(response, str(current), limits, deadline)
        finally:
            response.close()
    raise _FetchFailed(f"too many redirects (more than {limits.max_redirects})")


# IPv6 ranges that carry an IPv4 address a gateway or relay reaches on our behalf (NAT64, 6to4,
# IPv4-compatible): `is_global` calls them public whatever IPv4 address they hold, so they are refused.
TRANSLATED_RANGES = tuple(
    ipaddress.ip_network(net) for net in ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "::/96")
)


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped.is_global
        if any(address in network for network in TRANSLATED_RANGES):
            return False
    return address.is_global


def _pin_public_address(url: httpx.URL) -> tuple[httpx.URL, dict[str, Any]]:
    """Resolve the host once, refuse it unless every address is public, and connect to that address.

    Connecting to the checked address (with the original Host header and TLS server name) means a DNS
    answer that changes between the check and the connection cannot steer the fetch inward.
    """
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _FetchFailed(f"cannot resolve {url.host}: {exc}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    for address in addresses:
        if not is_public(address):
            raise _FetchFailed(f"refused address {address} of {url.host}: only public addresses are fetched")
    if not addresses:
        raise _FetchFailed(f"cannot resolve {url.host}: no address")
    pinned = url.copy_with(host=str(addresses[0]))
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return pinned, {"headers": {"Host": url.netloc.decode("ascii")}, "extensions": extensions}


def _result(response: httpx.Response, url: str, limits: FetchLimits, deadline: _Deadline) -> FetchResult:
    headers = dict(response.headers.items())
    common: dict[str, Any] = {
        "url": url,
        "status": response.status_code,
        "headers": headers,
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
    }
    if response.status_code == 304:
        # A 304 may omit the validators; keep the ones that were sent so the caller never loses them.
        sent = response.request.headers
        common["etag"] = common["etag"] or sent.get("if-none-match")
        common["last_modified"] = common["last_modified"] or sent.get("if-modified-since")
        return FetchResult(**common, not_modified=True)
    if not 200 <= response.status_code < 300:
        retry_after = None
        if response.status_code in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(headers.get("retry-after"))
        reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        return FetchResult(**common, retry_after=retry_after, error=reason)
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_raw_bytes:
        raise _FetchFailed(
            f"response too large: Content-Length {declared} exceeds {limits.max_raw_bytes} bytes"
        )
    body = _read_body(response, limits, deadline)
    return FetchResult(**common, body=body)


def _read_body(response: httpx.Response, limits: FetchLimits, deadline: _Deadline) -> bytes:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    decoder = _Decoder(encoding, limits.max_decoded_bytes)
    raw_total = 0
    parts: list[bytes] = []
    for chunk in _raw_chunks(response, deadline):
        raw_total += len(chunk)
        if raw_total > limits.max_raw_bytes:
            raise _FetchFailed(f"response too large: more than {limits.max_raw_bytes} bytes")
        parts.append(decoder.feed(chunk))
    parts.append(decoder.finish())
    return b"".join(parts)


def _raw_chunks(response: httpx.Response, deadline: _Deadline) -> Iterator[bytes]:
    for chunk in response.iter_raw(_CHUNK):
        deadline.check()
        yield chunk
    deadline.check()


class _Decoder:
    """Undo gzip/deflate content coding without ever holding more than `cap` decompressed bytes."""

    def __init__(self, encoding: str, cap: int) -> None:
        if encoding in ("gzip", "x-gzip"):
            wbits = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            wbits = zlib.MAX_WBITS
        elif encoding in ("identity", ""):
            wbits = 0
        else:
            raise _FetchFailed(f"unsupported Content-Encoding {encoding!r}")
        self._wbits = wbits
        self._zlib = zlib.decompressobj(wbits) if wbits else None
        self._first = True
        self._cap = cap
        self._total = 0

    def feed(self, chunk: bytes) -> bytes:
        if self._zlib is None:
            return self._count(chunk)
        if self._first and self._wbits == zlib.MAX_WBITS:
            self._first = False
            # "deflate" is meant to be zlib-wrapped, but some servers send a raw deflate stream.
            if chunk and not _looks_like_zlib_header(chunk):
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        out = []
        data = chunk
        while data:
            # max_length bounds each step, so a bomb inflates at most cap + 1 bytes before it is refused.
            piece = self._zlib.decompress(data, self._cap - self._total + 1)
            out.append(self._count(piece))
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                break
        return b"".join(out)

    def finish(self) -> bytes:
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush(self._cap - self._total + 1))

    def _count(self, piece: bytes) -> bytes:
        self._total += len(piece)
        if self._total > self._cap:
            raise _FetchFailed(f"decompressed body too large: more than {self._cap} bytes")
        return piece


def _looks_like_zlib_header(chunk: bytes) -> bool:
    if chunk[0] & 0x0F != 8:
        return False
    return len(chunk) < 2 or ((chunk[0] << 8) | chunk[1]) % 31 == 0


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date); None if absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        text = "connect timeout"
    elif isinstance(exc, httpx.TimeoutException):
        text = "read timeout"
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.split())[:300]

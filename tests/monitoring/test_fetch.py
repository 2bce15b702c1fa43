import time
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest

from monitoring.backoff import MAX_DELAY, next_poll_delay
from monitoring.fetch import USER_AGENT, FetchLimits, FetchResult, fetch_feed, parse_retry_after
from monitoring.samples import SAMPLE_FEEDS, read_sample
from tests.monitoring.hostile_server import RETRY_AFTER_SECONDS, UNAVAILABLE_FOR, HostileServer

# Tight limits keep hostile cases short; the generous SAFETY bound only catches a hang, it is no benchmark.
FAST = FetchLimits(
    allow_private_addresses=True,
    connect_timeout=2,
    read_timeout=1.5,
    total_timeout=2,
    max_raw_bytes=256 * 1024,
    max_decoded_bytes=1024 * 1024,
    max_redirects=5,
)
SAFETY = 10.0


@pytest.fixture(scope="module")
def server():
    with HostileServer() as running:
        for sample in SAMPLE_FEEDS:
            running.add_feed(f"/samples/{sample.filename}", read_sample(sample.filename), sample.content_type)
        yield running


def timed_fetch(url: str, **kwargs) -> tuple[FetchResult, float]:
    started = time.monotonic()
    result = fetch_feed(url, **kwargs)
    return result, time.monotonic() - started


def test_normal_rss_is_fetched_with_body_and_headers(server):
    result = fetch_feed(server.url("/samples/en-lantern-rights-lab.rss"))
    assert result.ok and result.status == 200 and not result.not_modified
    assert result.body == read_sample("en-lantern-rights-lab.rss")
    assert result.headers["content-type"].startswith("application/rss+xml")


def test_atom_feed_is_fetched(server):
    result = fetch_feed(server.url("/samples/en-surveillance-monitor.atom"))
    assert result.ok and b"<feed" in result.body


def test_requests_carry_an_honest_user_agent(server):
    fetch_feed(server.url("/feeds/plain.rss"))
    headers = server.last_request_headers("/feeds/plain.rss")
    assert headers["User-Agent"] == USER_AGENT
    assert "Endwatch" in USER_AGENT


def test_second_request_with_etag_reports_not_modified(server):
    url = server.add_feed("/etag.rss", b"<rss/>", etag='"v1"')
    first = fetch_feed(url)
    assert first.ok and first.etag == '"v1"' and first.body == b"<rss/>"
    second = fetch_feed(url, etag=first.etag)
    assert server.last_request_headers("/etag.rss")["If-None-Match"] == '"v1"'
    assert second.ok and second.not_modified and second.status == 304 and second.body == b""
    assert second.etag == '"v1"'


def test_second_request_with_last_modified_reports_not_modified(server):
    stamp = "Tue, 08 Oct 2024 09:30:00 GMT"
    url = server.add_feed("/lastmod.rss", b"<rss/>", last_modified=stamp)
    first = fetch_feed(url)
    assert first.last_modified == stamp
    second = fetch_feed(url, last_modified=first.last_modified)
    assert server.last_request_headers("/lastmod.rss")["If-Modified-Since"] == stamp
    assert second.not_modified and second.error is None


def test_not_modified_keeps_the_validators_that_were_sent(server):
    stamp = "Tue, 08 Oct 2024 09:30:00 GMT"
    url = server.add_feed("/bare-304.rss", b"<rss/>", etag='"v7"', last_modified=stamp, bare_304=True)
    result = fetch_feed(url, etag='"v7"', last_modified=stamp)
    assert result.not_modified and "etag" not in result.headers
    assert result.etag == '"v7"' and result.last_modified == stamp


def test_changed_feed_is_fetched_again_despite_old_etag(server):
    url = server.add_feed("/changed.rss", b"<rss>new</rss>", etag='"v2"')
    result = fetch_feed(url, etag='"v1"')
    assert result.status == 200 and result.body == b"<rss>new</rss>" and result.etag == '"v2"'


def test_gzip_encoded_feed_is_decompressed(server):
    body = read_sample("en-lantern-rights-lab.rss")
    url = server.add_feed("/gzipped.rss", body, gzip=True)
    result = fetch_feed(url)
    assert result.ok and result.headers["content-encoding"] == "gzip" and result.body == body


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
def test_deflate_encoded_feed_is_decompressed_in_either_framing(server, wbits):
    body = read_sample("fr-veille-libertes.rss")
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    wire = compressor.compress(body) + compressor.flush()
    url = server.add_feed(f"/deflate{wbits}.rss", wire, headers={"Content-Encoding": "deflate"})
    result = fetch_feed(url)
    assert result.ok and result.body == body


def test_unrequested_content_encoding_is_an_error(server):
    url = server.add_feed("/brotli.rss", b"\x1b\x00", headers={"Content-Encoding": "br"})
    assert fetch_feed(url).error == "unsupported Content-Encoding 'br'"


def test_redirects_are_followed_to_the_feed(server):
    result = fetch_feed(server.url("/redirect-chain/3"))
    assert result.ok and result.url == server.url("/feeds/plain.rss") and b"Plain feed" in result.body


def test_too_many_redirects_is_an_error(server):
    result, elapsed = timed_fetch(server.url("/redirect-chain/9"), limits=FAST)
    assert result.error == "too many redirects (more than 5)"
    assert elapsed < SAFETY


def test_redirect_loop_is_an_error(server):
    result, elapsed = timed_fetch(server.url("/redirect-loop"))
    assert result.error is not None and result.error.startswith("redirect loop")
    assert elapsed < SAFETY


@pytest.mark.parametrize("route, scheme", [("/redirect-to-file", "file"), ("/redirect-to-ftp", "ftp")])
def test_redirect_to_a_non_http_scheme_is_refused(server, route, scheme):
    result = fetch_feed(server.url(route))
    assert result.error == f"refused URL scheme {scheme!r}: only http and https are fetched"
    assert result.body == b""


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "gopher://x/"])
def test_non_http_urls_are_refused_without_io(url):
    result = fetch_feed(url)
    assert result.error is not None and "refused URL scheme" in result.error


def test_malformed_url_is_an_error_result():
    assert fetch_feed("http://").error is not None


def test_server_error_is_reported_not_raised(server):
    result = fetch_feed(server.url("/error-500"))
    assert result.status == 500 and result.error == "HTTP 500 Internal Server Error" and result.body == b""
    assert result.retry_after is None


def test_429_reports_retry_after_seconds(server):
    result = fetch_feed(server.url("/rate-limited"))
    assert result.status == 429 and result.error is not None
    assert result.retry_after == RETRY_AFTER_SECONDS


def test_503_reports_retry_after_given_as_http_date(server):
    result = fetch_feed(server.url("/unavailable"))
    assert result.status == 503 and result.retry_after is not None
    assert UNAVAILABLE_FOR - 5 <= result.retry_after <= UNAVAILABLE_FOR + 1


def test_refused_connection_is_an_error_result():
    with HostileServer() as gone:
        url = gone.url("/feeds/plain.rss")
    result, elapsed = timed_fetch(url, limits=FAST)
    assert result.error is not None and result.status is None
    assert elapsed < SAFETY


def test_slow_drip_is_cut_at_the_deadline(server):
    result, elapsed = timed_fetch(server.url("/slow-drip"), limits=FAST)
    assert result.error == "deadline exceeded"
    assert FAST.total_timeout - 0.1 <= elapsed < SAFETY


def test_slow_drip_of_headers_is_cut_at_the_deadline(server):
    result, elapsed = timed_fetch(server.url("/slow-headers"), limits=FAST)
    assert result.error == "deadline exceeded"
    assert elapsed < SAFETY


@pytest.mark.parametrize("route", ["/silent", "/slow-headers", "/slow-drip"])
def test_deadline_holds_even_when_the_read_timeout_is_longer(server, route):
    limits = FetchLimits(allow_private_addresses=True, read_timeout=60, total_timeout=1.5)
    result, elapsed = timed_fetch(server.url(route), limits=limits)
    assert result.error == "deadline exceeded"
    assert elapsed < SAFETY


def test_server_that_never_answers_times_out(server):
    result, elapsed = timed_fetch(server.url("/silent"), limits=FAST)
    assert result.error in ("read timeout", "deadline exceeded")
    assert elapsed < SAFETY


def test_endless_body_is_cut_at_the_raw_size_cap(server):
    result, elapsed = timed_fetch(server.url("/endless"), limits=FAST)
    assert result.error == f"response too large: more than {FAST.max_raw_bytes} bytes"
    assert result.body == b""
    assert elapsed < SAFETY


def test_declared_content_length_over_the_cap_is_refused_before_reading(server):
    result = fetch_feed(server.url("/huge-content-length"), limits=FAST)
    assert result.error is not None and result.error.startswith("response too large: Content-Length")


def test_gzip_bomb_never_inflates_past_the_decompressed_cap(server):
    result, elapsed = timed_fetch(server.url("/gzip-bomb"), limits=FAST)
    assert result.error == f"decompressed body too large: more than {FAST.max_decoded_bytes} bytes"
    assert len(result.body) <= FAST.max_decoded_bytes
    assert elapsed < SAFETY


def test_gzip_bomb_is_cut_with_default_limits_and_memory_stays_bounded(server):
    tracemalloc.start()
    try:
        result, elapsed = timed_fetch(server.url("/gzip-bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error is not None and result.error.startswith("decompressed body too large")
    # The bomb inflates to 10 GiB; the fetch may hold the capped output plus chunks, nothing near that.
    assert peak < 3 * FetchLimits().max_decoded_bytes
    assert elapsed < SAFETY


def test_corrupt_gzip_is_an_error_result(server):
    result = fetch_feed(server.url("/bad-gzip"))
    assert result.error is not None and result.body == b""


def test_parallel_fetches_do_not_wait_for_the_slow_one(server):
    slow_limits = FetchLimits(allow_private_addresses=True, total_timeout=4)
    urls = [server.url(f"/samples/{sample.filename}") for sample in SAMPLE_FEEDS]
    with ThreadPoolExecutor(max_workers=len(urls) + 1) as pool:
        slow = pool.submit(timed_fetch, server.url("/slow-drip"), limits=slow_limits)
        fast = [pool.submit(timed_fetch, url) for url in urls]
        fast_results = [future.result(timeout=SAFETY) for future in fast]
        assert not slow.done()
        slow_result, _ = slow.result(timeout=SAFETY)
    assert all(result.ok for result, _ in fast_results)
    assert max(elapsed for _, elapsed in fast_results) < slow_limits.total_timeout
    assert slow_result.error == "deadline exceeded"


def test_retry_after_accepts_seconds_and_http_dates():
    now = datetime(2024, 10, 8, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120
    assert parse_retry_after("Tue, 08 Oct 2024 12:01:30 GMT", now=now) == 90
    assert parse_retry_after("Tue, 08 Oct 2024 11:00:00 GMT", now=now) == 0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_per_failure_and_is_capped():
    assert next_poll_delay(0, 3600, jitter=False) == 3600
    assert next_poll_delay(1, 3600, jitter=False) == 7200
    assert next_poll_delay(3, 3600, jitter=False) == 8 * 3600
    assert next_poll_delay(10_000, 3600, jitter=False) == MAX_DELAY


def test_backoff_never_gives_up_on_a_feed():
    delay = next_poll_delay(10**9, 60, retry_after=float("inf"), jitter=False)
    assert delay == MAX_DELAY


def test_backoff_honours_a_longer_retry_after():
    assert next_poll_delay(1, 60, retry_after=3000, jitter=False) == 3000
    assert next_poll_delay(1, 60, retry_after=5, jitter=False) == 120
    assert next_poll_delay(1, 60, retry_after=10**12, jitter=False) == MAX_DELAY


def test_backoff_jitter_only_shortens_and_never_undercuts_retry_after():
    for _ in range(200):
        assert 0.9 * 7200 <= next_poll_delay(1, 3600) <= 7200
        assert next_poll_delay(0, 60, retry_after=600) >= 600


def test_backoff_keeps_a_base_interval_longer_than_the_cap():
    assert next_poll_delay(5, 7 * 24 * 3600, jitter=False) == 7 * 24 * 3600


def test_backoff_refuses_a_meaningless_base_interval():
    with pytest.raises(ValueError):
        next_poll_delay(0, 0)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "169.254.169.254", "10.1.2.3", "192.168.0.1"]
)
def test_private_and_loopback_addresses_are_refused_by_default(host):
    result = fetch_feed(f"http://{host}:9/feed.xml", limits=FetchLimits(total_timeout=3))
    assert result.error is not None and result.error.startswith("refused address")
    assert result.body == b""


def test_loopback_is_fetched_only_when_allowed(server):
    refused = fetch_feed(server.url("/feeds/plain.rss"), limits=FetchLimits(total_timeout=3))
    assert refused.error is not None and "refused address 127.0.0.1" in refused.error
    allowed = FetchLimits(total_timeout=3, allow_private_addresses=True)
    assert fetch_feed(server.url("/feeds/plain.rss"), limits=allowed).ok


def test_a_checked_address_is_the_one_connected_to(server, monkeypatch):
    """The name is resolved once; the request goes to that address with the original Host header."""
    import socket as socket_module

    from monitoring import fetch as fetch_module

    lookups = []

    def resolve_once(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket_module.AF_INET, socket_module.SOCK_STREAM, 6, "", ("198.51.100.7", port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", resolve_once)
    monkeypatch.setattr(fetch_module.ipaddress.IPv4Address, "is_global", property(lambda self: True))
    url = httpx.URL(server.url("/feeds/plain.rss")).copy_with(host="feeds.example.org")
    pinned, pinning = fetch_module._pin_public_address(url)
    assert pinned.host == "198.51.100.7" and pinned.path == "/feeds/plain.rss"
    assert pinning["headers"]["Host"] == f"feeds.example.org:{url.port}"
    assert lookups == ["feeds.example.org"]
    https = fetch_module._pin_public_address(url.copy_with(scheme="https"))[1]
    assert https["extensions"] == {"sni_hostname": "feeds.example.org"}


def test_a_pinned_fetch_reaches_the_checked_address(server, monkeypatch):
    import socket as socket_module

    from monitoring import fetch as fetch_module

    def loopback_as_if_public(host, port, *args, **kwargs):
        return [(socket_module.AF_INET, socket_module.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", loopback_as_if_public)
    monkeypatch.setattr(fetch_module.ipaddress.IPv4Address, "is_global", property(lambda self: True))
    url = str(httpx.URL(server.url("/feeds/plain.rss")).copy_with(host="feeds.example.org"))
    result = fetch_feed(url, limits=FetchLimits(total_timeout=5))
    assert result.ok, result.error
    headers = {k.lower(): v for k, v in server.last_request_headers("/feeds/plain.rss").items()}
    assert headers["host"] == httpx.URL(url).netloc.decode()


@pytest.mark.parametrize(
    "host",
    [
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of the cloud metadata address
        "[64:ff9b:1::a00:1]",  # local-use NAT64 of 10.0.0.1
        "[2002:7f00:1::1]",  # 6to4 of 127.0.0.1
        "[2002:c0a8:1::1]",  # 6to4 of 192.168.0.1
        "[::ffff:10.0.0.1]",  # IPv4-mapped
        "[::a00:1]",  # IPv4-compatible
    ],
)
def test_nat64_and_6to4_addresses_are_refused(host):
    result = fetch_feed(f"http://{host}:9/feed.xml", limits=FetchLimits(total_timeout=3))
    assert result.error is not None and result.error.startswith("refused address"), result.error


def test_a_name_resolving_to_a_nat64_address_is_refused(monkeypatch):
    import socket as socket_module

    from monitoring import fetch as fetch_module

    def nat64(host, port, *args, **kwargs):
        return [
            (socket_module.AF_INET6, socket_module.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0))
        ]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", nat64)
    result = fetch_feed("http://feeds.example.org/feed.xml", limits=FetchLimits(total_timeout=3))
    assert result.error is not None and "refused address 64:ff9b::a9fe:a9fe" in result.error

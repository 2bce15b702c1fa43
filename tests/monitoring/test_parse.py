import time
from datetime import UTC, datetime

import pytest

from monitoring.fetch import fetch_feed
from monitoring.parse import (
    FeedRejected,
    FeedUnreadable,
    ParsedEntry,
    dedup_key,
    parse_feed,
    reject_dangerous_xml,
)
from monitoring.samples import SAMPLE_FEEDS, read_sample
from tests.monitoring.hostile_server import (
    HostileServer,
    billion_laughs,
    external_entity,
    external_parameter_entity,
    quadratic_blowup,
)

SAFETY = 10.0
RSS = "application/rss+xml"
RU = read_sample("ru-pravozashchitny-monitor.rss")
RU_UNDECLARED = RU.replace(b' encoding="windows-1251"', b"")
FR = read_sample("fr-veille-libertes.rss")
RU_TITLE = "Правозащитный монитор: цифровая слежка"
FR_TITLE = "Veille Libertés Numériques"
DANGEROUS = {
    "billion laughs": billion_laughs(),
    "quadratic blow-up": quadratic_blowup(),
    "external entity": external_entity(),
    "external parameter entity": external_parameter_entity(),
}


def rss(items: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f'{prolog}<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


@pytest.fixture(scope="module")
def server():
    with HostileServer() as running:
        yield running


@pytest.mark.parametrize("sample", SAMPLE_FEEDS, ids=lambda s: s.filename)
def test_every_shipped_sample_parses_with_entries_and_dates(sample):
    feed = parse_feed(read_sample(sample.filename), {"content-type": sample.content_type}, sample.url)
    assert feed.title and feed.warning is None
    assert len(feed.entries) >= 3
    for entry in feed.entries:
        assert entry.title and entry.link and entry.link.startswith("https://")
        assert entry.published is not None and entry.published.tzinfo == UTC


def test_windows_1251_is_decoded_from_the_charset_header_alone():
    feed = parse_feed(RU_UNDECLARED, {"content-type": f"{RSS}; charset=windows-1251"}, "https://r.example/")
    assert feed.title == RU_TITLE
    assert feed.entries[0].title.startswith("Федеральное агентство информационного мониторинга")


def test_windows_1251_is_decoded_from_the_xml_prolog_without_a_charset_header():
    feed = parse_feed(RU, {"content-type": RSS}, "https://r.example/")
    assert feed.title == RU_TITLE and feed.warning is None


def test_iso_8859_1_is_decoded_from_the_charset_header():
    feed = parse_feed(FR, {"content-type": f"{RSS}; charset=iso-8859-1"}, "https://f.example/")
    assert feed.title == FR_TITLE
    assert "Ambérie" in feed.entries[0].title


def test_wrong_charset_header_falls_back_to_the_prolog_with_a_warning():
    feed = parse_feed(RU, {"content-type": "application/xml; charset=utf-8"}, "https://r.example/")
    assert feed.title == RU_TITLE
    assert feed.warning is not None and "windows-1251" in feed.warning


def test_text_xml_without_charset_still_reads_the_prolog():
    feed = parse_feed(FR, {"content-type": "text/xml"}, "https://f.example/")
    assert feed.title == FR_TITLE


@pytest.mark.parametrize(
    "path, body, content_type, title",
    [
        ("/enc/cp1251-header", RU_UNDECLARED, f"{RSS}; charset=windows-1251", RU_TITLE),
        ("/enc/cp1251-prolog", RU, RSS, RU_TITLE),
        ("/enc/latin1-header", FR, f"{RSS}; charset=ISO-8859-1", FR_TITLE),
        ("/enc/latin1-wrong-header", FR, f"{RSS}; charset=utf-8", FR_TITLE),
    ],
)
def test_fetched_bytes_and_headers_decode_as_declared(server, path, body, content_type, title):
    result = fetch_feed(server.add_feed(path, body, content_type))
    assert result.ok
    assert parse_feed(result.body, result.headers, result.url).title == title


def test_gzip_transfer_headers_do_not_confuse_the_parser(server):
    result = fetch_feed(server.add_feed("/enc/gzipped-cp1251", RU, RSS, gzip=True))
    assert result.headers["content-encoding"] == "gzip"
    assert parse_feed(result.body, result.headers, result.url).title == RU_TITLE


@pytest.mark.parametrize("name", DANGEROUS)
def test_entity_attacks_are_rejected_before_parsing(name):
    started = time.monotonic()
    with pytest.raises(FeedRejected, match="entit"):
        parse_feed(DANGEROUS[name], {"content-type": RSS}, "https://x.example/")
    assert time.monotonic() - started < SAFETY


@pytest.mark.parametrize("route", ["billion-laughs", "quadratic-blowup", "external-entity"])
def test_entity_attacks_served_over_http_are_rejected(server, route):
    result = fetch_feed(server.url(f"/xml/{route}"))
    assert result.ok
    with pytest.raises(FeedRejected):
        parse_feed(result.body, result.headers, result.url)


def test_quadratic_blowup_sample_is_about_63_kb():
    assert 55_000 < len(quadratic_blowup()) < 70_000


def test_external_entity_never_reads_the_local_file():
    with pytest.raises(FeedRejected) as caught:
        parse_feed(external_entity("file:///etc/passwd"), {}, "https://x.example/")
    assert "root:" not in str(caught.value)


def test_utf16_encoded_entity_attack_is_rejected():
    body = (
        billion_laughs().decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    )
    with pytest.raises(FeedRejected):
        reject_dangerous_xml(body.encode("utf-16"))


def test_entities_visible_only_under_the_header_charset_are_rejected():
    # EBCDIC bytes hide the DOCTYPE from a UTF-8 reading, but feedparser would honour the header.
    body = billion_laughs().decode().replace('<?xml version="1.0"?>', "").encode("cp500")
    with pytest.raises(FeedRejected):
        parse_feed(body, {"content-type": "application/xml; charset=cp500"}, "https://x.example/")


def _internal_entity_feed(encoding: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE rss [<!ENTITY e "EXPANDED">]>'
        '<rss version="2.0"><channel><title>t &e;</title><item><title>x &e;</title><guid>g</guid></item>'
        "</channel></rss>"
    ).encode(encoding)


@pytest.mark.parametrize(
    "encoding", ["cp500", "cp037", "utf-7", "big5", "shift_jis", "euc-kr", "utf-16", "utf-32"]
)
def test_an_internal_entity_is_refused_in_every_encoding_feedparser_reads(encoding):
    # cp500 was decoded as cp037 by the guard while feedparser honours cp500, and the entity was
    # expanded; UTF-7 and multi-byte declarations made expat raise ValueError.
    body = _internal_entity_feed(encoding)
    if encoding == "utf-7":
        body = body.replace(b"<!ENTITY", b"+ADw-!ENTITY")  # '<' written the other UTF-7 way
    with pytest.raises(FeedRejected, match="entit"):
        parse_feed(body, {}, "https://x.example/")


def test_a_declared_encoding_expat_lacks_is_read_without_an_internal_error():
    big5 = '<?xml version="1.0" encoding="big5"?>'
    body = rss("<item><title>新聞</title><guid>b1</guid></item>", prolog=big5).decode().encode("big5")
    assert parse_feed(body, {}, "https://x.example/").entries[0].title == "新聞"
    bogus = '<?xml version="1.0" encoding="bogus"?>'
    bogus = rss("<item><title>t</title><guid>b2</guid></item>", prolog=bogus)
    assert parse_feed(bogus, {}, "https://x.example/").entries[0].guid == "b2"


def test_atom_ids_are_kept_as_written_and_links_resolved_against_the_feed_url():
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><id>tag-1/x</id><title>a</title><link href="rel/x"/></entry></feed>'
    )
    entry = parse_feed(body, {}, "https://news.example/feeds/atom.xml").entries[0]
    assert entry.guid == "tag-1/x"
    assert entry.link == "https://news.example/feeds/rel/x"
    local = parse_feed(body, {}, "file:///tmp/atom.xml").entries[0]
    assert (local.guid, local.link) == ("tag-1/x", "rel/x")


def test_malformed_document_with_an_entity_declaration_is_rejected():
    with pytest.raises(FeedRejected, match="malformed"):
        reject_dangerous_xml(b'<?xml version="1.0"?><!DOCTYPE x [ <<> <!ENTITY a "b">]><rss/>')


def test_doctype_without_entities_is_accepted():
    body = rss(
        "<item><title>Old style</title><link>https://n.example/1</link></item>",
        prolog='<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    )
    reject_dangerous_xml(body)
    assert parse_feed(body, {"content-type": RSS}, "https://n.example/").entries[0].title == "Old style"


def test_an_article_quoting_an_entity_declaration_in_cdata_is_not_rejected():
    body = rss(
        "<item><title>XXE explained</title><guid>x1</guid><description><![CDATA[<pre>&lt;!ENTITY "
        'xxe SYSTEM "file:///etc/passwd"&gt;</pre> <!ENTITY a "b">]]></description></item>'
    )
    assert parse_feed(body, {"content-type": RSS}, "https://x.example/").entries[0].title == "XXE explained"


def test_broken_feed_keeps_the_entries_feedparser_recovered():
    body = rss("<item><title>First</title><guid>g1</guid></item><item><title>Second</title><guid>g2</guid>")
    truncated = body[: body.index(b"</channel>")]
    feed = parse_feed(truncated, {"content-type": RSS}, "https://b.example/")
    assert [entry.title for entry in feed.entries] == ["First", "Second"]
    assert feed.warning is not None


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body><p>Service moved</p></body></html>", b"\x00\xff garbage \xfe", b"not xml at all"],
)
def test_document_with_nothing_usable_is_unreadable(body):
    with pytest.raises(FeedUnreadable):
        parse_feed(body, {"content-type": "text/html"}, "https://b.example/")


def test_a_body_that_looks_like_a_file_name_is_never_opened():
    with pytest.raises(FeedUnreadable):
        parse_feed(b"/etc/passwd", {}, "https://b.example/")


def test_dates_are_converted_to_utc_and_missing_dates_are_none():
    body = rss(
        "<item><title>a</title><guid>a</guid><pubDate>Thu, 03 Oct 2024 14:10:00 +0300</pubDate></item>"
        "<item><title>b</title><guid>b</guid></item>"
        "<item><title>c</title><guid>c</guid><pubDate>not a date</pubDate></item>"
    )
    entries = parse_feed(body, {"content-type": RSS}, "https://d.example/").entries
    assert entries[0].published == datetime(2024, 10, 3, 11, 10, tzinfo=UTC)
    assert entries[1].published is None and entries[2].published is None


def test_relative_links_resolve_against_the_feed_url():
    body = rss('<item><title>a</title><link>/news/1</link><guid isPermaLink="false">n1</guid></item>')
    entry = parse_feed(body, {"content-type": RSS}, "https://news.example/feed.xml").entries[0]
    assert entry.link == "https://news.example/news/1" and entry.guid == "n1"


def test_atom_content_is_preferred_over_summary():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>e1</id><title>t</title>'
        b'<summary>short</summary><content type="html">&lt;p&gt;long body&lt;/p&gt;</content></entry></feed>'
    )
    entry = parse_feed(body, {"content-type": "application/atom+xml"}, "https://a.example/").entries[0]
    assert entry.body_html == "<p>long body</p>"


def test_dedup_key_prefers_guid_then_link_then_content_hash():
    assert dedup_key(ParsedEntry("g", "https://l", "t", "b", None)) == "g"
    assert dedup_key(ParsedEntry(None, "https://l", "t", "b", None)) == "https://l"
    key = dedup_key(ParsedEntry(None, None, "Title", "<p>Body</p>", None))
    assert key.startswith("sha256:") and len(key) == len("sha256:") + 64


def test_content_hash_ignores_case_and_whitespace_but_not_content():
    a = dedup_key(ParsedEntry(None, None, "Corvane  Systems", "<p>Body\n text</p>", None))
    b = dedup_key(ParsedEntry(None, None, "corvane systems", "<p>body text</p>", None))
    c = dedup_key(ParsedEntry(None, None, "corvane systems", "<p>other text</p>", None))
    assert a == b != c


def test_same_feed_parsed_twice_gives_the_same_keys():
    body = read_sample("en-lantern-rights-lab.rss")
    first = [dedup_key(e) for e in parse_feed(body, {}, "https://l.example/").entries]
    second = [dedup_key(e) for e in parse_feed(body, {}, "https://l.example/").entries]
    assert first == second and len(set(first)) == len(first)

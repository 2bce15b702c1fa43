"""Turn fetched feed bytes into entries: refuse entity tricks first, then let feedparser do the decoding.

`ParsedEntry.body_html` is untrusted HTML. feedparser's sanitiser runs, but nothing here relies on it:
whatever displays or indexes the body must strip or clean it itself (monitoring/text.py does).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype

_PROLOG_CHUNK = 64 * 1024
_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
# Headers that describe the transfer, not the bytes handed over (already decompressed by fetch.py).
_TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class FeedError(Exception):
    """A feed body that cannot be used; the message says why in one line."""


class FeedRejected(FeedError):
    """A feed refused for safety reasons before any XML parser expanded anything."""


class FeedUnreadable(FeedError):
    """A feed that yielded nothing usable (no entries, no title)."""


@dataclass(frozen=True)
class ParsedEntry:
    guid: str | None
    link: str | None
    title: str
    body_html: str
    published: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str | None
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str | None = None


class _PrologEnd(Exception):
    """Raised from the expat handler at the root element: the prolog was read without incident."""


def _refuse_entity(name: str, is_parameter: bool, *args: object) -> None:
    kind = "parameter entity" if is_parameter else "entity"
    raise FeedRejected(
        f"feed rejected: the DOCTYPE declares {kind} {name!r}; entity declarations are refused"
        " (entity expansion and external entity attacks)"
    )


def _refuse_unparsed(name: str, *args: object) -> None:
    raise FeedRejected(f"feed rejected: the DOCTYPE declares unparsed entity {name!r}")


def _refuse_external(*args: object) -> int:
    raise FeedRejected("feed rejected: the document references an external entity")


def _stop(*args: object) -> None:
    raise _PrologEnd


def reject_dangerous_xml(body: bytes, headers: dict[str, str] | None = None) -> None:
    """Raise FeedRejected if the document declares entities (billion laughs, quadratic blow-up, XXE).

    The document is checked as feedparser's XML parser will read it: decoded by feedparser's own
    encoding rules (HTTP charset, BOM, XML declaration, EBCDIC and UTF-16/32 sniffing, fall-backs) to
    UTF-8, its DOCTYPE rewritten the way feedparser rewrites it. Only the prolog is read: expat stops at
    the root element and raises at the first entity declaration, so nothing is expanded or fetched.
    The raw bytes are checked too, as expat reads them (feedparser drops some declarations it finds
    unsafe; they are refused all the same).
    """
    _check_prolog(body)
    _check_prolog(_as_parser_reads(body, headers or {}))


def _as_parser_reads(body: bytes, headers: dict[str, str]) -> bytes:
    """The UTF-8 bytes feedparser's strict parser is handed for `body` with these response headers."""
    result = feedparser.FeedParserDict(bozo=False, entries=[], feed=feedparser.FeedParserDict(), headers={})
    result["headers"].update(headers)
    data = convert_to_utf8(result["headers"], body, result)
    return bytes(replace_doctype(data)[1])


def _check_prolog(body: bytes) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = _stop
    try:
        for start in range(0, len(body), _PROLOG_CHUNK):
            parser.Parse(body[start : start + _PROLOG_CHUNK], False)
        parser.Parse(b"", True)
    except _PrologEnd:
        return
    except (expat.ExpatError, ValueError, LookupError):
        # ValueError, LookupError: an encoding expat lacks (UTF-7, Big5, an unknown name).
        # Not well-formed before the root (or an encoding expat lacks): feedparser may still recover
        # something with its loose parser, so fall back to a plain scan that is conservative on purpose.
        if _ENTITY_DECL.search(body.replace(b"\x00", b"")):
            raise FeedRejected("feed rejected: malformed document containing an entity declaration") from None


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    """Parse RSS or Atom bytes, honouring the charset in the headers or the XML prolog."""
    response_headers = {
        k.lower(): v
        for k, v in headers.items()
        if k.lower() not in _TRANSFER_HEADERS and k.lower() != "content-location"
    }
    reject_dangerous_xml(body, response_headers)
    # No content-location: feedparser would resolve entry ids against it ("tag-1" -> "file://tmp/tag-1");
    # ids stay as written, and links are resolved here against the feed's http(s) address only.
    # A BytesIO, never the bytes themselves: feedparser would try a short bytes value as a file name.
    # feedparser's own HTML sanitiser and URI resolver are off: bodies are untrusted here whatever
    # feedparser does to them, and only their text is used (monitoring/text.py); they cost most of a parse.
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
    )
    base = url if urlsplit(url).scheme in ("http", "https") else None
    entries = [_entry(raw, base) for raw in parsed.entries]
    title = _text(parsed.feed.get("title"))
    warning = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        warning = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    if not entries and not title:
        because = f" ({warning})" if warning else ""
        raise FeedUnreadable(f"no feed found: neither a title nor any entry{because}")
    link = _text(parsed.feed.get("link")) or None
    return ParsedFeed(title=title, link=_resolve(base, link), entries=entries, warning=warning)


def _resolve(base: str | None, link: str | None) -> str | None:
    if link is None or base is None:
        return link
    return urljoin(base, link)


def _entry(raw: Any, base: str | None) -> ParsedEntry:
    return ParsedEntry(
        guid=_text(raw.get("id")) or None,
        link=_resolve(base, _text(raw.get("link")) or None),
        title=_text(raw.get("title")),
        body_html=_body(raw),
        published=_utc(dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")),
    )


def _body(raw: Any) -> str:
    contents = raw.get("content") or []
    for content in contents:
        if content.get("value"):
            return str(content["value"])
    return _text(raw.get("summary"))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _utc(value: struct_time | None) -> datetime | None:
    # feedparser normalises dates to UTC struct_time.
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def dedup_key(entry: ParsedEntry) -> str:
    """A stable identity for an entry: its guid, else its link, else a hash of its normalised content."""
    if entry.guid:
        return entry.guid
    if entry.link:
        return entry.link
    normalised = " ".join(
        unicodedata.normalize("NFC", f"{entry.title}\n{entry.body_html}").casefold().split()
    )
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()

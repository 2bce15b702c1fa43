"""Feeds: adding, importing from OPML, ingesting a file or URL now; re-matching when customers change.

`rematch_on_customers_changed` answers the shell's `customers_changed` signal (connected by
monitoring.wiring.init_app), so every process that can change customers re-matches recent entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import audit
from endwatch.db import utcnow
from monitoring.backoff import next_poll_delay
from monitoring.errors import FeedExists, FeedInvalid, FeedUnavailable
from monitoring.fetch import FetchResult, fetch_feed
from monitoring.ingest import IngestReport, ingest_feed, rematch_recent
from monitoring.models import Alert, Feed
from monitoring.parse import FeedError, parse_feed

_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
MAX_NAME = 200
DEFAULT_CREDIBILITY = 0.5


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedInvalid(f"not an http:// or https:// feed URL: {url!r}")
    if len(url) > 2000:
        raise FeedInvalid("feed URL is longer than 2000 characters")
    return url


def check_credibility(value: Any) -> float:
    try:
        credibility = float(value)
    except (TypeError, ValueError):
        raise FeedInvalid(f"credibility must be a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= credibility <= 1.0:
        raise FeedInvalid(f"credibility must be between 0 and 1, got {value!r}")
    return credibility


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise FeedInvalid("a feed needs a name")
    if len(name) > MAX_NAME:
        raise FeedInvalid(f"feed name is longer than {MAX_NAME} characters")
    return name


def find_feed(session: Session, url: str) -> Feed | None:
    return session.scalars(select(Feed).where(Feed.url == url)).first()


def add_feed(
    session: Session, url: str, name: str, credibility: Any, *, actor: str, active: bool = True
) -> Feed:
    """Add a feed to poll; it is due at once."""
    url = url.strip() if not active else check_url(url)
    feed = Feed(name=check_name(name), url=url, credibility=check_credibility(credibility), active=active)
    if find_feed(session, url) is not None:
        raise FeedExists(f"a feed with URL {url} already exists")
    session.add(feed)
    session.flush()
    audit.record(session, "feed.add", actor=actor, target=f"feed:{feed.id}", details={"url": url})
    return feed


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    name: str
    credibility: float


def read_opml(data: bytes, default_credibility: float = DEFAULT_CREDIBILITY) -> list[OpmlFeed]:
    """Every feed outline of an OPML document; entity tricks and malformed outlines are refused."""
    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise FeedInvalid(
            f"not a readable OPML file: {' '.join(str(exc).split()) or type(exc).__name__}"
        ) from None
    if root.tag.lower() != "opml":
        raise FeedInvalid(f"not an OPML file: the root element is <{root.tag}>, not <opml>")
    feeds: list[OpmlFeed] = []
    for number, outline in enumerate(root.iter("outline"), start=1):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if not url:
            continue  # a folder
        name = outline.get("title") or outline.get("text") or urlsplit(url).hostname or url
        try:
            feeds.append(
                OpmlFeed(
                    check_url(url),
                    check_name(name)[:MAX_NAME],
                    check_credibility(outline.get("credibility", default_credibility)),
                )
            )
        except FeedInvalid as exc:
            raise FeedInvalid(f"outline {number}: {exc}") from None
    if not feeds:
        raise FeedInvalid("the OPML file lists no feed (no outline with an xmlUrl)")
    return feeds


def import_opml(
    session: Session, data: bytes, *, actor: str, default_credibility: Any = DEFAULT_CREDIBILITY
) -> tuple[list[Feed], int]:
    """Add every feed of an OPML file not already present; return the new feeds and the number skipped."""
    wanted = read_opml(data, check_credibility(default_credibility))
    added: list[Feed] = []
    skipped = 0
    seen: set[str] = set()
    for item in wanted:
        if item.url in seen or find_feed(session, item.url) is not None:
            skipped += 1
            continue
        seen.add(item.url)
        added.append(add_feed(session, item.url, item.name, item.credibility, actor=actor))
    return added, skipped


def ingest_source(
    session: Session,
    source: str,
    *,
    name: str | None,
    credibility: Any,
    actor: str,
    fetch: Callable[..., FetchResult] = fetch_feed,
    poll_minutes: int = 30,
) -> tuple[Feed, IngestReport]:
    """Parse a local feed file or fetch a feed URL now, store, match and alert. Idempotent.

    A file feed is recorded with its file:// URL and is never polled.
    """
    credibility = check_credibility(DEFAULT_CREDIBILITY if credibility is None else credibility)
    if _URL_LIKE.match(source):
        url = check_url(source)
        result = fetch(url)
        if not result.ok:
            raise FeedUnavailable(f"could not fetch {url}: {result.error}")
        body, headers, active = result.body, result.headers, True
    else:
        path = Path(source).expanduser()
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise FeedInvalid(f"cannot read {source}: {exc.strerror or exc}") from None
        url, headers, active, result = path.resolve().as_uri(), {}, False, None
    try:
        parsed = parse_feed(body, headers, url)
    except FeedError as exc:
        raise FeedInvalid(f"{source} is not a usable feed: {exc}") from None
    feed = find_feed(session, url)
    if feed is None:
        default_name = parsed.title or (urlsplit(url).hostname if active else Path(source).name)
        feed = add_feed(session, url, name or default_name or url, credibility, actor=actor, active=active)
    if result is not None:
        record_success(feed, result, utcnow(), poll_minutes * 60.0)
    return feed, ingest_feed(session, feed, parsed)


def record_success(feed: Feed, result: FetchResult, now: datetime, base_interval: float) -> None:
    feed.last_polled_at = now
    feed.last_success_at = now
    feed.last_error = None
    feed.consecutive_failures = 0
    if result.etag or result.last_modified:
        feed.etag = (result.etag or "")[:500] or None
        feed.last_modified = (result.last_modified or "")[:100] or None
    feed.next_poll_at = _after(now, next_poll_delay(0, base_interval))


def record_failure(
    feed: Feed, error: str, now: datetime, base_interval: float, retry_after: float | None = None
) -> None:
    feed.last_polled_at = now
    feed.last_error = " ".join(error.split())[:500]
    feed.last_error_at = now
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.next_poll_at = _after(now, next_poll_delay(feed.consecutive_failures, base_interval, retry_after))


def _after(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


def feeds_with_health(session: Session) -> Sequence[Feed]:
    return session.scalars(select(Feed).order_by(Feed.name, Feed.id)).all()


def _rematch_days() -> int:
    if has_app_context():
        return int(current_app.config["ENDWATCH"].rematch_days)
    return 30


def rematch_on_customers_changed(sender: Any, customer_ids: Sequence[int] = (), **_: Any) -> list[Alert]:
    """New or changed customers: look for them in the entries of the last weeks."""
    if not isinstance(sender, Session):
        return []
    return rematch_recent(sender, list(customer_ids), days=_rematch_days())

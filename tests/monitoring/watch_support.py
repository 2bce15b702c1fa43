"""Helpers for the feed, ingest, alert and notification tests: customers, feeds and RSS documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from contracts.models import Customer, CustomerKind
from monitoring.models import Feed
from monitoring.parse import parse_feed


def add_customer(
    session: Session, name: str, aliases: Sequence[str] = (), country: str = "VA", kind: str = "government"
) -> Customer:
    customer = Customer(name=name, aliases=list(aliases), country=country, kind=CustomerKind(kind))
    session.add(customer)
    session.flush()
    return customer


def add_feed(
    session: Session, name: str = "Rights Watch", url: str | None = None, credibility: float = 0.9
) -> Feed:
    feed = Feed(
        name=name,
        url=url or f"https://{name.lower().replace(' ', '-')}.example.org/feed",
        credibility=credibility,
    )
    session.add(feed)
    session.flush()
    return feed


@dataclass
class Item:
    title: str
    body: str = ""
    guid: str | None = None
    link: str | None = None
    published: datetime | None = None


def rss(*items: Item, title: str = "Test feed") -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        when = item.published or datetime(2024, 10, 1, 8, 0, tzinfo=UTC)
        parts.append(f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>")
        parts.append(f"<description>{escape(item.body)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def parsed(*items: Item, title: str = "Test feed"):  # type: ignore[no-untyped-def]
    return parse_feed(
        rss(*items, title=title), {"content-type": "application/rss+xml"}, "https://x.example/feed"
    )


# A report that names a customer close to strong risk words: a critical alert from a credible feed.
CRACKDOWN = Item(
    "Corvane Systems interception gear traced to crackdown on journalists",
    "<p>Deep packet inspection appliances sold by <strong>Corvane Systems</strong> were used to intercept "
    "the messages of reporters, who were then detained and tortured, activists say.</p>",
    guid="crackdown-1",
    link="https://news.example.org/corvane-crackdown",
)

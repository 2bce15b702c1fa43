"""Store parsed entries once, group syndicated copies into stories, match them and raise alerts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from endwatch import progress
from endwatch.config import ConfigError
from endwatch.db import utcnow
from endwatch.keyring import read_file_secret
from monitoring.matching import Matcher, Mention
from monitoring.models import Alert, AlertLevel, AlertStatus, Entry, Feed, Story, SuppressionRule
from monitoring.parse import ParsedEntry, ParsedFeed, dedup_key
from monitoring.scoring import score_alert
from monitoring.text import fold, html_to_text
from monitoring.watchlist import matcher_for

# Titles shorter than this are too generic ("Weekly news") to group copies on their own.
MIN_STORY_TITLE_WORDS = 4
STORY_BODY_WORDS = 40


@dataclass
class IngestReport:
    """What one ingestion did; all counts are of new rows."""

    entries: int = 0
    duplicates: int = 0
    alerts: int = 0
    alert_ids: list[int] = field(default_factory=list)


def build_matcher(session: Session, customer_ids: Sequence[int] | None = None) -> Matcher:
    """The watchlist automaton for every customer (or only those given), kept across runs when an
    application (and so ENDWATCH_HOME and its secret key) is at hand."""
    folder = key = None
    if has_app_context() and customer_ids is None:
        config = current_app.config["ENDWATCH"]
        try:
            key = read_file_secret(config, "secret_key").encode()
            folder = config.data_path / "matcher"
        except ConfigError:
            pass  # no key to sign a kept matcher with: build it every run
    return matcher_for(session, folder=folder, key=key, customer_ids=customer_ids)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def entry_text(title: str, body_html: str) -> str:
    """Plain text that is matched and shown: the title, a blank line, the body without markup."""
    plain_title = html_to_text(title) if ("<" in title or "&" in title) else " ".join(title.split())
    body = html_to_text(body_html) if body_html else ""
    return f"{plain_title}\n\n{body}".strip()


def story_key(title: str, text: str, entry_key: str) -> str:
    """Copies of one story share their normalised title; short titles also need the same opening words."""
    words = fold(title).split()
    if not words:
        return key_hash("entry\n" + entry_key)
    if len(words) < MIN_STORY_TITLE_WORDS:
        words = words + ["|"] + fold(text).split()[:STORY_BODY_WORDS]
    return key_hash("title\n" + " ".join(words))


def ingest_feed(
    session: Session,
    feed: Feed,
    parsed: ParsedFeed,
    matcher: Matcher | None = None,
    *,
    now: datetime | None = None,
) -> IngestReport:
    """Store the entries not seen before, match them and raise alerts. Running it twice adds nothing."""
    now = now or utcnow()
    report = IngestReport()
    if parsed.title and not feed.title:
        feed.title = parsed.title[:500]
    fresh = _new_entries(session, parsed.entries, report)
    if not fresh:
        return report
    stories = _stories(session, fresh, now)
    entries = []
    for hashed, parsed_entry, text, skey in fresh:
        entry = Entry(
            key_hash=hashed,
            guid=parsed_entry.guid,
            link=parsed_entry.link,
            title=" ".join(parsed_entry.title.split())[:2000] or text[:200],
            text=text,
            published_at=parsed_entry.published,
            fetched_at=now,
            feed=feed,
            story=stories[skey],
        )
        session.add(entry)
        entries.append(entry)
    session.flush()
    feed.entry_count = (feed.entry_count or 0) + len(entries)
    report.entries = len(entries)
    if matcher is None:
        matcher = build_matcher(session)
    suppressions = load_suppressions(session)
    label = f"Matching entries of {feed.name}"
    for alert in match_entries(session, [(entry, feed) for entry in entries], matcher, suppressions, label):
        report.alerts += 1
        report.alert_ids.append(alert.id)
    return report


def _new_entries(
    session: Session, parsed_entries: Sequence[ParsedEntry], report: IngestReport
) -> list[tuple[str, ParsedEntry, str, str]]:
    keyed = [(key_hash(dedup_key(e)), e) for e in parsed_entries]
    known: set[str] = set()
    hashes = [hashed for hashed, _ in keyed]
    for start in range(0, len(hashes), 500):
        known.update(
            session.scalars(select(Entry.key_hash).where(Entry.key_hash.in_(hashes[start : start + 500])))
        )
    fresh = []
    for hashed, parsed_entry in keyed:
        if hashed in known:
            report.duplicates += 1
            continue
        known.add(hashed)
        text = entry_text(parsed_entry.title, parsed_entry.body_html)
        fresh.append((hashed, parsed_entry, text, story_key(parsed_entry.title, text, hashed)))
    return fresh


def _stories(
    session: Session, fresh: list[tuple[str, ParsedEntry, str, str]], now: datetime
) -> dict[str, Story]:
    keys = sorted({skey for *_, skey in fresh})
    stories = {s.key: s for s in session.scalars(select(Story).where(Story.key.in_(keys)))}
    for _hashed, parsed_entry, text, skey in fresh:
        if skey not in stories:
            title = " ".join(parsed_entry.title.split()) or text[:200]
            stories[skey] = Story(key=skey, title=title, first_seen_at=now)
            session.add(stories[skey])
    session.flush()
    return stories


@dataclass(frozen=True)
class Suppressions:
    phrases: frozenset[tuple[int, str]]
    feeds: frozenset[tuple[int, int]]

    def covers(self, customer_id: int, matched: str, feed_id: int) -> bool:
        return (customer_id, fold(matched)) in self.phrases or (customer_id, feed_id) in self.feeds


def load_suppressions(session: Session) -> Suppressions:
    rules = session.scalars(select(SuppressionRule)).all()
    return Suppressions(
        phrases=frozenset((r.customer_id, r.phrase) for r in rules if r.phrase),
        feeds=frozenset((r.customer_id, r.feed_id) for r in rules if r.feed_id is not None),
    )


def _best_alerts(
    entry: Entry, feed: Feed, matcher: Matcher, suppressions: Suppressions
) -> dict[int, tuple[float, AlertLevel, list[str], Mention]]:
    best: dict[int, tuple[float, AlertLevel, list[str], Mention]] = {}
    for mention in matcher.scan(entry.text):
        if suppressions.covers(mention.customer_id, mention.matched, feed.id):
            continue
        alerting = score_alert(mention, entry.text, feed.credibility)
        current = best.get(mention.customer_id)
        if current is None or alerting.score > current[0]:
            best[mention.customer_id] = (
                alerting.score,
                AlertLevel(alerting.level),
                list(alerting.reasons),
                mention,
            )
    return best


def match_entries(
    session: Session,
    entries: Sequence[tuple[Entry, Feed]],
    matcher: Matcher,
    suppressions: Suppressions,
    label: str | None = None,
) -> list[Alert]:
    """Raise (or strengthen) one alert per customer and story named in the entries; return the new ones.

    All entries are matched first, then the alerts of their stories are read in a few queries and
    written in one flush.
    """
    found = []
    for entry, feed in progress.steps(label, entries) if label else entries:
        if best := _best_alerts(entry, feed, matcher, suppressions):
            found.append((entry, best))
    if not found:
        return []
    stories = sorted({entry.story_id for entry, _ in found})
    customers = {customer_id for _, best in found for customer_id in best}
    existing: dict[tuple[int, int], Alert] = {}
    with session.no_autoflush:
        for start in range(0, len(stories), 500):
            query = select(Alert).where(Alert.story_id.in_(stories[start : start + 500]))
            for stored in session.scalars(query):
                if stored.customer_id in customers:
                    existing[(stored.story_id, stored.customer_id)] = stored
    created: list[Alert] = []
    for entry, best in found:
        for customer_id, (score, level, reasons, mention) in best.items():
            alert = existing.get((entry.story_id, customer_id))
            if alert is None:
                alert = Alert(customer_id=customer_id, story_id=entry.story_id, status=AlertStatus.NEW)
                existing[(entry.story_id, customer_id)] = alert
                session.add(alert)
                created.append(alert)
            elif score <= alert.score or alert.status != AlertStatus.NEW:
                continue
            elif level == AlertLevel.CRITICAL and alert.level != AlertLevel.CRITICAL:
                alert.notified_at = None  # a stronger copy of the story makes it critical: announce it now
            alert.entry_id = entry.id
            alert.score = round(float(score), 4)
            alert.level = level
            alert.matched = mention.matched[:500]
            alert.snippet = mention.snippet
            alert.reasons = [*reasons]
    session.flush()
    return created


def rematch_recent(
    session: Session, customer_ids: Sequence[int], *, days: int = 30, now: datetime | None = None
) -> list[Alert]:
    """Match entries stored in the last `days` against these customers only; return the new alerts."""
    if not customer_ids:
        return []
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    matcher = build_matcher(session, customer_ids)
    suppressions = load_suppressions(session)
    feeds = {feed.id: feed for feed in session.scalars(select(Feed))}
    created: list[Alert] = []
    recent = or_(Entry.fetched_at >= cutoff, Entry.published_at >= cutoff)
    last_id = 0
    done = 0
    while True:
        batch = session.scalars(
            select(Entry).where(recent, Entry.id > last_id).order_by(Entry.id).limit(500)
        ).all()
        if not batch:
            return created
        created.extend(match_entries(session, [(e, feeds[e.feed_id]) for e in batch], matcher, suppressions))
        done += len(batch)
        progress.report("Matching recent entries again", done)
        last_id = batch[-1].id

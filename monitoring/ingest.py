"""Store parsed entries once, group syndicated copies into stories, match them and raise alerts."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app, has_app_context
from sqlalchemy import Table, insert, or_, select
from sqlalchemy.orm import Session

from endwatch import progress
from endwatch.config import ConfigError
from endwatch.db import Base, utcnow
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
    """Store the entries not seen before, match them and raise alerts. Running it twice adds nothing.

    Entries, stories and new alerts are written as rows in a few multi-row INSERTs, not as ORM objects.
    """
    now = now or utcnow()
    report = IngestReport()
    if parsed.title and not feed.title:
        feed.title = parsed.title[:500]
    fresh = _new_entries(session, parsed.entries, report)
    if not fresh:
        return report
    if feed.id is None:
        session.flush()
    stories = _stories(session, fresh, now)
    rows: list[dict[str, Any]] = [
        {
            "key_hash": hashed,
            "guid": parsed_entry.guid,
            "link": parsed_entry.link,
            "title": " ".join(parsed_entry.title.split())[:2000] or text[:200],
            "text": text,
            "published_at": parsed_entry.published,
            "fetched_at": now,
            "feed_id": feed.id,
            "story_id": stories[skey],
        }
        for hashed, parsed_entry, text, skey in fresh
    ]
    ids = _insert(session, Entry, rows, ("key_hash",))
    feed.entry_count = (feed.entry_count or 0) + len(ids)
    report.entries = len(ids)
    if matcher is None:
        matcher = build_matcher(session)
    suppressions = load_suppressions(session)
    label = f"Matching entries of {feed.name}"
    stored = [
        StoredEntry(entry_id, row["story_id"], row["text"], feed.id, feed.credibility)
        for entry_id, row in zip(ids, rows, strict=True)
    ]
    report.alert_ids = match_entries(session, stored, matcher, suppressions, label, new_stories=stories.new)
    report.alerts = len(report.alert_ids)
    return report


def _insert(
    session: Session, model: type[Base], rows: list[dict[str, Any]], unique: tuple[str, ...]
) -> list[int]:
    """Insert rows in multi-row statements; their new ids, in the order of the rows.

    Each new id comes back with the row's `unique` columns, which tell the rows apart: asked to return
    the ids in the order of the rows, SQLAlchemy sends SQLite one statement per row.
    """
    if not rows:
        return []
    if session.autoflush:
        session.flush()  # what a session.execute() would do first: pending objects are written
    table = cast(Table, model.__table__)
    statement = insert(table).returning(table.c.id, *(table.c[name] for name in unique))
    ids = {tuple(values): new_id for new_id, *values in session.connection().execute(statement, rows)}
    return [ids[tuple(row[name] for name in unique)] for row in rows]


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


class StoryIds(dict[str, int]):
    """Story key -> story id; `new` holds the ids of the stories this ingestion created."""

    new: frozenset[int] = frozenset()


def _stories(session: Session, fresh: list[tuple[str, ParsedEntry, str, str]], now: datetime) -> StoryIds:
    keys = sorted({skey for *_, skey in fresh})
    stories = StoryIds()
    for start in range(0, len(keys), 500):
        query = select(Story.key, Story.id).where(Story.key.in_(keys[start : start + 500]))
        stories.update((key, story_id) for key, story_id in session.execute(query))
    rows: dict[str, dict[str, Any]] = {}
    for _hashed, parsed_entry, text, skey in fresh:
        if skey not in stories and skey not in rows:
            title = " ".join(parsed_entry.title.split()) or text[:200]
            rows[skey] = {"key": skey, "title": title, "first_seen_at": now}
    ids = _insert(session, Story, list(rows.values()), ("key",))
    stories.update(zip(rows, ids, strict=True))
    stories.new = frozenset(ids)
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


@dataclass(frozen=True)
class StoredEntry:
    """What matching needs of a stored entry."""

    id: int
    story_id: int
    text: str
    feed_id: int
    credibility: float


_RANK = {AlertLevel.INFO: 0, AlertLevel.WARNING: 1, AlertLevel.CRITICAL: 2}


def _stronger(level: AlertLevel, score: float, than_level: AlertLevel, than_score: float) -> bool:
    """A higher level, or the same level with a higher score: a plain report can take the score to its
    ceiling from any source, and then only its level says that a more credible copy is stronger."""
    return (_RANK[level], score) > (_RANK[than_level], than_score)


def _best_alerts(
    entry: StoredEntry, matcher: Matcher, suppressions: Suppressions
) -> dict[int, tuple[float, AlertLevel, list[str], Mention]]:
    best: dict[int, tuple[float, AlertLevel, list[str], Mention]] = {}
    for mention in matcher.scan(entry.text):
        if suppressions.covers(mention.customer_id, mention.matched, entry.feed_id):
            continue
        alerting = score_alert(mention, entry.text, entry.credibility)
        current = best.get(mention.customer_id)
        if current is None or _stronger(AlertLevel(alerting.level), alerting.score, current[1], current[0]):
            best[mention.customer_id] = (
                alerting.score,
                AlertLevel(alerting.level),
                list(alerting.reasons),
                mention,
            )
    return best


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Matching makes many small objects that reference counting frees; the cycle collector's sweeps
    over everything else the process holds (a large watchlist) took a fifth of the time. Paused for
    one batch of entries (it runs again on its own schedule after)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def match_entries(
    session: Session,
    entries: Sequence[StoredEntry],
    matcher: Matcher,
    suppressions: Suppressions,
    label: str | None = None,
    *,
    new_stories: frozenset[int] = frozenset(),
) -> list[int]:
    """Raise (or strengthen) one alert per customer and story named in the entries; return the new ones'
    ids.

    All entries are matched first, then the alerts of their stories are read in a few queries (none for
    `new_stories`, made by this ingestion) and the new ones written in multi-row INSERTs.
    """
    found = []
    with cycle_collector_paused():
        for entry in progress.steps(label, entries) if label else entries:
            if best := _best_alerts(entry, matcher, suppressions):
                found.append((entry, best))
    if not found:
        return []
    stories = sorted({entry.story_id for entry, _ in found} - new_stories)
    customers = {customer_id for _, best in found for customer_id in best}
    existing: dict[tuple[int, int], Alert | dict[str, Any]] = {}
    with session.no_autoflush:
        for start in range(0, len(stories), 500):
            query = select(Alert).where(Alert.story_id.in_(stories[start : start + 500]))
            for stored in session.scalars(query):
                if stored.customer_id in customers:
                    existing[(stored.story_id, stored.customer_id)] = stored
    created: list[dict[str, Any]] = []
    for entry, best in found:
        for customer_id, (score, level, reasons, mention) in best.items():
            alert = existing.get((entry.story_id, customer_id))
            values = {
                "entry_id": entry.id,
                "score": round(float(score), 4),
                "level": level,
                "matched": mention.matched[:500],
                "snippet": mention.snippet,
                "reasons_json": json.dumps(list(reasons), ensure_ascii=False),
            }
            if alert is None:
                row = {"customer_id": customer_id, "story_id": entry.story_id, "status": AlertStatus.NEW}
                created.append(row | values)
                existing[(entry.story_id, customer_id)] = created[-1]
            elif isinstance(alert, dict):
                if _stronger(level, score, AlertLevel(alert["level"]), alert["score"]):
                    alert.update(values)
            elif _stronger(level, score, alert.level, alert.score) and alert.status == AlertStatus.NEW:
                if level == AlertLevel.CRITICAL and alert.level != AlertLevel.CRITICAL:
                    alert.notified_at = None  # a stronger copy of the story is critical: announce it now
                for name, value in values.items():
                    setattr(alert, name, value)
    ids = _insert(session, Alert, created, ("story_id", "customer_id"))
    session.flush()
    return ids


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
    credibility: dict[int, float] = {
        row.id: row.credibility for row in session.execute(select(Feed.id, Feed.credibility))
    }
    created: list[int] = []
    recent = or_(Entry.fetched_at >= cutoff, Entry.published_at >= cutoff)
    columns = (Entry.id, Entry.story_id, Entry.text, Entry.feed_id)
    last_id = 0
    done = 0
    while True:
        query = select(*columns).where(recent, Entry.id > last_id).order_by(Entry.id).limit(500)
        batch = [StoredEntry(*row, credibility[row.feed_id]) for row in session.execute(query)]
        if not batch:
            break
        created.extend(match_entries(session, batch, matcher, suppressions))
        done += len(batch)
        progress.report("Matching recent entries again", done)
        last_id = batch[-1].id
    if not created:
        return []
    return list(session.scalars(select(Alert).where(Alert.id.in_(created)).order_by(Alert.id)))

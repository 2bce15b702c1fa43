"""Poll every due feed once: fetch and parse in a thread pool, write in the caller's session.

Each feed is written inside its own savepoint, so a feed that fails anywhere (network, parser,
database) only records its own error and its back-off; the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from endwatch import progress
from endwatch.config import Config
from endwatch.db import utcnow
from monitoring.fetch import FetchResult, fetch_feed, limits_for
from monitoring.ingest import build_matcher, ingest_feed
from monitoring.matching import Matcher
from monitoring.models import Feed
from monitoring.parse import FeedError, ParsedFeed, parse_feed
from monitoring.services import record_failure, record_success

log = logging.getLogger(__name__)
MAX_FEEDS_PER_CYCLE = 5000


@dataclass(frozen=True)
class _Outcome:
    feed_id: int
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: str | None = None
    retry_after: float | None = None


@dataclass
class PollReport:
    polled: int = 0
    updated: int = 0
    not_modified: int = 0
    failed: int = 0
    entries: int = 0
    alerts: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # feed name -> error


def due_feeds(session: Session, now: datetime, limit: int = MAX_FEEDS_PER_CYCLE) -> list[Feed]:
    """Active feeds whose next poll time has come; on PostgreSQL, rows another poller holds are skipped."""
    query = (
        select(Feed)
        .where(Feed.active.is_(True), or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now))
        .order_by(Feed.next_poll_at.is_not(None), Feed.next_poll_at, Feed.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Feed)
    )
    return list(session.scalars(query))


def _fetch_and_parse(
    feed_id: int, url: str, etag: str | None, last_modified: str | None, fetch: Callable[..., FetchResult]
) -> _Outcome:
    # Runs in a worker thread: no database access here.
    try:
        result = fetch(url, etag=etag, last_modified=last_modified)
        if not result.ok:
            return _Outcome(feed_id, result, error=result.error, retry_after=result.retry_after)
        if result.not_modified:
            return _Outcome(feed_id, result)
        return _Outcome(feed_id, result, parsed=parse_feed(result.body, result.headers, result.url))
    except FeedError as exc:
        return _Outcome(feed_id, error=str(exc))
    except Exception as exc:  # a broken feed must never stop the others
        log.exception("feed %s: unexpected failure", feed_id)
        return _Outcome(feed_id, error=f"internal error: {type(exc).__name__}: {exc}")


def poll_due_feeds(
    session: Session,
    config: Config,
    *,
    now: datetime | None = None,
    fetch: Callable[..., FetchResult] | None = None,
) -> PollReport:
    """Fetch every due feed in parallel, then store, match and alert, feed by feed."""
    fetch = fetch or partial(fetch_feed, limits=limits_for(config.feed_allow_private_networks))
    now = now or utcnow()
    base_interval = config.feed_poll_minutes * 60.0
    feeds = {feed.id: feed for feed in due_feeds(session, now)}
    report = PollReport()
    if not feeds:
        return report
    matcher: Matcher | None = None
    workers = max(1, min(config.feed_poll_workers, len(feeds)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-poll") as pool:
        futures = [
            pool.submit(_fetch_and_parse, feed.id, feed.url, feed.etag, feed.last_modified, fetch)
            for feed in feeds.values()
        ]
        for future in as_completed(futures):
            outcome = future.result()
            feed = feeds[outcome.feed_id]
            report.polled += 1
            progress.report("Polling feeds", report.polled, len(feeds))
            if outcome.parsed is not None and matcher is None:
                matcher = build_matcher(session)
            _apply(session, feed, outcome, matcher, now, base_interval, report)
    return report


def _apply(
    session: Session,
    feed: Feed,
    outcome: _Outcome,
    matcher: Matcher | None,
    now: datetime,
    base_interval: float,
    report: PollReport,
) -> None:
    name = feed.name
    if outcome.error is not None:
        record_failure(feed, outcome.error, now, base_interval, outcome.retry_after)
        report.failed += 1
        report.errors[name] = feed.last_error or outcome.error
        return
    assert outcome.result is not None
    if outcome.parsed is None:
        record_success(feed, outcome.result, now, base_interval)
        report.not_modified += 1
        return
    try:
        with session.begin_nested():
            ingested = ingest_feed(session, feed, outcome.parsed, matcher, now=now)
            record_success(feed, outcome.result, now, base_interval)
    except Exception as exc:  # the savepoint is gone; only this feed's work is lost
        log.exception("feed %s: could not store entries", feed.id)
        session.expire(feed)
        record_failure(feed, f"could not store entries: {type(exc).__name__}", now, base_interval)
        report.failed += 1
        report.errors[name] = feed.last_error or ""
        return
    report.updated += 1
    report.entries += ingested.entries
    report.alerts += ingested.alerts
    if outcome.parsed.warning:
        feed.last_error = f"parsed with a warning: {outcome.parsed.warning}"[:500]

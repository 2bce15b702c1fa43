"""Polling feeds: in parallel, conditional, with back-off and Retry-After; a broken feed stops nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from endwatch.scheduler import run_in_app
from monitoring import polling
from monitoring.fetch import FetchLimits, fetch_feed
from monitoring.models import Alert, Entry, Feed
from monitoring.polling import poll_due_feeds
from tests.monitoring.hostile_server import RETRY_AFTER_SECONDS, HostileServer
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, add_feed, rss

QUICK = partial(
    fetch_feed,
    limits=FetchLimits(allow_private_addresses=True, connect_timeout=2, read_timeout=2, total_timeout=3),
)


@pytest.fixture
def server():
    with HostileServer(drip_interval=0.2) as running:
        yield running


def test_due_feeds_are_fetched_stored_and_matched(session, app, server):
    add_customer(session, "Corvane Systems", kind="private")
    feed = add_feed(session, url=server.add_feed("/a.rss", rss(CRACKDOWN), etag='"v1"'))
    report = poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK)
    assert (report.polled, report.updated, report.entries, report.alerts) == (1, 1, 1, 1)
    assert feed.last_success_at is not None and feed.consecutive_failures == 0
    assert feed.etag == '"v1"'
    assert feed.next_poll_at > datetime.now(UTC) + timedelta(minutes=20)


def test_feeds_not_yet_due_are_left_alone(session, app, server):
    feed = add_feed(session, url=server.add_feed("/a.rss", rss(CRACKDOWN)))
    feed.next_poll_at = datetime.now(UTC) + timedelta(minutes=5)
    session.flush()
    assert poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK).polled == 0
    assert server.hits("/a.rss") == 0


def test_second_poll_is_conditional_and_stores_nothing(session, app, server):
    feed = add_feed(
        session,
        url=server.add_feed(
            "/a.rss", rss(CRACKDOWN), etag='"v1"', last_modified="Tue, 08 Oct 2024 07:15:00 GMT"
        ),
    )
    poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK)
    feed.next_poll_at = datetime.now(UTC) - timedelta(seconds=1)
    report = poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK)
    assert report.not_modified == 1 and report.entries == 0
    assert server.last_request_headers("/a.rss").get("If-None-Match") == '"v1"'
    assert session.scalar(select(func.count()).select_from(Entry)) == 1


def test_a_broken_hostile_or_slow_feed_never_stops_the_others(session, app, server):
    add_customer(session, "Corvane Systems", kind="private")
    good = add_feed(session, "Good", url=server.add_feed("/good.rss", rss(CRACKDOWN)))
    hostile = {
        path: add_feed(session, path, url=server.url(path))
        for path in (
            "/error-500",
            "/xml/billion-laughs",
            "/xml/quadratic-blowup",
            "/gzip-bomb",
            "/slow-drip",
            "/redirect-loop",
            "/silent",
        )
    }
    started = time.monotonic()
    report = poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK)
    assert time.monotonic() - started < 10  # fetched in parallel: the slow ones overlap
    assert report.polled == 8 and report.updated == 1 and report.failed == 7
    assert good.last_error is None and session.scalar(select(func.count()).select_from(Alert)) == 1
    for path, feed in hostile.items():
        assert feed.consecutive_failures == 1, path
        assert feed.last_error, path
        assert feed.next_poll_at > datetime.now(UTC), path
    assert "entit" in hostile["/xml/billion-laughs"].last_error
    assert "500" in hostile["/error-500"].last_error


def test_failures_back_off_exponentially_and_never_stop_polling(session, app, server):
    feed = add_feed(session, url=server.url("/error-500"))
    config = app.config["ENDWATCH"]
    delays = []
    for _ in range(4):
        now = datetime.now(UTC)
        feed.next_poll_at = now - timedelta(seconds=1)
        poll_due_feeds(session, config, fetch=QUICK, now=now)
        delays.append((feed.next_poll_at - now).total_seconds())
    assert feed.consecutive_failures == 4
    assert delays[0] < delays[1] < delays[2] < delays[3] <= 24 * 3600
    # It recovers: one good answer resets the back-off.
    server.add_feed("/error-500", rss(Item("Back", "ok", guid="b")))
    feed.next_poll_at = datetime.now(UTC) - timedelta(seconds=1)
    poll_due_feeds(session, config, fetch=QUICK)
    assert feed.consecutive_failures == 0 and feed.last_error is None


def test_retry_after_is_honoured(session, app, server):
    feed = add_feed(session, url=server.url("/rate-limited"))
    now = datetime.now(UTC)
    poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK, now=now)
    assert "429" in feed.last_error
    assert (feed.next_poll_at - now).total_seconds() >= RETRY_AFTER_SECONDS


def test_a_feed_that_fails_to_store_rolls_back_only_itself(session, app, server, monkeypatch):
    add_customer(session, "Corvane Systems", kind="private")
    bad = add_feed(session, "Bad", url=server.add_feed("/bad.rss", rss(Item("Bad news", "x", guid="bad"))))
    good = add_feed(session, "Good", url=server.add_feed("/good.rss", rss(CRACKDOWN)))
    real = polling.ingest_feed

    def flaky(session, feed, parsed, matcher=None, **kwargs):
        result = real(session, feed, parsed, matcher, **kwargs)
        if feed.name == "Bad":
            raise RuntimeError("disk full")
        return result

    monkeypatch.setattr(polling, "ingest_feed", flaky)
    report = poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK)
    assert report.updated == 1 and report.failed == 1
    assert bad.consecutive_failures == 1 and "could not store" in bad.last_error
    assert good.consecutive_failures == 0
    assert session.scalars(select(Entry.guid)).all() == ["crackdown-1"]


def test_inactive_feeds_are_never_polled(session, app, server):
    feed = add_feed(session, url=server.add_feed("/a.rss", rss(CRACKDOWN)))
    feed.active = False
    session.flush()
    assert poll_due_feeds(session, app.config["ENDWATCH"], fetch=QUICK).polled == 0


def test_the_poll_job_runs_in_its_own_unit_of_work(app, session, server):
    url = server.add_feed("/a.rss", rss(CRACKDOWN))
    add_feed(session, url=url)
    session.commit()
    report = run_in_app(app, "monitoring.jobs:poll_feeds")
    assert report.updated == 1
    assert session.scalars(select(Feed.last_success_at)).one() is not None


def test_polling_refuses_feeds_on_private_addresses_unless_allowed(app, session, server):
    from dataclasses import replace

    feed = add_feed(session, "Internal", url=server.url("/feeds/plain.rss"))
    strict = replace(app.config["ENDWATCH"], feed_allow_private_networks=False)
    report = poll_due_feeds(session, strict)
    assert report.failed == 1
    assert feed.last_error and feed.last_error.startswith("refused address")

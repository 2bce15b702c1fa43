"""Budgets hold under concurrency: requests sent at the same moment never get more than the limit, for a
visitor's budget (endwatch.ratelimit.spend) and for the password guesses on one staff account."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask import session as flask_session

from endwatch import accounts, ratelimit
from endwatch.crypto import KdfParams
from tests import services
from tests.conftest import PASSWORD

ATTEMPTS = 16  # under the per-client limit (30 an hour): only the per-account limit refuses


class SlowStore:
    """A store whose every answer takes a moment, as Redis's do over a network: what two requests do at
    the same time interleaves between the calls."""

    def __init__(self, inner: ratelimit.Store) -> None:
        self.inner = inner

    def secret(self, window: int, expires_at: int) -> bytes:
        return self.inner.secret(window, expires_at)

    def hit(self, key: str, expires_at: int, cost: int) -> int:
        time.sleep(0.01)
        count = self.inner.hit(key, expires_at, cost)
        time.sleep(0.01)
        return count

    def peek(self, key: str) -> int:
        time.sleep(0.01)
        count = self.inner.peek(key)
        time.sleep(0.01)
        return count


def at_once(count: int, action: Callable[[threading.Barrier], Any]) -> list[Any]:
    """Run `action` in `count` threads that all wait at the same barrier before the part that races."""
    barrier = threading.Barrier(count, timeout=60)
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: action(barrier), range(count)))


def spend_at_once(app: Flask, target: ratelimit.Store, limit: str, count: int) -> list[bool]:
    app.extensions["endwatch.ratelimit"] = SlowStore(target)

    def spend(barrier: threading.Barrier) -> bool:
        with app.test_request_context("/report", method="POST"):
            flask_session[ratelimit.VISITOR] = "one-visitor"
            ratelimit.forgetful_key("v", "warm")  # the key secret exists before the race
            barrier.wait()
            return ratelimit.spend("report", limit).allowed

    return at_once(count, spend)


@pytest.fixture
def redis_store() -> Iterator[ratelimit.RedisStore]:
    services.require(services.redis_available(), "Redis is not reachable at " + services.REDIS_URL)
    target = ratelimit.RedisStore(services.REDIS_URL, f"endwatch-test-{uuid.uuid4().hex}")
    yield target
    for key in target.redis.scan_iter(f"{target.namespace}:*"):
        target.redis.delete(key)


@pytest.mark.parametrize("kind", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_hits_sent_at_once_are_all_counted(kind, request):
    target = ratelimit.MemoryStore() if kind == "memory" else request.getfixturevalue("redis_store")
    expires_at = int(time.time()) + 60

    def hit(barrier: threading.Barrier) -> int:
        barrier.wait()
        return target.hit("counted", expires_at, 1)

    assert sorted(at_once(12, hit)) == list(range(1, 13))


def test_a_visitor_budget_admits_no_more_than_its_amount_when_spent_at_once(app):
    allowed = spend_at_once(app, ratelimit.MemoryStore(), "3 per hour", 12)
    assert allowed.count(True) == 3


@pytest.mark.redis
def test_a_visitor_budget_in_redis_admits_no_more_than_its_amount_when_spent_at_once(app, redis_store):
    allowed = spend_at_once(app, redis_store, "3 per hour", 12)
    assert allowed.count(True) == 3


def test_a_refused_spend_leaves_the_budget_as_it_was(app):
    target = ratelimit.MemoryStore()
    assert spend_at_once(app, target, "2 per hour", 6).count(True) == 2
    assert [value for key, (value, _) in target.values.items() if key.startswith("report:")] == [2]


def test_concurrent_wrong_passwords_are_checked_at_most_login_limit_times(live_server):
    """Sixteen wrong passwords for one account sent at the same moment (the app's own test clients, one
    per thread, on its own committed database and in-memory limits): five are checked, the rest refused."""
    with live_server.session() as session:
        accounts.create_user(
            session, "target@staff.example", "admin", KdfParams(1, 256), password=PASSWORD, actor="test"
        )
        session.commit()

    def attempt(barrier: threading.Barrier) -> int:
        client = live_server.app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        data = {"csrf_token": token, "email": "target@staff.example", "password": "guess", "code": "123456"}
        barrier.wait()
        return client.post("/staff/login", data=data).status_code

    statuses = at_once(ATTEMPTS, attempt)
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == 5, f"{statuses.count(401)} passwords were checked for one account"

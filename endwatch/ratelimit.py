"""Rate-limit keys that forget whom they counted, and the public side's per-visitor budgets.

Keys. A rate-limit key is an HMAC of what it counts (an address, an account, a visitor) under a random
secret of the current hour. The secret lives in the rate-limit storage (Redis, shared by every worker;
process memory in the embedded default) and expires when its hour ends, so once a window has passed no
secret is left anywhere that derives a key from an address: a copy of Redis and the keys folder does not
tell whose counter a key was.

Budgets. Behind an onion service every visitor shares one address, so the public side counts per
visitor (a random id in the signed session cookie), never per address, and never site-wide (a site-wide
cap would let one person shut everyone out). Counters are fixed windows aligned to the clock, so their
expiry dates the hour of a window, not the moment of a request. A spend raises the counter before the
work it pays for, in one atomic step, so requests sent at the same moment never get more than the
budget; staff login spends a guess of the account named this way too (endwatch.views).
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app, request, session
from limits import parse

from endwatch import crypto

SECRET_WINDOW = 3600  # seconds a key secret lives; public budgets count in windows of at most this
VISITOR = "vb"  # session key of the visitor's random id


def clock() -> float:
    return time.time()


class Store(Protocol):
    def secret(self, window: int, expires_at: int) -> bytes: ...

    def hit(self, key: str, expires_at: int, cost: int) -> int:
        """Add `cost` (negative to give back) and return the new count, in one atomic step."""
        ...

    def peek(self, key: str) -> int: ...


class MemoryStore:
    """One process's counters and secrets (the embedded default runs in one process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[str, tuple[Any, float]] = {}

    def _sweep(self) -> None:
        now = clock()
        for key in [k for k, (_, expiry) in self.values.items() if expiry <= now]:
            del self.values[key]

    def secret(self, window: int, expires_at: int) -> bytes:
        with self.lock:
            self._sweep()
            key = f"secret:{window}"
            if key not in self.values:
                self.values[key] = (secrets.token_bytes(32), expires_at)
            return bytes(self.values[key][0])

    def hit(self, key: str, expires_at: int, cost: int) -> int:
        with self.lock:
            self._sweep()
            count = int(self.values.get(key, (0, 0))[0]) + cost
            self.values[key] = (count, expires_at)
            return count

    def peek(self, key: str) -> int:
        with self.lock:
            self._sweep()
            return int(self.values.get(key, (0, 0))[0])


class RedisStore:
    """Counters and secrets shared by every worker through Redis, each expiring at its window's end."""

    def __init__(self, uri: str, namespace: str = "endwatch") -> None:
        import redis

        self.redis = redis.Redis.from_url(uri)
        self.namespace = namespace
        self.cached: tuple[int, bytes] | None = None

    def secret(self, window: int, expires_at: int) -> bytes:
        # Kept in this process until its window ends too, to spare two round trips per request.
        cached = self.cached
        if cached is not None and cached[0] == window:
            return cached[1]
        key = f"{self.namespace}:rl-secret:{window}"
        self.redis.set(key, secrets.token_bytes(32), nx=True, exat=expires_at)
        value = self.redis.get(key)
        if value is None:  # expired between the two calls: the window just ended
            return self.secret(window + 1, expires_at + SECRET_WINDOW)
        self.cached = (window, bytes(value))  # type: ignore[arg-type]
        return self.cached[1]

    def hit(self, key: str, expires_at: int, cost: int) -> int:
        pipe = self.redis.pipeline()  # MULTI/EXEC: the increment and its expiry in one step
        pipe.incrby(f"{self.namespace}:budget:{key}", cost)
        pipe.expireat(f"{self.namespace}:budget:{key}", expires_at)
        count, _ = pipe.execute()
        return int(count)

    def peek(self, key: str) -> int:
        return int(self.redis.get(f"{self.namespace}:budget:{key}") or 0)  # type: ignore[arg-type]


def make_store(uri: str, namespace: str = "endwatch") -> Store:
    return MemoryStore() if uri.startswith("memory://") else RedisStore(uri, namespace)


def store() -> Store:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("endwatch.ratelimit")
    if found is None:
        found = make_store(
            app.config["RATELIMIT_STORAGE_URI"], app.config.get("RATELIMIT_NAMESPACE", "endwatch")
        )
        app.extensions["endwatch.ratelimit"] = found
    return found  # type: ignore[no-any-return]


# -- keys ------------------------------------------------------------------------------------------------


def window_secret(target: Store, now: float | None = None) -> bytes:
    window = int((clock() if now is None else now) // SECRET_WINDOW)
    return target.secret(window, (window + 1) * SECRET_WINDOW)


def forgetful_key(kind: str, value: str) -> str:
    """A key for `value` that nobody can link back to it once the current hour is over."""
    digest = crypto.hmac_sha256(window_secret(store()), f"{kind}:{value}".encode())
    return f"{kind}:{digest[:32]}"


# -- per-visitor budgets ---------------------------------------------------------------------------------


def visitor_id() -> str:
    """The visitor: the random CSRF secret of their session, made when a form was first shown to them.

    Every public POST carries it (or fails the CSRF check), and a client that replays an old cookie keeps
    the same id: only fetching a form again with no cookie makes a new visitor."""
    token = session.get("csrf_token") or session.get(VISITOR)
    if not token:
        token = session[VISITOR] = crypto.random_token(16)
    return str(token)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (when refused)
    spent: tuple[str, int, int] | None = None  # the counter, its window's end and the cost (when allowed)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _window(limit: str, now: float) -> tuple[int, int, int]:
    item = parse(limit)
    length = min(item.get_expiry(), SECRET_WINDOW)
    start = int(now // length) * length
    return item.amount, start, start + length


def spend_on(name: str, who: str, limit: str, cost: int = 1) -> Verdict:
    """Spend `cost` of the budget `name` ("10 per hour") of `who` (a forgetful key); refused once used up.

    The counter is raised first, in one atomic step, and lowered again when that went over the amount: of
    requests sent at the same moment, no more than the amount get through."""
    now = clock()
    amount, start, end = _window(limit, now)
    key = f"{name}:{start}:{who}"
    target = store()
    if target.hit(key, end, cost) > amount:
        target.hit(key, end, -cost)
        return Verdict(False, end - int(now))
    return Verdict(True, 0, (key, end, cost))


def refund(verdict: Verdict) -> None:
    """Give back what an allowed spend took, to the window it was taken from."""
    if verdict.spent is not None:
        key, end, cost = verdict.spent
        store().hit(key, end, -cost)


def spend(name: str, limit: str, cost: int = 1) -> Verdict:
    """Spend `cost` of this visitor's budget `name` ("10 per hour"); refused once it is used up."""
    return spend_on(name, forgetful_key("v", visitor_id()), limit, cost)


def check(name: str, limit: str) -> Verdict:
    """Whether this visitor's budget `name` has anything left, without spending it."""
    return check_on(name, forgetful_key("v", visitor_id()), limit)


def check_on(name: str, who: str, limit: str) -> Verdict:
    now = clock()
    amount, start, end = _window(limit, now)
    if store().peek(f"{name}:{start}:{who}") >= amount:
        return Verdict(False, end - int(now))
    return Verdict(True, 0)


def remote_address() -> str:
    return request.remote_addr or "unknown"

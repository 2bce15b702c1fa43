"""Rate-limit keys under an hourly secret: shared by every worker while the window lasts, and impossible
to link back to an address once it has passed, even with a copy of Redis and the keys folder."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
from flask import session as flask_session

from endwatch import crypto, ratelimit
from endwatch.app import create_app
from endwatch.extensions import client_key
from tests import services

pytestmark = pytest.mark.redis

ADDRESS = "203.0.113.57"
WINDOW = 4


@pytest.fixture
def shared(app_config, connection, monkeypatch):  # type: ignore[no-untyped-def]
    """Two app instances (two workers) sharing one Redis, with four-second windows."""
    services.require(services.redis_available(), "Redis is not reachable at " + services.REDIS_URL)
    monkeypatch.setattr(ratelimit, "SECRET_WINDOW", WINDOW)
    namespace = f"endwatch-test-{uuid.uuid4().hex}"
    apps = []
    for _ in range(2):
        app = create_app(
            {**app_config, "ratelimit_storage_uri": services.REDIS_URL}, environ={}, bind=connection
        )
        app.config["RATELIMIT_NAMESPACE"] = namespace
        apps.append(app)
    redis = ratelimit.RedisStore(services.REDIS_URL, namespace).redis
    yield apps, namespace, redis
    for key in redis.scan_iter(f"{namespace}:*"):
        redis.delete(key)


def at_window_start() -> None:
    time.sleep(WINDOW - time.time() % WINDOW + 0.05)


def key_for(app, address: str) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context("/staff/login", environ_base={"REMOTE_ADDR": address}):
        return client_key()


def spend(app, visitor: str, limit: str) -> bool:  # type: ignore[no-untyped-def]
    with app.test_request_context("/report", method="POST"):
        flask_session[ratelimit.VISITOR] = visitor
        return ratelimit.spend("report", limit).allowed


def stolen_secrets(redis, namespace: str, keys_folder: Path) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Everything an attacker with a copy of Redis and the keys folder could try as the HMAC key."""
    found = [redis.get(key) for key in redis.scan_iter("*") if redis.type(key) == b"string"]
    found = [value for value in found if value]
    found += [path.read_bytes().strip() for path in keys_folder.iterdir() if path.is_file()]
    return found


def recovered(key: str, candidates: list[str], secrets: list[bytes]) -> set[str]:
    kind, digest = key.split(":", 1)
    return {
        address
        for address in candidates
        for secret in secrets
        if crypto.hmac_sha256(secret, f"{kind}:{address}".encode())[:32] == digest
    }


def test_limits_hold_across_two_workers_while_the_window_lasts(shared):
    (first, second), _, _ = shared
    at_window_start()
    assert key_for(first, ADDRESS) == key_for(second, ADDRESS) != key_for(second, "203.0.113.58")
    assert [spend(first, "visitor-a", "2 per hour"), spend(second, "visitor-a", "2 per hour")] == [True, True]
    assert spend(first, "visitor-a", "2 per hour") is False
    assert spend(second, "visitor-a", "2 per hour") is False
    assert spend(second, "visitor-b", "2 per hour") is True  # another visitor's budget is intact


def test_an_address_cannot_be_recovered_once_its_window_has_passed(shared, app):
    (first, second), namespace, redis = shared
    keys_folder = app.config["ENDWATCH"].keys_path
    candidates = [f"203.0.113.{n}" for n in range(256)]
    at_window_start()
    key = key_for(first, ADDRESS)
    spend(second, "visitor-a", "5 per hour")
    # While the window lasts, a copy of Redis does give the address away (the attack works)...
    assert recovered(key, candidates, stolen_secrets(redis, namespace, keys_folder)) == {ADDRESS}
    time.sleep(WINDOW + 0.5)
    # ...and once it has passed, no secret is left anywhere that derives the key.
    assert [k for k in redis.scan_iter(f"{namespace}:rl-secret:*")] == []
    assert recovered(key, candidates, stolen_secrets(redis, namespace, keys_folder)) == set()
    assert key_for(first, ADDRESS) != key  # a new window, a new secret


def test_counters_expire_at_the_window_end_not_a_request_time(shared):
    (first, _), namespace, redis = shared
    at_window_start()
    time.sleep(1.3)
    spend(first, "visitor-a", "5 per hour")
    (counter,) = list(redis.scan_iter(f"{namespace}:budget:*"))
    expires_at = time.time() + redis.pttl(counter) / 1000
    assert abs(expires_at - (time.time() // WINDOW + 1) * WINDOW) < 0.2


def test_a_copy_of_redis_after_failed_logins_holds_neither_the_email_nor_the_address(shared):
    """The account's guesses and the client's attempts are counted in Redis under forgetful keys only."""
    apps, namespace, redis = shared
    client = apps[0].test_client()
    environ = {"REMOTE_ADDR": ADDRESS}
    page = client.get("/staff/login", environ_base=environ).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": token, "email": "Whistle.Target@staff.example", "password": "guess", "code": "1"}
    statuses = [client.post("/staff/login", data=data, environ_base=environ).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    dump = b""
    for key in redis.scan_iter(f"{namespace}:*"):
        dump += key + b"\n"
        if redis.type(key) == b"string":
            dump += (redis.get(key) or b"") + b"\n"
    assert b"login:" in dump  # the account's guesses were counted here
    for secret in ("whistle.target@staff.example", "staff.example", ADDRESS):
        assert secret.encode() not in dump.lower()

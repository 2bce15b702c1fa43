"""Production mode: gunicorn with several workers on PostgreSQL, rate limits shared through Redis."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, inspect

from tests import services
from tests.conftest import endwatch_env, run_endwatch

pytestmark = pytest.mark.slow
GUESS = {"email": "target@staff.example", "password": "guess", "code": "123456"}


@pytest.fixture
def production(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    with _serve(tmp_path, "--workers", "2") as served:
        yield served


@pytest.fixture
def production_threaded(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """Two workers of four threads each: eight requests in flight at once."""
    with _serve(tmp_path, "--workers", "2", "--threads", "4") as served:
        yield served


@contextmanager
def _serve(tmp_path: Path, *gunicorn_args: str) -> Iterator[tuple[str, Path, str]]:
    services.require(services.postgres_available(), "PostgreSQL is not reachable at " + services.POSTGRES_URL)
    services.require(services.redis_available(), "Redis is not reachable at " + services.REDIS_URL)
    with services.scratch_postgres_database() as url:
        env = endwatch_env(
            tmp_path / "home",
            url,
            ENDWATCH_RATELIMIT_STORAGE_URI=services.REDIS_URL,
            ENDWATCH_LOGIN_LIMIT="5 per 15 minutes",
        )
        assert run_endwatch(env, "init").returncode == 0
        created = run_endwatch(env, "users", "create", "target@staff.example", "--role", "admin")
        assert created.returncode == 0, created.stderr
        port = services.free_port()
        access_log = tmp_path / "access.log"
        errors = (tmp_path / "gunicorn.err").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                *gunicorn_args,
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(p)s %(s)s",
                "endwatch.wsgi:app",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server, tmp_path / "gunicorn.err")
            yield base, access_log, url
        finally:
            server.terminate()
            server.wait(timeout=30)
            errors.close()


def _wait_until_up(base: str, server: subprocess.Popen, error_log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("gunicorn exited: " + error_log.read_text()[-2000:])
        try:
            if httpx.get(base + "/staff/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


def _attempt(base: str) -> int:
    with httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/staff/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/staff/login",
            data={**GUESS, "csrf_token": token},
        )
        return response.status_code


def _wait_until_both_workers_answer(base: str, access_log: Path) -> None:
    """A loaded machine can boot the second worker seconds after the first has answered; until it is up,
    every request goes to the first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        httpx.get(base + "/staff/login", timeout=10)
        if len({line.split()[0] for line in access_log.read_text().splitlines() if line.strip()}) == 2:
            return
        time.sleep(0.05)
    raise AssertionError("the second gunicorn worker never answered")


def _attempt_pids(access_log: Path, since: int) -> set[str]:
    lines = [line.split() for line in access_log.read_text().splitlines()[since:] if line.strip()]
    return {pid for pid, status in lines if status in ("401", "429")}


@contextmanager
def _only_another_worker_free(base: str, access_log: Path, busy: set[str]) -> Iterator[None]:
    """Hold one worker with a request whose headers never end, placed again until a probe shows that the
    worker left free is not one of `busy`; the attempts inside go to that worker."""
    port = int(base.rsplit(":", 1)[1])
    for _ in range(40):
        with socket.create_connection(("127.0.0.1", port)) as hog:
            hog.sendall(b"GET /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            time.sleep(0.1)
            before = len(access_log.read_text().splitlines())
            httpx.get(base + "/staff/login", timeout=10)
            probe = access_log.read_text().splitlines()[before:]
            if probe and probe[-1].split()[0] not in busy:
                yield
                return
    raise AssertionError("could not hold the worker that answered every attempt")


def test_login_throttling_holds_across_gunicorn_workers(production):
    """Twelve attempts on one account, half of them answered by a worker that did not answer the first
    half: the count lives in Redis, so five get through and the rest are refused, whichever worker
    answers."""
    base, access_log, _url = production
    _wait_until_both_workers_answer(base, access_log)
    since = len(access_log.read_text().splitlines())
    statuses = [_attempt(base) for _ in range(6)]
    first_half = _attempt_pids(access_log, since)
    if len(first_half) == 2:
        statuses += [_attempt(base) for _ in range(6)]
    else:
        with _only_another_worker_free(base, access_log, first_half):
            statuses += [_attempt(base) for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 7
    assert len(_attempt_pids(access_log, since)) == 2, "both workers must have answered login attempts"


def test_web_workers_never_run_jobs(production):
    base, _log, url = production
    assert httpx.get(base + "/staff/login", timeout=10).status_code == 200
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    engine.dispose()
    assert "users" in tables and "apscheduler_jobs" not in tables


def test_login_attempts_sent_at_once_check_no_more_passwords_than_the_limit(production_threaded):
    """Sixteen attempts on one account sent at the same moment, eight at a time in flight across both
    workers: the count is taken before the password is checked, so five are checked (401) and the rest
    refused (429)."""
    base, access_log, _url = production_threaded
    _wait_until_both_workers_answer(base, access_log)
    barrier = threading.Barrier(16, timeout=60)

    def attempt(_: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as client:
            page = client.get("/staff/login").text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            barrier.wait()
            return client.post("/staff/login", data={**GUESS, "csrf_token": token}).status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(attempt, range(16)))
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == 5, f"{statuses.count(401)} passwords were checked for one account"

"""Real services and tools the suite uses: PostgreSQL, Redis, Chromium, mat2; skipped off CI, fatal on CI."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_URL = os.environ.get(
    "ENDWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ENDWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("ENDWATCH_TEST_CHROMIUM", "/usr/bin/chromium")
SHARED_DATA = Path(
    os.environ.get("ENDWATCH_TEST_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
CHECKOUT = Path(__file__).resolve().parents[1]
# axe-core from npm (.ci/run installs it there) and where the browser tests leave their screenshots.
AXE = Path(os.environ.get("ENDWATCH_TEST_AXE", CHECKOUT / ".ci/npm/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = Path(os.environ.get("ENDWATCH_TEST_SCREENSHOTS", CHECKOUT / "test-artifacts/screenshots"))


def forget_test_settings() -> None:
    """Take the suite's own ENDWATCH_TEST_* variables out of the environment once they are read above, so
    that the strict configuration (which refuses unknown ENDWATCH_* names) never sees them."""
    for name in [name for name in os.environ if name.startswith("ENDWATCH_TEST_")]:
        del os.environ[name]


def require(available: bool, reason: str) -> None:
    """Skip with a clear reason on a developer machine; fail on CI, where nothing may be skipped."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason}; CI must provide it", pytrace=False)
    pytest.skip(reason)


def mat2_available() -> bool:
    """mat2 and ffmpeg (Debian packages), which clean every file but plain text and WebP."""
    return shutil.which("mat2") is not None and shutil.which("ffmpeg") is not None


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        return False
    return True


def redis_available() -> bool:
    url = make_url(REDIS_URL.replace("redis://", "redis+x://"))
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """A brand-new PostgreSQL database for one test or session, dropped afterwards."""
    name = f"endwatch_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

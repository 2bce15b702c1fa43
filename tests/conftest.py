"""Shared fixtures: one engine per test session, each test inside a transaction rolled back at the end.

The backend is chosen by ENDWATCH_TEST_DB (sqlite, the default, or postgresql); scripts/test runs the
whole suite once on each.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from endwatch import accounts, db, keyring
from endwatch.app import create_app
from endwatch.cli import command_line
from endwatch.config import load_config
from endwatch.crypto import KdfParams
from endwatch.migrate import target_metadata
from endwatch.models import User
from tests import services

BACKEND = os.environ.get("ENDWATCH_TEST_DB", "sqlite")
services.forget_test_settings()
# Cheap key derivation for tests only; production cost comes from the config defaults.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 256, "receipt_time_cost": 1, "receipt_memory_kib": 256}
CHEAP_ENV = {f"ENDWATCH_{k.upper()}": str(v) for k, v in CHEAP.items()}
PASSWORD = "correct horse battery staple"  # noqa: S105


def build_schema(engine: Engine) -> None:
    target_metadata().create_all(engine)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgresql":
        services.require(
            services.postgres_available(), "PostgreSQL is not reachable at " + services.POSTGRES_URL
        )
        with services.scratch_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    build_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    settings = load_config(environ={}, overrides={"home": str(path)})
    keyring.ensure_home(settings)
    keyring.ensure_file_secrets(settings)
    return path


@pytest.fixture
def app_config(home: Path, database_url: str) -> dict[str, Any]:
    """Typed overrides for create_app; tests may add to it before `app` is built."""
    return {"home": str(home), "database_url": database_url, **CHEAP}


@pytest.fixture
def app(app_config: dict[str, Any], connection: Connection) -> Iterator[Flask]:
    application = create_app(app_config, environ={}, bind=connection)
    application.testing = True
    yield application


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session on the test's connection: it sees what requests did, and they see what it flushed."""
    with db.get_database(app).factory() as test_session:
        yield test_session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def cli(app: Flask):  # type: ignore[no-untyped-def]
    def invoke(*args: str, input: str | None = None) -> Result:
        root = command_line()
        return CliRunner().invoke(root, list(args), obj={"app": app}, input=input, catch_exceptions=False)

    return invoke


@dataclass
class Member:
    user: User
    password: str
    totp_secret: str


@pytest.fixture
def make_member(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    """Create a fully set-up staff member (password changed, TOTP enrolled)."""
    counter = iter(range(1, 10_000))

    def make(role: str = "triager", email: str | None = None) -> Member:
        secret = pyotp.random_base32()
        address = email or f"{role}{next(counter)}@staff.example"
        user, _ = accounts.create_user(
            session, address, role, KdfParams(1, 256), password=PASSWORD, totp_secret=secret, actor="test"
        )
        session.flush()
        return Member(user, PASSWORD, secret)

    return make


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client: FlaskClient, member: Member, session: Session | None = None) -> Any:
    """Log a member in through the real form, with a fresh TOTP code."""
    if session is not None:
        session.execute(
            User.__table__.update().where(User.id == member.user.id).values(last_totp_step=0)  # type: ignore[attr-defined]
        )
    token = csrf_token(client, "/staff/login")
    return client.post(
        "/staff/login",
        data={
            "csrf_token": token,
            "email": member.user.email,
            "password": member.password,
            "code": pyotp.TOTP(member.totp_secret).now(),
        },
    )


@pytest.fixture
def logged_in(client: FlaskClient, make_member, session: Session):  # type: ignore[no-untyped-def]
    """Return a function that logs a new member of `role` into `client`."""

    def as_role(role: str) -> Member:
        member = make_member(role)
        response = login(client, member, session)
        assert response.status_code == 302, response.get_data(as_text=True)
        return member

    return as_role


# -- headless Chromium -------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--font-render-hinting=none",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole test session (Playwright's sync API allows one at a time)."""
    services.require(services.chromium_available(), "Chromium is not installed at " + services.CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=services.CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- real processes and fresh databases ------------------------------------------------------------


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the current backend, for tests that run real server processes."""
    if BACKEND == "postgresql":
        services.require(services.postgres_available(), "PostgreSQL is not reachable")
        with services.scratch_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"


def endwatch_env(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENDWATCH_")}
    env.update(CHEAP_ENV)
    env.update({"ENDWATCH_HOME": str(home), "ENDWATCH_DATABASE_URL": database_url, **extra})
    return env


def run_endwatch(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "endwatch", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def live_server(fresh_database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real HTTP server on loopback running its own app on a fresh, committed database."""
    from werkzeug.serving import make_server

    home = tmp_path / "live-home"
    settings = load_config(environ={}, overrides={"home": str(home)})
    keyring.ensure_home(settings)
    keyring.ensure_file_secrets(settings)
    application = create_app({"home": str(home), "database_url": fresh_database_url, **CHEAP}, environ={})
    build_schema(db.get_database(application).engine)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(application, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        db.get_database(application).engine.dispose()


@dataclass
class LiveServer:
    app: Flask
    url: str

    def session(self) -> Session:
        return db.get_database(self.app).factory()


def users_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests that send files other than plain text need mat2 (and ffmpeg) to clean them."""
    if item.get_closest_marker("mat2") is not None:
        services.require(services.mat2_available(), "mat2 or ffmpeg is not installed (Debian: mat2, ffmpeg)")

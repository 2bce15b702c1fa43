"""One TOTP code, many concurrent logins on PostgreSQL: real threads against a real HTTP server."""

from __future__ import annotations

import re
import threading

import httpx
import pyotp
import pytest

from endwatch import accounts, db, keyring
from endwatch.app import create_app
from endwatch.config import load_config
from endwatch.crypto import KdfParams
from tests import services
from tests.conftest import CHEAP, PASSWORD, build_schema

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
THREADS = 6
MEMBERS = 3


@pytest.fixture
def postgres_server(tmp_path):
    """A threaded HTTP server on loopback with its own app on a scratch PostgreSQL database."""
    from werkzeug.serving import make_server

    services.require(services.postgres_available(), "PostgreSQL is not reachable")
    home = tmp_path / "home"
    keyring.ensure_home(load_config(environ={}, overrides={"home": str(home)}))
    keyring.ensure_file_secrets(load_config(environ={}, overrides={"home": str(home)}))
    with services.scratch_postgres_database() as url:
        limits = {"login_limit": "1000 per minute", "login_client_limit": "1000 per minute"}
        application = create_app({"home": str(home), "database_url": url, **CHEAP, **limits}, environ={})
        build_schema(db.get_database(application).engine)
        server = make_server("127.0.0.1", 0, application, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield application, f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            db.get_database(application).engine.dispose()


def _member(application, email: str) -> str:
    secret = pyotp.random_base32()
    with application.app_context(), db.unit_of_work() as session:
        accounts.create_user(
            session, email, "triager", KdfParams(1, 256), password=PASSWORD, totp_secret=secret
        )
    return secret


def _race(base_url: str, email: str, code: str) -> list[int]:
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []

    def attempt() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            page = http.get("/staff/login").text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            barrier.wait()
            form = {"csrf_token": token, "email": email, "password": PASSWORD, "code": code}
            statuses.append(http.post("/staff/login", data=form).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_one_totp_code_opens_one_session_however_many_logins_race(postgres_server):
    application, base_url = postgres_server
    for n in range(MEMBERS):
        email = f"racer{n}@staff.example"
        code = pyotp.TOTP(_member(application, email)).now()
        statuses = _race(base_url, email, code)
        assert len(statuses) == THREADS
        assert statuses.count(302) == 1, statuses
        assert set(statuses) <= {302, 401}

"""Fixtures for the public intake: a recovery key, readers with known private keys, a submit helper."""

from __future__ import annotations

import html
import io
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from endwatch import accounts, crypto, db, keyring
from endwatch.config import Config, load_config
from grievance import access
from grievance.content import CaseContent
from grievance.models import Case
from grievance.triage import services as triage
from tests.conftest import PASSWORD, Member, build_schema, csrf_token

RECEIPT_RE = re.compile(r'id="receipt"[^>]*>([^<]+)<')


def private_key_of(member: Member) -> bytes:
    account_key = crypto.unwrap_with_passphrase(member.user.key_wrap, member.password)
    return accounts.open_vault(member.user, account_key).private_key


def read_case(session: Session, case: Case, member: Member) -> CaseContent:
    """A case as a member reads it on the case page: through the audited, recusal-checked door."""
    return triage.open_case(session, case, member.user, private_key_of(member)).content


def read_with_recovery(session: Session, case: Case, recovery_key: bytes, member: Member) -> CaseContent:
    """What the recovery key opens: it seals the case key to `member` (as `endwatch cases grant` does),
    who then reads the case through the same door as on the case page."""
    access.grant_access(session, case, recovery_key, member.user)
    return read_case(session, case, member)


@pytest.fixture
def recovery_key(session: Session) -> bytes:
    """Create the organisation recovery key; return its private half (shown once by `endwatch init`)."""
    encoded = keyring.ensure_recovery_key(session)
    assert encoded is not None
    session.flush()
    return crypto.decode_key(encoded)


@pytest.fixture
def reader(make_member, recovery_key) -> Member:  # type: ignore[no-untyped-def]
    """A triager who exists before reports arrive, so every new case key is sealed to them."""
    return make_member("triager")


def report_fields(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "what": "They tracked our phones at the protest.",
        "product": "",
        "country": "",
        "who": "",
        "period": "unknown",
        "contact": "",
    }
    data.update(fields)
    return data


def submit(client: FlaskClient, files: list[tuple[bytes, str]] = (), **fields: Any) -> Any:  # type: ignore[assignment]
    """Post the report form as a browser would (CSRF token from the page, multipart body)."""
    data = report_fields(csrf_token=csrf_token(client, "/report"), **fields)
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    return received(client, post_multipart(client, "/report", data))


def received(client: FlaskClient, response: Any) -> Any:
    """A stored report answers 303 to the page that shows its receipt once: follow it as a browser does."""
    if response.status_code == 303 and response.location.endswith("/report/received"):
        return client.get(response.location)
    return response


def post_multipart(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """Encode in memory (the test client's own encoder leaves a temporary file open for large bodies)."""
    fields = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            fields.add(key, FileStorage(item[0], filename=item[1]) if isinstance(item, tuple) else item)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def receipt_in(response: Any) -> str:
    text = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    match = RECEIPT_RE.search(text)
    assert match, text[:2000]
    return html.unescape(match.group(1)).strip()


def case_by_reference(session: Session, reference: str) -> Case:
    return session.scalars(select(Case).where(Case.reference == reference)).one()


def latest_case(session: Session) -> Case:
    session.expire_all()
    return session.scalars(select(Case).order_by(Case.id.desc())).first()  # type: ignore[return-value]


@pytest.fixture
def submit_report(client: FlaskClient, reader: Member) -> Callable[..., str]:
    """Submit a report through the form and return its receipt."""

    def run(files: list[tuple[bytes, str]] = (), **fields: Any) -> str:  # type: ignore[assignment]
        response = submit(client, files, **fields)
        assert response.status_code == 200, response.get_data(as_text=True)[:3000]
        return receipt_in(response)

    return run


def open_followup(client: FlaskClient, receipt: str) -> Any:
    token = csrf_token(client, "/followup")
    return client.post("/followup", data={"csrf_token": token, "receipt": receipt})


# -- real HTTP: a visitor of a live server --------------------------------------------------------


TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Visitor:
    """A submitter's browser without a browser: cookies, CSRF tokens, multipart posts over real HTTP."""

    def __init__(self, base_url: str, **client_options: Any) -> None:
        import httpx

        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=60, **client_options)

    def token(self, url: str) -> str:
        page = self.http.get(url).text
        match = TOKEN_RE.search(page)
        assert match, page[:500]
        return match.group(1)

    def submit(self, files: list[tuple[bytes, str]] = (), **fields: Any) -> Any:  # type: ignore[assignment]
        data = report_fields(csrf_token=self.token("/report"), **fields)
        upload = [("attachments", (name, content, "application/octet-stream")) for content, name in files]
        response = self.http.post("/report", data=data, files=upload or None)
        if response.status_code == 303 and response.headers["location"].endswith("/report/received"):
            return self.http.get(response.headers["location"])
        return response

    def follow_up(self, receipt: str, message: str = "", files: list[tuple[bytes, str]] = ()) -> Any:  # type: ignore[assignment]
        self.http.post("/followup", data={"csrf_token": self.token("/followup"), "receipt": receipt})
        if not message and not files:
            return self.http.get("/followup/case")
        upload = [("attachments", (name, content, "application/octet-stream")) for content, name in files]
        data = {"csrf_token": self.token("/followup/case"), "body": message}
        return self.http.post("/followup/case", data=data, files=upload or None)

    def close(self) -> None:
        self.http.close()


def prepare_intake(session: Session) -> tuple[Member, bytes]:
    """A committed database ready for reports: a recovery key and one triager; returns them."""
    import pyotp

    from endwatch.crypto import KdfParams

    recovery = keyring.ensure_recovery_key(session)
    secret = pyotp.random_base32()
    user, _ = accounts.create_user(
        session,
        "reader@staff.example",
        "triager",
        KdfParams(1, 256),
        password=PASSWORD,
        totp_secret=secret,
        actor="test",
    )
    session.commit()
    return Member(user, PASSWORD, secret), crypto.decode_key(recovery or "")


def intake_home(home: Path, database_url: str) -> tuple[Config, Engine, bytes]:
    """A home with its server secrets and a database ready for reports, for a server process started on
    them: the settings, an engine on the database (the caller disposes of it), the triager's private key."""
    settings = load_config(environ={}, overrides={"home": str(home), "database_url": database_url})
    keyring.ensure_home(settings)
    keyring.ensure_file_secrets(settings)
    engine = db.make_engine(database_url)
    build_schema(engine)
    with Session(engine) as session:
        member, _recovery = prepare_intake(session)
        private_key = private_key_of(member)
    return settings, engine, private_key


def table_bytes(session: Session) -> bytes:
    """Every value of every table, as stored: what a dump of the database would hold."""
    from endwatch.migrate import target_metadata

    chunks = []
    for table in target_metadata().sorted_tables:
        for row in session.execute(select(table)):
            for value in row:
                if isinstance(value, bytes):
                    chunks.append(value)
                elif value is not None:
                    chunks.append(str(value).encode())
    return b"\n".join(chunks)


ROOT = Path(__file__).resolve().parents[2]


def wait_for(url: str, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def launch(command: list[str], env: dict[str, str], log: Path, port: int) -> subprocess.Popen[bytes]:
    """A server process from the project's folder, its errors appended to `log`, once it answers."""
    with log.open("ab") as errors:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
    except BaseException:
        process.kill()
        process.wait(timeout=30)
        raise
    return process


@contextmanager
def serving(
    command: list[str], env: dict[str, str], log: Path, port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """`launch`, stopped (SIGTERM) on the way out."""
    process = launch(command, env, log, port)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def staff_committing(database_url: str, threads: int = 2) -> Iterator[list[int]]:
    """Staff writes committed in a loop from other threads while the block runs; yields the count of
    commits, as a one-item list that grows meanwhile."""
    engine = db.make_engine(database_url)
    stop = threading.Event()
    commits = [0]

    def staff() -> None:
        while not stop.is_set():
            with engine.begin() as connection:
                connection.execute(sql("UPDATE users SET last_totp_step = last_totp_step + 1"))
                connection.execute(sql("SELECT count(*) FROM cases")).scalar()
            commits[0] += 1

    workers = [threading.Thread(target=staff) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield commits
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        engine.dispose()

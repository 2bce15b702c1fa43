"""A server killed in the middle of a submission leaves no half-stored case and, after the sweep, no file."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grievance import attachments
from grievance.models import Attachment, Case, CaseKey
from tests import services
from tests.conftest import endwatch_env
from tests.grievance import samples
from tests.grievance.conftest import Visitor, intake_home, launch, receipt_in

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_home(tmp_path, fresh_database_url):  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    settings, engine, _key = intake_home(home, fresh_database_url)
    yield home, settings, engine
    engine.dispose()


def start(home: Path, url: str, pause_marker: Path | None = None) -> tuple[subprocess.Popen[bytes], int]:
    port = services.free_port()
    env = endwatch_env(home, url, ENDWATCH_SCHEDULER="off")
    marker = [str(pause_marker)] if pause_marker else []
    command = [sys.executable, "-m", "tests.grievance.server_process", str(port), *marker]
    return launch(command, env, home / f"server-{port}.log", port), port


def counts(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) for model in (Case, CaseKey, Attachment)
        )


@pytest.mark.mat2
def test_kill_while_the_body_is_half_sent_stores_nothing(server_home):
    home, settings, engine = server_home
    process, port = start(home, settings.database_url)
    visitor = Visitor(f"http://127.0.0.1:{port}")
    token = visitor.token("/report")
    cookie = "; ".join(f"{k}={v}" for k, v in visitor.http.cookies.items())
    boundary = "crashboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="what"\r\n\r\nhalf a report\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + samples.jpeg_with_gps() * 50
    head = (
        f"POST /report HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body) * 2}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.sendall(head + body)
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    visitor.close()
    assert counts(engine) == (0, 0, 0)
    assert list(attachments.folder(settings).iterdir()) == []


def test_kill_after_files_are_written_but_before_commit(server_home, tmp_path):
    home, settings, engine = server_home
    marker = tmp_path / "paused"
    process, port = start(home, settings.database_url, pause_marker=marker)
    visitor = Visitor(f"http://127.0.0.1:{port}")
    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(visitor.submit(files=[(b"first file", "1.txt"), (b"second file", "2.txt")]))
        except Exception as exc:  # noqa: BLE001 - the server dies under this request
            outcome.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the server never reached the first file write"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    sender.join(timeout=30)
    visitor.close()
    assert not hasattr(outcome[0], "status_code"), "no receipt can have been shown"

    assert counts(engine) == (0, 0, 0)  # nothing of the case reached the database
    left = [p.name for p in attachments.folder(settings).iterdir()]
    assert left == [marker.read_text()]  # the one file written before the kill
    # What gunicorn's on_starting hook (and the scheduled sweep) does once nothing can be in flight:
    with Session(engine) as session:
        assert attachments.sweep_orphans(session, settings, grace=timedelta(0)) == 1
    assert list(attachments.folder(settings).iterdir()) == []

    process, port = start(home, settings.database_url)
    try:
        survivor = Visitor(f"http://127.0.0.1:{port}")
        response = survivor.submit(files=[(b"after the crash", "3.txt")])
        assert response.status_code == 200 and receipt_in(response)
        survivor.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert counts(engine)[0] == 1 and counts(engine)[2] == 1
    with Session(engine) as session:
        stored = session.scalars(select(Attachment.stored_name)).one()
    assert [p.name for p in attachments.folder(settings).iterdir()] == [stored]

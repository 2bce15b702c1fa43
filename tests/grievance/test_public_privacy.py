"""What reaches the disk and the logs: no content in clear, no address, no user agent."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import accounts, db, keyring
from endwatch.crypto import KdfParams
from grievance import access, receipts
from grievance.models import Case
from tests import services
from tests.conftest import endwatch_env
from tests.grievance import samples
from tests.grievance.conftest import (
    Visitor,
    intake_home,
    latest_case,
    open_followup,
    prepare_intake,
    private_key_of,
    read_with_recovery,
    receipt_in,
    submit,
    table_bytes,
    wait_for,
)

CANARY = "Zq7canaryXw3"
ADDRESS, FORWARDED = "203.0.113.99", "198.51.100.77"
AGENT = "CanaryAgent/9.9 (distinctive)"
SECRETS = (ADDRESS, FORWARDED, AGENT, "CanaryAgent")


def files_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.mat2
def test_canary_in_every_field_and_file_never_reaches_disk_in_clear(live_server, tmp_path):
    with live_server.session() as session:
        member, recovery = prepare_intake(session)
    visitor = Visitor(live_server.url)
    response = visitor.submit(
        files=[
            (f"text evidence {CANARY}".encode(), f"{CANARY}.txt"),
            (samples.pdf_with_metadata(CANARY), "letter.pdf"),
            (samples.docx_with_properties(CANARY, body=CANARY), "minutes.docx"),
        ],
        what=f"what {CANARY}",
        who=f"who {CANARY}",
        contact=f"contact {CANARY}",
    )
    assert response.status_code == 200, response.text[:1000]
    receipt = receipt_in(response)
    with live_server.session() as session:
        case = session.scalars(select(Case)).one()
        access.add_reply(session, case, f"reply {CANARY}", member.user, private_key_of(member))
        session.commit()
    answer = visitor.follow_up(receipt, f"message {CANARY}", files=[(CANARY.encode() * 3, "more.txt")])
    assert answer.status_code == 302
    assert CANARY in visitor.http.get("/followup/case").text
    visitor.close()

    config = live_server.app.config["ENDWATCH"]
    with live_server.session() as session:
        dump = table_bytes(session)
        content = read_with_recovery(session, session.scalars(select(Case)).one(), recovery, member)
        assert CANARY in content.what and any(CANARY in m.body for m in content.messages)
    assert CANARY.encode() not in dump
    assert CANARY.encode("utf-16-le") not in dump
    everything = files_under(config.home_path)
    database = live_server.app.config["ENDWATCH"].database_url
    if database.startswith("sqlite"):
        db_path = Path(database.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            path = Path(str(db_path) + suffix)
            if path.exists():
                everything[path] = path.read_bytes()
    assert len([p for p in everything if "attachments" in str(p)]) == 4
    leaks = [str(path) for path, data in everything.items() if CANARY.encode() in data]
    assert leaks == []


@pytest.mark.parametrize("proxies", [0, 1])
def test_no_address_or_user_agent_is_stored_or_logged(app_config, proxies, tmp_path, caplog, connection):
    from endwatch.app import create_app

    app_config["trusted_proxies"] = proxies
    app = create_app(app_config, environ={}, bind=connection)
    app.testing = True
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT})
    client.environ_base["HTTP_X_FORWARDED_FOR"] = FORWARDED
    caplog.set_level(logging.DEBUG)
    with db.get_database(app).factory() as session:
        prepare_member_in_transaction(session)
        response = submit(client, files=[(b"evidence", "e.txt")])
        receipt = receipt_in(response)
        open_followup(client, receipts.new_receipt(app.config["ENDWATCH"]))
        open_followup(client, receipt)
        client.get("/followup/case")
        dump = table_bytes(session)
        assert latest_case(session) is not None
    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    files = b"".join(files_under(Path(app_config["home"])).values())
    for secret in SECRETS:
        assert secret.encode() not in dump
        assert secret not in logged
        assert secret.encode() not in files


def prepare_member_in_transaction(session):
    keyring.ensure_recovery_key(session)
    accounts.create_user(
        session, "r@staff.example", "triager", KdfParams(1, 256), password="x" * 12, totp_secret="A" * 16
    )
    session.flush()


@pytest.mark.slow
def test_gunicorn_access_log_has_no_address_even_when_forwarded(fresh_database_url, tmp_path):
    home = tmp_path / "home"
    env = endwatch_env(
        home, fresh_database_url, ENDWATCH_INTAKE_LIMIT="100 per minute", ENDWATCH_SCHEDULER="off"
    )
    _settings, engine, _key = intake_home(home, fresh_database_url)
    engine.dispose()
    port = services.free_port()
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:endwatch.gunicorn_conf",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(error_log),
            "endwatch.wsgi:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        visitor = Visitor(
            f"http://127.0.0.1:{port}",
            transport=httpx.HTTPTransport(local_address="127.0.0.77"),
            headers={"User-Agent": AGENT, "X-Forwarded-For": FORWARDED, "Forwarded": f"for={FORWARDED}"},
        )
        response = visitor.submit()
        assert response.status_code == 200, response.text[:500]
        assert visitor.follow_up(receipt_in(response)).status_code == 200
        assert visitor.http.post("/followup", data={"receipt": "x"}).status_code == 400
        assert visitor.http.get("/staff/login").status_code == 200
        visitor.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    log = access_log.read_text()
    # No line dates a public request; staff requests are logged (so logging was on), without any address.
    assert '"GET /staff/login HTTP/1.1" 200' in log
    assert "/report" not in log and "/followup" not in log and '"GET / ' not in log
    combined = log + error_log.read_text()
    for secret in SECRETS + ("127.0.0.77",):
        assert secret not in combined
    engine = db.make_engine(fresh_database_url)
    with Session(engine) as session:
        dump = table_bytes(session)
    engine.dispose()
    for secret in SECRETS + ("127.0.0.77",):
        assert secret.encode() not in dump

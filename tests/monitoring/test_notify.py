"""Notices: critical alerts at once, the rest in a digest, by real SMTP and by signed webhook on loopback."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from endwatch.scheduler import run_in_app
from monitoring import notify
from monitoring.ingest import ingest_feed
from monitoring.models import Alert, AlertLevel
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, add_feed, parsed
from tests.services import free_port

SECRET = "webhook-test-secret-0123456789abcdef"


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


class Receiver:
    """A loopback HTTP server that records webhook POSTs and answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.requests.append((dict(self.headers.items()), body))
                self.send_response(owner.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def receiver():
    running = Receiver()
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture
def app_config(app_config, inbox, receiver):
    return {
        **app_config,
        "smtp_host": "127.0.0.1",
        "smtp_port": inbox[1],
        "notify_emails": ("watch@staff.example", "lead@staff.example"),
        "webhook_url": receiver.url,
        "webhook_secret": SECRET,
    }


@pytest.fixture(autouse=True)
def in_app_context(app):
    """The notify services send mail through the app's mail extension, as the jobs and commands do."""
    with app.app_context():
        yield


def raise_alerts(session) -> tuple[Alert, Alert]:
    add_customer(session, "Corvane Systems", kind="private")
    add_customer(session, "Aquila Aerial", kind="private")
    feed = add_feed(session, "Lantern")
    ingest_feed(
        session, feed, parsed(CRACKDOWN, Item("Aquila Aerial opens an office in the capital", "", guid="aq"))
    )
    critical = session.scalars(select(Alert).where(Alert.level == AlertLevel.CRITICAL)).one()
    other = session.scalars(select(Alert).where(Alert.level != AlertLevel.CRITICAL)).one()
    return critical, other


def test_a_critical_alert_is_mailed_and_posted_once(session, app, inbox, receiver):
    critical, other = raise_alerts(session)
    assert notify.notify_critical(session, app.config["ENDWATCH"]) == 1
    assert notify.notify_critical(session, app.config["ENDWATCH"]) == 0
    handler, _ = inbox
    assert len(handler.messages) == 1
    recipients, message = handler.messages[0]
    assert sorted(recipients) == ["lead@staff.example", "watch@staff.example"]
    assert "Corvane Systems" in message["Subject"] and "critical" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert CRACKDOWN.link in body and "Why:" in body
    assert len(receiver.requests) == 1
    headers, raw = receiver.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Endwatch-Signature"] == expected
    payload = json.loads(raw)
    assert payload["event"] == "alert.critical"
    assert [a["customer"] for a in payload["alerts"]] == ["Corvane Systems"]
    assert critical.notified_at is not None and other.notified_at is None


def test_the_rest_waits_for_the_digest(session, app, inbox, receiver):
    _, other = raise_alerts(session)
    config = app.config["ENDWATCH"]
    assert notify.send_digest(session, config) == 0  # too early
    later = datetime.now(UTC) + timedelta(minutes=config.digest_minutes + 1)
    assert notify.send_digest(session, config, now=later) == 1
    handler, _ = inbox
    _, message = handler.messages[-1]
    assert "digest" in message["Subject"] and "Aquila Aerial" in message.get_payload(decode=True).decode()
    payload = json.loads(receiver.requests[-1][1])
    assert payload["event"] == "alert.digest" and [a["customer"] for a in payload["alerts"]] == [
        "Aquila Aerial"
    ]
    assert other.notified_at is not None
    assert notify.send_digest(session, config, now=later, force=True) == 0


def test_a_failing_channel_leaves_alerts_pending_for_the_next_run(session, app, receiver):
    critical, _ = raise_alerts(session)
    receiver.status = 500
    assert notify.notify_critical(session, app.config["ENDWATCH"]) == 0
    assert critical.notified_at is None
    receiver.status = 200
    assert notify.notify_critical(session, app.config["ENDWATCH"]) == 1


def test_notices_never_carry_grievance_content(session, app, receiver):
    critical, _ = raise_alerts(session)
    critical.case_ref = "case:42"
    critical.decision_note = "the whistleblower said something secret"
    notify.notify_critical(session, app.config["ENDWATCH"])
    raw = receiver.requests[-1][1].decode()
    assert "case" not in json.loads(raw)["alerts"][0]
    assert "secret" not in raw and "case:42" not in raw


def test_the_notify_job_announces_committed_critical_alerts(session, app, inbox):
    raise_alerts(session)
    session.commit()
    assert run_in_app(app, "monitoring.jobs:notify_critical_alerts") == 1
    assert len(inbox[0].messages) == 1


def test_monitoring_jobs_are_registered_with_the_scheduler(app):
    from endwatch.scheduler import all_jobs, resolve

    specs = {spec.id: spec for spec in all_jobs(app)}
    for job_id in ("monitoring.poll_feeds", "monitoring.notify_critical", "monitoring.send_digest"):
        assert callable(resolve(specs[job_id].func))
    assert specs["monitoring.poll_feeds"].trigger_args == {"minutes": 1}


def test_the_digest_command_sends_waiting_alerts_now(session, cli, inbox):
    raise_alerts(session)
    session.commit()
    result = cli("alerts", "digest")
    assert result.exit_code == 0 and "Digest sent with 1 alert(s)." in result.output
    assert "digest" in inbox[0].messages[-1][1]["Subject"]
    assert "No alerts waiting" in cli("alerts", "digest").output


def test_with_no_channel_critical_alerts_are_marked_without_sending(session, app, inbox, receiver):
    critical, other = raise_alerts(session)
    config = replace(app.config["ENDWATCH"], notify_emails=(), webhook_url="")
    assert notify.channels(config) == []
    assert notify.notify_critical(session, config) == 1
    assert critical.notified_at is not None and other.notified_at is None
    stored = session.scalars(select(Alert.notified_at).where(Alert.id == critical.id)).one()
    assert stored is not None
    assert notify.notify_critical(session, config) == 0
    assert inbox[0].messages == [] and receiver.requests == []

from __future__ import annotations

import email
import re
import time

import pytest
from sqlalchemy import select

from tests import services
from tests.conftest import csrf_token
from tests.grievance.conftest import latest_case, open_followup


@pytest.fixture
def mailbox():  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self) -> None:
            self.messages: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            self.messages.append(envelope.content)
            return "250 OK"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=services.free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def app_config(app_config, mailbox):  # type: ignore[no-untyped-def]
    controller, _ = mailbox
    app_config.update(smtp_host="127.0.0.1", smtp_port=controller.port, notify_emails=("team@staff.example",))
    return app_config


def wait_for_mail(handler, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 10
    while len(handler.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return [m.decode() for m in handler.messages]


def next_hour(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Move the notices' clock past the end of the current hour, as the scheduled batch sees it."""
    from datetime import timedelta

    from grievance import notify

    later = notify.rounded_now() + timedelta(hours=1)
    monkeypatch.setattr(notify, "rounded_now", lambda: later)


def run_batch(app, session) -> int:  # type: ignore[no-untyped-def]
    from grievance import jobs

    with app.app_context():
        return jobs.send_notices(session, app.config["ENDWATCH"])


def test_a_submission_sends_nothing_itself_and_the_hourly_batch_tells_staff(
    submit_report, session, mailbox, client, app, monkeypatch
):
    from grievance.models import StaffNotice

    _, handler = mailbox
    receipt = submit_report(what="Secret details of the raid", who="Unit 9", contact="me@example.org")
    reference = latest_case(session).reference
    open_followup(client, receipt)
    token = csrf_token(client, "/followup/case")
    client.post("/followup/case", data={"csrf_token": token, "body": "More secret details"})
    time.sleep(1.5)
    assert handler.messages == []  # nothing left with the submission
    queued = session.scalars(select(StaffNotice)).all()
    assert [(n.kind, n.reference) for n in queued] == [("case", reference), ("message", reference)]
    assert all((n.hour.minute, n.hour.second, n.hour.microsecond) == (0, 0, 0) for n in queued)
    assert run_batch(app, session) == 0  # the hour is not over: the batch waits
    assert handler.messages == []

    next_hour(monkeypatch)
    assert run_batch(app, session) == 2
    (mail,) = wait_for_mail(handler, 1)
    body = str(email.message_from_string(mail).get_payload())
    assert reference in body and "1 new report(s)" in body and "New messages on 1 case(s)" in body
    for secret in ("Secret details", "Unit 9", "me@example.org", "More secret", *receipt.split()):
        assert secret not in mail
    assert re.search(r"\d{1,2}:\d{2}", body) is None  # no time of day in what staff read
    assert session.scalars(select(StaffNotice)).all() == []
    assert run_batch(app, session) == 0  # each notice is sent once


def test_notices_wait_for_the_next_batch_when_mail_fails(submit_report, session, mailbox, app, monkeypatch):
    from endwatch import mail
    from grievance.models import StaffNotice

    _, handler = mailbox
    submit_report()
    next_hour(monkeypatch)

    def unreachable(message):  # type: ignore[no-untyped-def]
        raise mail.MailFailed("ConnectionRefusedError")

    with monkeypatch.context() as patched:
        patched.setattr(mail, "send", unreachable)
        with pytest.raises(mail.MailFailed):
            run_batch(app, session)
    assert len(session.scalars(select(StaffNotice)).all()) == 1
    assert run_batch(app, session) == 1
    assert len(wait_for_mail(handler, 1)) == 1


def test_notices_are_batched_at_a_random_minute_after_the_hour(app):
    from apscheduler.triggers.cron import CronTrigger

    from grievance.jobs import JOBS

    (spec,) = [job for job in JOBS if job.id == "grievance.send_notices"]
    trigger = CronTrigger(**spec.trigger_args, timezone="UTC")
    from datetime import UTC, datetime

    start = datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC)
    minutes = {trigger.get_next_fire_time(None, start).minute for _ in range(40)}  # type: ignore[union-attr]
    assert min(minutes) >= 10 and len(minutes) > 5


def test_no_notice_for_a_refused_report(client, reader, mailbox, session):
    from grievance.models import StaffNotice
    from tests.grievance.conftest import submit

    _, handler = mailbox
    assert submit(client, what=" ").status_code == 400
    assert session.scalars(select(StaffNotice)).all() == []
    time.sleep(0.3)
    assert handler.messages == []

"""endwatch.mail against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from endwatch import mail
from tests.services import free_port


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def app_config(app_config, inbox):
    app_config.update(
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_from="endwatch@org.example",
        notify_emails=("a@staff.example", "b@staff.example"),
    )
    return app_config


def test_a_staff_message_reaches_every_staff_address(app, inbox):
    handler, _ = inbox
    config = app.config["ENDWATCH"]
    assert mail.staff_mail_enabled(config)
    with app.app_context():
        mail.send(mail.to_staff(config, "Endwatch: 2 overdue case(s)", "C-1\nC-2 (é)\n"))
    [(sender, recipients, raw)] = handler.received
    assert sender == "endwatch@org.example"
    assert sorted(recipients) == ["a@staff.example", "b@staff.example"]
    message = message_from_bytes(raw)
    assert message["Subject"] == "Endwatch: 2 overdue case(s)"
    assert message["From"] == "endwatch@org.example"
    assert message.get_payload(decode=True).decode().replace("\r\n", "\n") == "C-1\nC-2 (é)\n"


def test_explicit_recipients_replace_the_staff_list(app, inbox):
    with app.app_context():
        mail.send(mail.to_staff(app.config["ENDWATCH"], "s", "b", ["lead@staff.example"]))
    assert inbox[0].received[0][1] == ["lead@staff.example"]


def test_an_unreachable_server_raises_mail_failed(app, app_config):
    config = app.config["ENDWATCH"]
    with app.app_context():
        app.extensions["mailman"].port = free_port()  # nothing listens there
        with pytest.raises(mail.MailFailed):
            mail.send(mail.to_staff(config, "s", "b"))


def test_mail_after_commit_waits_for_the_commit(app, session, inbox):
    handler, _ = inbox
    with app.app_context():
        mail.send_after_commit(session, mail.to_staff(app.config["ENDWATCH"], "after", "body"))
        with session.begin_nested():
            pass  # releasing a savepoint is not the commit
        time.sleep(0.3)
        assert handler.received == []
        session.commit()
    handler.wait_for(1)
    assert [message_from_bytes(raw)["Subject"] for _, _, raw in handler.received] == ["after"]


def test_mail_after_commit_is_dropped_on_rollback(app, session, inbox):
    handler, _ = inbox
    with app.app_context():
        session.execute(text("SELECT 1"))  # inside a transaction, as a request's work is
        mail.send_after_commit(session, mail.to_staff(app.config["ENDWATCH"], "never", "body"))
        session.rollback()
        session.commit()
    time.sleep(0.3)
    assert handler.received == []


def test_no_staff_addresses_means_no_mail(app):
    from dataclasses import replace

    assert not mail.staff_mail_enabled(replace(app.config["ENDWATCH"], notify_emails=()))
    assert not mail.staff_mail_enabled(replace(app.config["ENDWATCH"], smtp_host=""))

from __future__ import annotations

import time

import pytest

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


def test_staff_are_told_a_report_arrived_without_any_of_its_content(submit_report, session, mailbox, client):
    _, handler = mailbox
    receipt = submit_report(what="Secret details of the raid", who="Unit 9", contact="me@example.org")
    reference = latest_case(session).reference
    (mail,) = wait_for_mail(handler, 1)
    assert f"reference {reference}" in mail and "Open Endwatch" in mail
    for secret in ("Secret details", "Unit 9", "me@example.org", *receipt.split()):
        assert secret not in mail
    open_followup(client, receipt)
    token = csrf_token(client, "/followup/case")
    client.post("/followup/case", data={"csrf_token": token, "body": "More secret details"})
    mails = wait_for_mail(handler, 2)
    assert len(mails) == 2 and reference in mails[1] and "More secret" not in mails[1]


def test_no_mail_for_a_refused_report(client, reader, mailbox):
    from tests.grievance.conftest import submit

    _, handler = mailbox
    assert submit(client, what=" ").status_code == 400
    time.sleep(0.3)
    assert handler.messages == []

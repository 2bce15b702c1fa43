"""The demo shows a hit on the first run; a new listing of a deployed customer's supplier is mailed."""

from __future__ import annotations

from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from contracts import demo as contracts_demo
from monitoring import notify
from monitoring.models import Alert, AlertLevel
from screening import demo
from screening.models import ScreeningHit
from tests.services import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox():  # type: ignore[no-untyped-def]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], inbox) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        **app_config,
        "smtp_host": "127.0.0.1",
        "smtp_port": inbox[1],
        "notify_emails": ("lead@staff.example",),
    }


def test_the_demo_list_names_a_demo_supplier_and_raises_a_critical_alert_that_is_mailed(
    app, session, make_member, inbox
) -> None:
    make_member("admin"), make_member("triager")
    contracts_demo.load_demo(session, app.config["ENDWATCH"])
    lines = demo.load_demo(session, app.config["ENDWATCH"])
    assert lines == [
        "Screening: Demo restricted-party list (fictional) loaded, 1 hit(s) to review, 1 critical alert(s)."
    ]
    hit = session.scalars(select(ScreeningHit)).one()
    assert (
        hit.customer.name == "Gulf Secure Distribution FZE"
        and hit.entity_name == "GULF SECURE DISTRIBUTION F.Z.E."
    )
    alert = session.get(Alert, hit.alert_id)
    assert alert is not None and alert.level == AlertLevel.CRITICAL
    assert any("supplier of" in reason for reason in alert.reasons)
    assert demo.load_demo(session, app.config["ENDWATCH"])[0].endswith(
        "1 hit(s) to review, 0 critical alert(s)."
    )
    with app.app_context():
        assert notify.notify_critical(session, app.config["ENDWATCH"]) == 1
    message = inbox[0].messages[0]
    assert "Gulf Secure Distribution FZE" in message["Subject"] and "critical" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "is listed on Demo restricted-party list" in body and "new listing on" in body

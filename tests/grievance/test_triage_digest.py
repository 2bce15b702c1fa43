from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from endwatch.db import utcnow
from endwatch.scheduler import run_in_app
from grievance import jobs
from tests.grievance.triage.fixtures import *  # noqa: F403 - triage fixtures and tables
from tests.grievance.triage.fixtures import CANARY
from tests.services import free_port


class Collector:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, collector
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config, smtp_server):
    controller, _collector = smtp_server
    app_config.update(
        smtp_host="127.0.0.1", smtp_port=controller.port, notify_emails=("compliance@example.org",)
    )
    return app_config


def test_daily_digest_lists_overdue_cases_without_content(app, session, staff, new_case, smtp_server):
    _controller, collector = smtp_server
    member = staff()
    late = new_case()
    late.created_at = utcnow() - timedelta(days=9)
    fresh = new_case()
    session.flush()
    assert "grievance.overdue_digest" in {spec.id for spec in jobs.JOBS}

    count = run_in_app(app, "grievance.jobs:overdue_digest")

    assert count == 1
    [(sender, recipients, body)] = collector.messages
    assert recipients == ["compliance@example.org"]
    assert "1 overdue case" in body and late.reference in body and fresh.reference not in body
    assert "acknowledge receipt was due" in body
    assert CANARY not in body and "what happened" not in body
    del member


def test_digest_command_sends_it_now(cli, session, new_case, smtp_server):
    _controller, collector = smtp_server
    case = new_case()
    case.created_at = utcnow() - timedelta(days=30)
    session.flush()
    result = cli("cases", "digest")
    assert result.exit_code == 0 and "1 overdue" in result.output
    assert case.reference in collector.messages[0][2]

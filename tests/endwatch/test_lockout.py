"""Lock-outs are written to the audit chain: once per lock-out, naming the account, never the address."""

from __future__ import annotations

import json

from sqlalchemy import select

from endwatch.models import AuditRecord
from tests.conftest import csrf_token, login


def _fail(client, email: str) -> int:
    token = csrf_token(client, "/staff/login")
    data = {"csrf_token": token, "email": email, "password": "wrong", "code": "000000"}
    return client.post("/staff/login", data=data).status_code


def _lockouts(session) -> list[AuditRecord]:
    return list(session.scalars(select(AuditRecord).where(AuditRecord.action == "login.locked_out")))


def test_an_account_lock_out_is_audited_once(client, make_member, session):
    member = make_member("triager")
    assert [_fail(client, member.user.email) for _ in range(5)] == [401] * 5
    assert _lockouts(session) == []
    assert login(client, member, session).status_code == 429
    assert _fail(client, member.user.email) == 429
    records = _lockouts(session)
    assert len(records) == 1
    assert records[0].target == f"user:{member.user.id}" and records[0].actor == member.user.email
    assert json.loads(records[0].details)["reason"] == "account"


def test_a_client_lock_out_is_audited_without_its_address(client, session):
    # The per-client limit is 30 attempts an hour, whatever the accounts named.
    emails = [f"nobody{n}@staff.example" for n in range(31)]
    statuses = [_fail(client, email) for email in emails]
    assert statuses[-1] == 429
    records = _lockouts(session)
    assert len(records) == 1 and json.loads(records[0].details)["reason"] == "client"
    assert "127.0.0.1" not in records[0].details + records[0].actor + records[0].target


def test_a_correct_login_costs_the_account_none_of_its_guesses(client, make_member, session):
    member = make_member("triager")
    assert [_fail(client, member.user.email) for _ in range(4)] == [401] * 4
    assert login(client, member, session).status_code == 302
    assert _fail(client, member.user.email) == 401  # the fifth guess is still there
    assert _fail(client, member.user.email) == 429


def test_a_locked_account_is_refused_whatever_the_form_holds(client, make_member):
    member = make_member("triager")
    assert [_fail(client, member.user.email) for _ in range(5)] == [401] * 5
    token = csrf_token(client, "/staff/login")
    response = client.post("/staff/login", data={"csrf_token": token, "email": member.user.email})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1

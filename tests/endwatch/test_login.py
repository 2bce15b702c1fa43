from __future__ import annotations

import pyotp
from sqlalchemy import select

from endwatch.models import AuditRecord, StaffSession
from tests.conftest import PASSWORD, csrf_token, login


def test_member_logs_in_with_password_and_totp(client, make_member, session):
    member = make_member("triager")
    response = login(client, member, session)
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    actions = session.scalars(select(AuditRecord.action)).all()
    assert "login.success" in actions


def test_wrong_code_is_refused_and_audited(client, make_member, session):
    member = make_member("triager")
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "email": member.user.email, "password": PASSWORD, "code": "000000"},
    )
    assert response.status_code == 401
    assert session.scalars(select(StaffSession)).all() == []
    assert "login.failed" in session.scalars(select(AuditRecord.action)).all()


def test_totp_code_cannot_be_replayed(client, make_member, session):
    member = make_member("auditor")
    code = pyotp.TOTP(member.totp_secret).now()
    for expected in (302, 401):
        other = client.application.test_client()
        token = csrf_token(other, "/staff/login")
        response = other.post(
            "/staff/login",
            data={"csrf_token": token, "email": member.user.email, "password": PASSWORD, "code": code},
        )
        assert response.status_code == expected

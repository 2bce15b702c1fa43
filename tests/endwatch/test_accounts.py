from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from endwatch.db import utcnow
from endwatch.models import StaffSession, User
from tests.conftest import csrf_token, login


def _first_login(client, email: str, one_time: str):
    token = csrf_token(client, "/staff/login")
    return client.post(
        "/staff/login", data={"csrf_token": token, "email": email, "password": one_time, "code": ""}
    )


def test_first_login_forces_new_password_then_totp_enrolment(client, cli, session):
    result = cli("users", "create", "new.member@staff.example", "--role", "triager")
    assert result.exit_code == 0, result.output
    one_time = re.search(r"One-time password: (\S+)", result.output).group(1)

    response = _first_login(client, "new.member@staff.example", one_time)
    assert response.headers["Location"].endswith("/staff/setup")
    # Nothing else is reachable before the set-up is finished.
    assert client.get("/staff/").headers["Location"].endswith("/staff/setup")

    page = client.get("/staff/setup").get_data(as_text=True)
    assert "Choose your password" in page
    token = csrf_token(client, "/staff/setup")
    new_password = "a much longer passphrase"
    response = client.post(
        "/staff/setup",
        data={"csrf_token": token, "current": one_time, "new": new_password, "confirm": new_password},
    )
    assert response.status_code == 302

    page = client.get("/staff/setup").get_data(as_text=True)
    assert "<svg" in page and "<script" not in page  # the QR code is drawn on the server
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    token = csrf_token(client, "/staff/setup")
    response = client.post("/staff/setup", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200

    user = session.scalars(select(User).where(User.email == "new.member@staff.example")).one()
    assert user.totp_enrolled and not user.must_change_password
    # The one-time password no longer works; the new one with a code does.
    other = client.application.test_client()
    assert _first_login(other, user.email, one_time).status_code == 401


def test_setup_rejects_a_wrong_enrolment_code(client, cli, session):
    result = cli("users", "create", "slow.member@staff.example", "--role", "auditor")
    one_time = re.search(r"One-time password: (\S+)", result.output).group(1)
    _first_login(client, "slow.member@staff.example", one_time)
    token = csrf_token(client, "/staff/setup")
    client.post(
        "/staff/setup", data={"csrf_token": token, "current": one_time, "new": "x" * 14, "confirm": "x" * 14}
    )
    token = csrf_token(client, "/staff/setup")
    page = client.post("/staff/setup", data={"csrf_token": token, "code": "123456"}).get_data(as_text=True)
    assert "does not match" in page
    user = session.scalars(select(User).where(User.email == "slow.member@staff.example")).one()
    assert not user.totp_enrolled


def test_session_expires_after_idle_period(client, make_member, session):
    member = make_member("triager")
    login(client, member, session)
    assert client.get("/staff/").status_code == 200
    session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    session.flush()
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert session.scalars(select(StaffSession)).all() == []


def test_activity_keeps_the_session_alive(client, make_member, session):
    member = make_member("triager")
    login(client, member, session)
    session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    session.flush()
    assert client.get("/staff/").status_code == 200
    session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    session.flush()
    assert client.get("/staff/").status_code == 200


def test_logout_ends_the_server_session(client, make_member, session):
    member = make_member("admin")
    login(client, member, session)
    token = csrf_token(client, "/staff/")
    client.post("/staff/logout", data={"csrf_token": token})
    assert session.scalars(select(StaffSession)).all() == []
    assert client.get("/staff/").status_code == 302


def test_post_without_csrf_token_is_rejected(client, make_member, session):
    member = make_member("admin")
    response = client.post("/staff/login", data={"email": member.user.email, "password": member.password})
    assert response.status_code == 400
    login(client, member, session)
    response = client.post("/staff/users", data={"email": "sneaky@staff.example", "role": "admin"})
    assert response.status_code == 400
    assert session.scalars(select(User).where(User.email == "sneaky@staff.example")).first() is None


def test_admin_creates_a_member_in_the_browser(client, logged_in, session):
    logged_in("admin")
    token = csrf_token(client, "/staff/users")
    page = client.post(
        "/staff/users", data={"csrf_token": token, "email": "web.member@staff.example", "role": "auditor"}
    ).get_data(as_text=True)
    assert 'id="one-time-password"' in page
    assert (
        session.scalars(select(User).where(User.email == "web.member@staff.example")).one().role.value
        == "auditor"
    )


def test_deactivated_member_is_logged_out_and_cannot_log_in(client, app, logged_in, make_member, session):
    logged_in("admin")
    target = make_member("triager")
    other = app.test_client()
    login(other, target, session)
    assert other.get("/staff/").status_code == 200
    token = csrf_token(client, "/staff/users")
    client.post(f"/staff/users/{target.user.id}/active", data={"csrf_token": token})
    assert other.get("/staff/").status_code == 302
    assert login(app.test_client(), target, session).status_code == 401


def test_login_throttling_locks_the_account_after_repeated_failures(client, make_member, session):
    member = make_member("triager")
    for _ in range(5):
        token = csrf_token(client, "/staff/login")
        response = client.post(
            "/staff/login",
            data={"csrf_token": token, "email": member.user.email, "password": "wrong", "code": "000000"},
        )
        assert response.status_code == 401
    response = login(client, member, session)  # even the right password is refused now
    assert response.status_code == 429

"""A staff member whose idle session ended keeps what they typed and logs in again on the same page."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import update

from endwatch.db import utcnow
from endwatch.models import StaffSession, User
from tests.conftest import csrf_token, login, users_by_email


def _expire(session, member) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == member.user.id)
        .values(last_seen_at=utcnow() - timedelta(hours=2))
    )
    session.execute(update(User).where(User.id == member.user.id).values(last_totp_step=0))
    session.flush()


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token"
    return match.group(1)


def test_a_post_after_the_session_ended_is_kept_through_a_new_login(client, make_member, session):
    member = make_member("admin")
    assert login(client, member, session).status_code == 302
    token = csrf_token(client, "/staff/users")
    _expire(session, member)

    typed = {"email": "late.typist@staff.example", "role": "triager"}
    lost = client.post("/staff/users", data={"csrf_token": token, **typed})
    page = lost.get_data(as_text=True)
    assert lost.status_code == 401 and "Your session ended after 30 minutes without activity" in page
    assert 'action="/staff/login"' in page and 'name="resume_to" value="/staff/users"' in page
    assert 'name="carry-email" value="late.typist@staff.example"' in page
    assert "late.typist@staff.example</dd>" in page  # shown for reading, not only hidden
    assert users_by_email(session, typed["email"]) is None

    credentials = {
        "email": member.user.email,
        "password": member.password,
        "code": pyotp.TOTP(member.totp_secret).now(),
    }
    carried = {"resume_to": "/staff/users", **{f"carry-{k}": v for k, v in typed.items()}}
    bad = {**credentials, "password": "not it"}
    wrong = client.post("/staff/login", data={"csrf_token": _token(page), **bad, **carried})
    again = wrong.get_data(as_text=True)
    assert wrong.status_code == 401 and 'name="carry-email" value="late.typist@staff.example"' in again

    back = client.post("/staff/login", data={"csrf_token": _token(again), **credentials, **carried})
    resume = back.get_data(as_text=True)
    assert back.status_code == 200 and 'action="/staff/users"' in resume and "Send it now" in resume
    assert users_by_email(session, typed["email"]) is None  # nothing sent behind the member's back
    sent = client.post("/staff/users", data={"csrf_token": _token(resume), **typed})
    assert sent.status_code in (200, 302)
    assert users_by_email(session, typed["email"]) is not None


def test_an_ended_session_on_a_page_view_says_why_and_returns_there_after_login(client, make_member, session):
    member = make_member("auditor")
    assert login(client, member, session).status_code == 302
    _expire(session, member)
    response = client.get("/staff/audit")
    assert response.status_code == 302 and "next=/staff/audit" in response.location.replace("%2F", "/")
    assert "ended after 30 idle minutes" in client.get(response.location).get_data(as_text=True)


def test_a_carried_post_never_leaves_the_staff_pages(client, make_member, session):
    member = make_member("admin")
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": token,
            "email": member.user.email,
            "password": member.password,
            "code": pyotp.TOTP(member.totp_secret).now(),
            "resume_to": "https://elsewhere.example/steal",
            "carry-note": "x",
        },
    )
    assert response.status_code == 302 and response.location.endswith("/staff/")


def test_a_post_with_a_stale_form_token_is_offered_again_not_lost(client, make_member, session):
    member = make_member("admin")
    assert login(client, member, session).status_code == 302
    typed = {"email": "stale.form@staff.example", "role": "auditor"}
    stale = client.post("/staff/users", data={"csrf_token": "left-open-for-a-day", **typed})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "The form had expired" in page
    assert 'action="/staff/users"' in page and 'value="stale.form@staff.example"' in page
    sent = client.post("/staff/users", data={"csrf_token": _token(page), **typed})
    assert sent.status_code in (200, 302) and users_by_email(session, typed["email"]) is not None


def test_a_post_from_a_browser_that_lost_its_session_gets_the_login_page_with_the_text(app, session):
    lost = app.test_client()  # no cookie at all, as after a browser restart
    response = lost.post("/staff/cases/1/notes", data={"csrf_token": "gone", "body": "Call the lawyer back"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and 'name="carry-body" value="Call the lawyer back"' in page
    assert 'name="resume_to" value="/staff/cases/1/notes"' in page
    public = lost.post("/report", data={"csrf_token": "gone", "what": "x"})
    assert public.status_code == 400 and "carry-" not in public.get_data(as_text=True)

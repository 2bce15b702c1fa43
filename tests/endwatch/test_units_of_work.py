"""One commit per request, and only for a request that succeeded: refusals, aborts, errors and every 4xx
answer leave nothing written."""

from __future__ import annotations

import pytest
from flask import Blueprint, abort, get_flashed_messages, redirect, url_for
from sqlalchemy import func, select

from endwatch import audit, db
from endwatch.errors import Refused
from endwatch.extensions import csrf
from endwatch.handlers import back_on_refusal
from endwatch.models import AuditRecord, StaffSession
from grievance.models import CaseState
from tests.conftest import csrf_token, login
from tests.grievance.triage.fixtures import *  # noqa: F403 - triage fixtures

probe = Blueprint("uow_probe", __name__, url_prefix="/probe")


def write() -> None:
    audit.record(db.session(), "probe.write", actor="probe")


@probe.post("/refused")
@back_on_refusal("uow_probe.landing")
def refused():
    write()
    raise Refused("No, because of a rule.")


@probe.post("/refused-nowhere")
def refused_nowhere():
    write()
    raise Refused("No.")


@probe.post("/bad-request")
def bad_request():
    write()
    return "not like that", 400


@probe.post("/forbidden")
def forbidden():
    write()
    abort(403)


@probe.post("/crash")
def crash():
    write()
    raise RuntimeError("a bug")


@probe.post("/kept")
def kept():
    write()
    db.keep_on_error()  # as a failed login keeps its audit record
    return "wrong password", 401


@probe.post("/done")
def done():
    write()
    return redirect(url_for("uow_probe.landing"))


@probe.get("/landing")
def landing():
    return " | ".join(get_flashed_messages())


@pytest.fixture
def app(app):
    app.register_blueprint(probe)
    csrf.exempt(probe)
    return app


def written(session) -> int:
    query = select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "probe.write")
    return session.scalar(query)


def test_a_successful_request_commits_its_work(client, session):
    assert client.post("/probe/done").status_code == 302
    assert written(session) == 1


def test_a_refusal_is_rolled_back_shown_and_sent_back(client, session):
    response = client.post("/probe/refused")
    assert response.status_code == 302 and response.location.endswith("/probe/landing")
    assert written(session) == 0
    assert client.get("/probe/landing").get_data(as_text=True) == "No, because of a rule."


def test_a_refusal_without_a_place_to_go_back_to_is_a_bad_request(client, session):
    assert client.post("/probe/refused-nowhere").status_code == 400
    assert written(session) == 0


@pytest.mark.parametrize("url, status", [("/probe/bad-request", 400), ("/probe/forbidden", 403)])
def test_a_4xx_answer_commits_nothing(client, session, url, status):
    assert client.post(url).status_code == status
    assert written(session) == 0


def test_a_crash_commits_nothing(app, client, session):
    app.testing = False  # answer with the error page, as in production
    assert client.post("/probe/crash").status_code == 500
    assert written(session) == 0


def test_a_view_may_keep_the_audit_of_a_failed_attempt(client, session):
    assert client.post("/probe/kept").status_code == 401
    assert written(session) == 1


def test_a_refused_case_action_leaves_nothing_written(client, session, staff, new_case):
    member = staff()
    case = new_case()
    assert login(client, member.member, session).status_code == 302
    token = csrf_token(client, f"/staff/cases/{case.id}")
    session.expire_all()
    last_seen = select(StaffSession.last_seen_at).where(StaffSession.user_id == member.user.id)
    seen = session.scalar(last_seen)
    records = session.scalar(select(func.count()).select_from(AuditRecord))

    # Received cannot go straight to addressing: the service refuses, after the request touched the
    # member's session (a write) on the way in.
    data = {"csrf_token": token, "state": "addressing"}
    response = client.post(f"/staff/cases/{case.id}/state", data=data)

    assert response.status_code == 303 and response.location.endswith(f"/staff/cases/{case.id}")
    session.expire_all()
    assert session.get(type(case), case.id).state == CaseState.RECEIVED
    assert session.scalar(select(func.count()).select_from(AuditRecord)) == records
    assert session.scalar(last_seen) == seen
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "A case cannot go from received to addressing." in page

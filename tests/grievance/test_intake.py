from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from endwatch import crypto
from endwatch.models import AuditRecord
from grievance import access, receipts
from grievance.errors import GrievanceError, NoCaseAccess
from grievance.models import Attachment, Case, CaseKey, CaseState, FollowupSession
from tests.conftest import Member, csrf_token
from tests.grievance.conftest import (
    latest_case,
    open_followup,
    private_key_of,
    read_case,
    read_with_recovery,
    submit,
)


def test_receipt_is_six_groups_of_five_digits_with_eighty_bits(app):
    receipt = receipts.new_receipt(app.config["ENDWATCH"])
    groups = receipt.split()
    assert [len(group) for group in groups] == [5] * 6 and receipt.replace(" ", "").isascii()
    assert 25 * math.log2(10) > 80  # the last group is a keyed check, not randomness
    assert receipts.may_match(app.config["ENDWATCH"], receipt)


def test_receipt_is_normalised_before_hashing(app):
    config = app.config["ENDWATCH"]
    assert receipts.receipt_keys(config, "Apple  banana\nCHERRY-pie.") == receipts.receipt_keys(
        config, "apple banana cherry-pie"
    )


def test_submission_stores_an_encrypted_case_sealed_to_readers_and_recovery(
    submit_report, app, session, reader, recovery_key
):
    receipt = submit_report(
        what="The police read my messages.",
        who="Unit 7",
        contact="signal: +1 555",
        rights=["privacy", "expression"],
        country="BY",
        period="past_month",
    )
    case = latest_case(session)
    assert case.state == CaseState.RECEIVED
    assert case.categories == ["privacy", "expression"]
    assert case.country == "BY" and case.incident_period == "past_month" and case.product_id is None
    assert case.created_at.minute == 0 and case.created_at.second == 0
    holders = set(session.scalars(select(CaseKey.holder).where(CaseKey.case_id == case.id)))
    assert holders == {"recovery", f"user:{reader.user.id}"}
    assert b"police" not in case.content_enc
    for content in (
        read_case(session, case, reader),
        read_with_recovery(session, case, recovery_key, reader),
    ):
        assert (content.what, content.who, content.contact) == (
            "The police read my messages.",
            "Unit 7",
            "signal: +1 555",
        )
    assert "case.decrypt" in session.scalars(select(AuditRecord.action)).all()
    assert case.receipt_digest == receipts.receipt_keys(app.config["ENDWATCH"], receipt).lookup


def test_receipt_is_shown_only_once(submit_report, client, session):
    receipt = submit_report()
    for url in ("/", "/report", "/followup"):
        assert receipt not in client.get(url).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_intake_is_refused_without_a_recovery_key(client, session, make_member):
    make_member("triager")
    response = submit(client)
    assert response.status_code == 503
    assert 'id="receipt"' not in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_auditors_get_no_key_and_new_members_get_one_by_grant(submit_report, session, make_member, reader):
    auditor = make_member("auditor")
    submit_report()
    case = latest_case(session)
    with pytest.raises(NoCaseAccess):
        read_case(session, case, auditor)
    newcomer = make_member("triager")
    with pytest.raises(NoCaseAccess):
        read_case(session, case, newcomer)
    access.grant_access(session, case, private_key_of(reader), newcomer.user)
    assert read_case(session, case, newcomer).what
    with pytest.raises(GrievanceError):
        access.grant_access(session, case, private_key_of(reader), auditor.user)
    assert access.revoke_access(session, case, newcomer.user, actor="test")
    with pytest.raises(NoCaseAccess):
        read_case(session, case, newcomer)


def test_followup_shows_status_reply_and_accepts_a_message(submit_report, client, session, reader):
    receipt = submit_report(what="First account")
    case = latest_case(session)
    access.add_reply(session, case, "Thank you. Which city?", reader.user, private_key_of(reader))
    session.flush()
    response = open_followup(client, receipt.upper().replace(" ", "  "))
    assert response.status_code == 302 and response.location.endswith("/followup/case")
    page = client.get("/followup/case").get_data(as_text=True)
    assert "Thank you. Which city?" in page
    assert 'id="status">Received' in page
    assert 'id="deadline">We confirm receipt by' in page
    token = csrf_token(client, "/followup/case")
    response = client.post("/followup/case", data={"csrf_token": token, "body": "In Minsk."})
    assert response.status_code == 302
    content = read_case(session, latest_case(session), reader)
    assert [(m.direction, m.body) for m in content.messages] == [
        ("to_submitter", "Thank you. Which city?"),
        ("from_submitter", "In Minsk."),
    ]


def test_wrong_receipt_is_refused_and_never_locks_anyone_out(submit_report, client, app):
    receipt = submit_report()
    limit = int(app.config["ENDWATCH"].followup_limit.split()[0])
    wrong = "".join(str((int(d) + 1) % 10) if d.isdigit() else d for d in receipt)
    statuses = [open_followup(client, wrong).status_code for _ in range(limit + 5)]
    assert statuses == [401] * (limit + 5)
    assert open_followup(client, receipt).status_code == 302


def test_followup_session_expires_when_idle(submit_report, client, session):
    receipt = submit_report()
    open_followup(client, receipt)
    row = session.scalars(select(FollowupSession)).one()
    row.last_seen_at = row.last_seen_at.replace(year=row.last_seen_at.year - 1)
    session.flush()
    response = client.get("/followup/case")
    assert response.status_code == 302 and response.location.endswith("/followup")
    session.expire_all()
    assert session.scalars(select(FollowupSession)).all() == []


def test_followup_cookie_never_holds_the_receipt(submit_report, client):
    receipt = submit_report()
    open_followup(client, receipt)
    cookie = client.get_cookie("endwatch")
    assert cookie is not None
    decoded = crypto.base64.urlsafe_b64decode(cookie.value.split(".")[0] + "==")
    for word in receipt.split():
        assert word.encode() not in decoded and word not in cookie.value


def test_leaving_ends_the_followup_session(submit_report, client, session):
    receipt = submit_report()
    open_followup(client, receipt)
    token = csrf_token(client, "/followup/case")
    assert client.post("/followup/end", data={"csrf_token": token}).status_code == 302
    session.expire_all()
    assert session.scalars(select(FollowupSession)).all() == []
    assert client.get("/followup/case").status_code == 302


def test_post_without_csrf_token_is_rejected(client, reader, session):
    response = client.post("/report", data={"what": "no token"})
    assert response.status_code == 400
    assert client.post("/followup", data={"receipt": "a b c"}).status_code == 400
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_submission_needs_what_happened(client, reader, session):
    response = submit(client, what="   ")
    assert response.status_code == 400
    assert "Please describe what happened." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_receipt_is_not_shown_when_the_commit_fails(client, reader, session, monkeypatch):
    from sqlalchemy.orm import Session as OrmSession

    real_commit = OrmSession.commit

    def failing_commit(self):
        if any(isinstance(obj, Case) for obj in self.new) or any(
            isinstance(o, Case) for o in self.identity_map.values()
        ):
            raise RuntimeError("disk full")
        return real_commit(self)

    monkeypatch.setattr(OrmSession, "commit", failing_commit)
    client.application.testing = False
    response = submit(client)
    assert response.status_code == 500
    assert 'id="receipt"' not in response.get_data(as_text=True)
    monkeypatch.undo()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_demo_reports_go_through_the_intake_and_can_be_followed_up(app, session, recovery_key, client):
    import pyotp

    from endwatch import accounts
    from endwatch.crypto import KdfParams
    from endwatch.demo import DEMO_PASSWORD
    from grievance import demo

    secret = pyotp.random_base32()
    triager, _ = accounts.create_user(
        session,
        "triager@demo.endwatch.example",
        "triager",
        KdfParams(1, 256),
        password=DEMO_PASSWORD,
        totp_secret=secret,
    )
    lines = demo.load_demo(session, app.config["ENDWATCH"])
    session.flush()
    assert len(lines) == 2 + len(demo.DEMO_REPORTS)
    assert lines[-1].startswith("Demo: 60 handled reports in ")
    receipt = lines[1].split(": ", 1)[1]
    assert open_followup(client, receipt).status_code == 302
    page = client.get("/followup/case").get_data(as_text=True)
    assert "Which month was the protest?" in page
    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert {c.language for c in cases} == {"en", "es", "fr", "ar", "ru"}
    member = Member(triager, DEMO_PASSWORD, secret)
    assert read_with_recovery(session, cases[3], recovery_key, member).what.startswith("تم تتبع")

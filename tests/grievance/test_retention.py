from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from endwatch import audit
from endwatch.db import utcnow
from endwatch.models import AuditRecord
from grievance import attachments, retention
from grievance.models import Attachment, Case, CaseKey, CaseMessage, CaseState, FollowupSession
from grievance.triage import links
from grievance.triage import services as triage
from grievance.triage.models import CaseAssignment, CaseLink, CaseNote, CaseRecusal
from tests.conftest import login
from tests.grievance.triage.fixtures import *  # noqa: F403 - triage fixtures and tables
from tests.grievance.triage.fixtures import CANARY

CASE_TABLES = (
    Attachment,
    CaseKey,
    CaseMessage,
    FollowupSession,
    CaseNote,
    CaseLink,
    CaseRecusal,
    CaseAssignment,
)


def concluded_case(session, member, new_case, customer, days_ago):
    case = new_case(files=True)
    triage.add_note(session, case, member.user, member.key, f"note {CANARY}")
    triage.reply(session, case, member.user, member.key, f"reply {CANARY}")
    links.link(session, case, member.user, "customer", customer().id)
    triage.assign(session, case, member.user, member.key, member.user)
    triage.conclude(session, case, member.user, member.key, "substantiated", f"reason {CANARY}")
    case.concluded_at = utcnow() - timedelta(days=days_ago)
    session.flush()
    return case


def test_purge_deletes_files_and_rows_and_keeps_only_that_the_case_existed(
    app, session, staff, new_case, customer
):
    config = app.config["ENDWATCH"]
    member = staff()
    old = concluded_case(session, member, new_case, customer, config.retention_days + 1)
    recent = concluded_case(session, member, new_case, customer, config.retention_days - 1)
    open_case = new_case()
    duplicate = new_case()
    links.merge(session, duplicate, open_case, member.user, member.key)
    stored = [a.stored_name for a in old.attachments]
    assert all((attachments.folder(config) / name).exists() for name in stored)
    old_id, old_reference = old.id, old.reference
    trail_before = len(audit.trail(session, f"case:{old_id}"))

    purged = retention.purge_due(session, config, utcnow())

    assert purged == [old_id]
    session.expire_all()
    assert session.get(Case, old_id) is None
    for model in CASE_TABLES:
        assert session.scalars(select(model).where(model.case_id == old_id)).all() == [], model.__name__
    assert not any((attachments.folder(config) / name).exists() for name in stored)
    assert session.get(Case, recent.id) is not None and session.get(Case, open_case.id) is not None
    # the audit keeps that the case existed and was purged, without content, and still verifies
    trail = audit.trail(session, f"case:{old_id}")
    assert len(trail) == trail_before + 1 and trail[-1].action == "case.purged"
    assert old_reference in trail[-1].details
    every_detail = " ".join(r.details for r in session.scalars(select(AuditRecord)))
    assert CANARY not in every_detail
    assert audit.verify(session).ok


def test_a_merged_duplicate_outlives_the_case_it_pointed_to(app, session, staff, new_case):
    config = app.config["ENDWATCH"]
    member = staff()
    target, duplicate = new_case(), new_case()
    links.merge(session, duplicate, target, member.user, member.key)
    triage.conclude(session, target, member.user, member.key, "unsubstantiated", "no")
    target.concluded_at = utcnow() - timedelta(days=config.retention_days + 1)
    session.flush()
    assert retention.purge_due(session, config, utcnow()) == [target.id]
    session.expire_all()
    assert session.get(Case, duplicate.id).merged_into_id is None


def test_queue_warns_a_week_before_the_purge(app, client, session, staff, new_case, customer):
    config = app.config["ENDWATCH"]
    member = staff()
    soon = concluded_case(session, member, new_case, customer, config.retention_days - 3)
    later = concluded_case(session, member, new_case, customer, config.retention_days - 30)
    login(client, member.member, session)
    page = client.get("/staff/cases/?state=concluded").get_data(as_text=True)
    purge_on = (soon.concluded_at + timedelta(days=config.retention_days)).strftime("%Y-%m-%d")
    assert f"Purged on {purge_on}" in page
    assert page.count("Purged on") == 1 and later.reference in page


def test_purge_command_and_audit_verify(app, cli, session, staff, new_case, customer):
    config = app.config["ENDWATCH"]
    member = staff()
    concluded_case(session, member, new_case, customer, config.retention_days + 10)
    session.flush()
    dry = cli("cases", "purge", "--dry-run")
    assert dry.exit_code == 0 and "1 case(s) would be purged" in dry.output
    result = cli("cases", "purge")
    assert result.exit_code == 0 and "Purged 1 case(s)" in result.output
    assert cli("cases", "purge", "--dry-run").output.startswith("0 case(s)")
    verify = cli("audit", "verify")
    assert verify.exit_code == 0, verify.output


def test_concluded_cases_within_retention_are_kept(app, session, staff, new_case, customer):
    config = app.config["ENDWATCH"]
    member = staff()
    case = concluded_case(session, member, new_case, customer, config.retention_days - 1)
    assert retention.purge_due(session, config, utcnow()) == []
    assert case.state == CaseState.CONCLUDED


def test_recovery_key_grants_access_from_the_command_line(cli, session, staff, new_case, recovery):
    from endwatch import crypto
    from grievance import access

    case = new_case()
    newcomer = staff()
    result = cli(
        "cases", "grant", newcomer.user.email, "--case", case.reference, input=crypto.encode_key(recovery)
    )
    assert result.exit_code == 0, result.output
    assert "1 case(s)" in result.output
    session.expire_all()
    assert access.unlock(session, session.get(Case, case.id), newcomer.key)
    bad = cli("cases", "grant", newcomer.user.email, input="not-a-key\n")
    assert bad.exit_code != 0

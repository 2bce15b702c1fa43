"""The two-person rule attacked by one insider: an import file, the command line, a second account."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from contracts import changes, entitlements, safeguards
from contracts.errors import ApprovalBySameUser
from contracts.models import ActionStatus, ChangeProposal, Contract, Deployment, DeploymentStatus
from endwatch import accounts, case_crypto
from endwatch.crypto import KdfParams
from endwatch.db import utcnow
from endwatch.models import AuditRecord, User
from tests.conftest import PASSWORD, csrf_token, login

DEPLOYMENTS_HEADER = "ref,customer,product,version,status\n"
HELD = "end_use_limits;human_rights;right_to_deny_updates;right_to_suspend;audit_rights;reexport_ban"
ALL_BUT_TERMINATE = HELD + ";grievance_notice"


def upload(client, kind: str, text: str):
    token = csrf_token(client, "/staff/contracts/import")
    data = {"csrf_token": token, "kind": kind, "file": (io.BytesIO(text.encode()), f"{kind}.csv")}
    return client.post("/staff/contracts/import", data=data, content_type="multipart/form-data")


def last_record(session, action: str, target: str | None = None) -> dict:
    query = select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq.desc())
    if target is not None:
        query = query.where(AuditRecord.target == target)
    record = session.scalars(query).first()
    return json.loads(record.details)


def decide(client, what: str, number: int, verdict: str = "approve"):
    token = csrf_token(client, "/staff/contracts/actions")
    return client.post(f"/staff/contracts/{what}/{number}/{verdict}", data={"csrf_token": token})


def test_a_triager_cannot_undo_an_approved_termination_by_importing_a_status(
    app, client, session, world, make_member, logged_in
):
    other = make_member("admin")
    insider = logged_in("triager")
    action = safeguards.propose_action(
        session, world.ru.id, "terminate", "Use against journalists", ["case:4"], insider.user
    )
    safeguards.approve_action(session, action.id, other.user)
    session.flush()

    row = "DEP-RU,Министерство внутренних дел,Sentinel DPI,5.3,active\n"
    response = upload(client, "deployments", DEPLOYMENTS_HEADER + row)
    assert response.status_code == 302
    session.expire_all()
    deployment = session.get(Deployment, world.ru.id)
    assert deployment.status == DeploymentStatus.TERMINATED  # not undone...
    assert deployment.version == "5.3"  # ...while the harmless column is written
    proposal = session.scalars(select(ChangeProposal)).one()
    assert proposal.changes == {"status": ["terminated", "active"]}
    details = last_record(session, "deployments.import")
    assert details["rows"] == [{"line": 2, "record": "DEP-RU", "fields": ["version"], "proposed": ["status"]}]
    assert details["proposals"] == [proposal.id]

    refused = decide(client, "changes", proposal.id)
    assert refused.status_code == 302
    assert "someone other than its proposer" in client.get(refused.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    assert session.get(ChangeProposal, proposal.id).status == ActionStatus.PROPOSED
    assert session.get(Deployment, world.ru.id).status == DeploymentStatus.TERMINATED

    second = app.test_client()
    assert login(second, other, session).status_code == 302
    assert decide(second, "changes", proposal.id).status_code == 302
    session.expire_all()
    assert session.get(Deployment, world.ru.id).status == DeploymentStatus.ACTIVE
    assert last_record(session, "change.approve")["changes"] == {"status": ["terminated", "active"]}


def test_a_triager_cannot_impose_a_termination_by_import(client, session, world, logged_in):
    logged_in("triager")
    token = entitlements.issue_token(session, world.ru, actor="test")
    row = "DEP-RU,Министерство внутренних дел,Sentinel DPI,5.2,terminated\n"
    assert upload(client, "deployments", DEPLOYMENTS_HEADER + row).status_code == 302
    session.expire_all()
    assert session.get(Deployment, world.ru.id).status == DeploymentStatus.ACTIVE
    facts = entitlements.facts_for_token(session, token)
    assert entitlements.decide(facts, "5.4", utcnow().date()).may_install


def test_stripping_enforcement_clauses_by_import_waits_for_a_second_member(client, session, world, logged_in):
    logged_in("triager")
    text = f"ref,customer,clauses\nC-FULL,Министерство внутренних дел,{ALL_BUT_TERMINATE}\n"
    assert upload(client, "contracts", text).status_code == 302
    session.expire_all()
    contract = session.scalars(select(Contract).where(Contract.ref == "C-FULL")).one()
    assert contract.right_to_terminate  # still held
    assert not contract.data_deletion  # an unprotected clause is written at once
    proposal = session.scalars(select(ChangeProposal)).one()
    assert proposal.changes == {"right_to_terminate": [True, False]}
    rows = last_record(session, "contracts.import")["rows"]
    assert rows == [
        {"line": 2, "record": "C-FULL", "fields": ["data_deletion"], "proposed": ["right_to_terminate"]}
    ]


def test_the_command_line_refuses_a_file_that_changes_a_status_and_writes_nothing(
    cli, session, world, tmp_path
):
    path = tmp_path / "deployments.csv"
    path.write_text(DEPLOYMENTS_HEADER + "DEP-RU,Министерство внутренних дел,Sentinel DPI,5.3,terminated\n")
    result = cli("deployments", "import", str(path))
    assert result.exit_code == 1
    assert "line 2, column 'status'" in result.output and "needs two people" in result.output
    session.expire_all()
    deployment = session.get(Deployment, world.ru.id)
    assert deployment.status == DeploymentStatus.ACTIVE and deployment.version == "5.2"


def test_an_approval_is_refused_when_the_record_changed_since(session, world, make_member):
    proposer, approver = make_member("triager"), make_member("triager")
    changed = {"status": ["active", "suspended"]}
    proposal = changes.stage(session, "deployments", world.gb, "DEP-GB", changed, proposer.user, "test")
    world.gb.status = DeploymentStatus.EXPIRED
    with pytest.raises(Exception, match="changed since this was proposed"):
        changes.approve_change(session, proposal.id, approver.user)


# -- the second person is provably another person -------------------------------------------------


def create_on_the_web(client, email: str, role: str) -> str:
    token = csrf_token(client, "/staff/users")
    page = client.post("/staff/users", data={"csrf_token": token, "email": email, "role": role})
    return re.search(r'id="one-time-password">([^<]+)<', page.get_data(as_text=True)).group(1)


def set_up_as_creator(session, email: str) -> User:
    """What the creator can do with the one-time password: choose the password and authenticator."""
    user = accounts.find_user(session, email)
    fresh, _ = accounts.create_user(
        session, f"tmp-{email}", "auditor", KdfParams(1, 256), password=PASSWORD, totp_secret="A" * 32
    )
    user.password_hash, user.key_wrap, user.vault = fresh.password_hash, fresh.key_wrap, fresh.vault
    user.must_change_password, user.totp_enrolled = False, True
    session.flush()
    return user


def test_an_admin_cannot_approve_their_own_proposal_through_an_account_they_created(
    client, session, world, logged_in
):
    admin = logged_in("admin")
    create_on_the_web(client, "sock@staff.example", "triager")
    sock = set_up_as_creator(session, "sock@staff.example")
    assert sock.created_by_id == admin.user.id
    action = safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["case:2"], admin.user)
    with pytest.raises(ApprovalBySameUser, match="created or reset by"):
        safeguards.approve_action(session, action.id, sock)
    theirs = safeguards.propose_action(session, world.ru.id, "deny_updates", "Misuse", ["case:2"], sock)
    with pytest.raises(ApprovalBySameUser, match="they created or reset the account"):
        safeguards.approve_action(session, theirs.id, admin.user)
    staged = changes.stage(
        session, "deployments", world.gb, "DEP-GB", {"status": ["active", "suspended"]}, admin.user, "t"
    )
    with pytest.raises(ApprovalBySameUser):
        changes.approve_change(session, staged.id, sock)
    assert last_record(session, "user.create", f"user:{sock.id}")["created_by"] == f"user:{admin.user.id}"


def test_accounts_made_by_an_account_one_made_count_as_one_person(client, session, world, logged_in):
    admin = logged_in("admin")  # the only admin: a second admin account needs no confirmation
    create_on_the_web(client, "deputy@staff.example", "admin")
    deputy = set_up_as_creator(session, "deputy@staff.example")
    assert deputy.active and not deputy.awaiting_confirmation
    grandchild, _ = accounts.create_user(
        session, "helper@staff.example", "triager", KdfParams(1, 256), creator=deputy
    )
    action = safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["case:2"], admin.user)
    with pytest.raises(ApprovalBySameUser):
        safeguards.approve_action(session, action.id, grandchild)


def test_a_new_admin_made_on_the_web_waits_for_a_second_admins_confirmation(
    app, client, session, logged_in, make_member
):
    second = make_member("admin")
    creator = logged_in("admin")
    one_time = create_on_the_web(client, "newadmin@staff.example", "admin")
    new = accounts.find_user(session, "newadmin@staff.example")
    assert new.awaiting_confirmation and not new.active
    assert all(holder.user is not new for holder in case_crypto.reader_holders(session))  # gets no case key
    browser = app.test_client()
    token = csrf_token(browser, "/staff/login")
    form = {"csrf_token": token, "email": new.email, "password": one_time}
    assert browser.post("/staff/login", data=form).status_code == 401
    # Neither confirming nor reactivating it themselves works for its creator.
    token = csrf_token(client, "/staff/users")
    client.post(f"/staff/users/{new.id}/confirm", data={"csrf_token": token})
    client.post(f"/staff/users/{new.id}/active", data={"csrf_token": token})
    session.expire_all()
    assert session.get(User, new.id).awaiting_confirmation and not session.get(User, new.id).active

    other = app.test_client()
    assert login(other, second, session).status_code == 302
    token = csrf_token(other, "/staff/users")
    assert other.post(f"/staff/users/{new.id}/confirm", data={"csrf_token": token}).status_code == 302
    session.expire_all()
    confirmed = session.get(User, new.id)
    assert confirmed.active and confirmed.confirmed_by_id == second.user.id
    assert (
        browser.post(
            "/staff/login", data={**form, "csrf_token": csrf_token(browser, "/staff/login")}
        ).status_code
        == 302
    )
    created = last_record(session, "user.create", f"user:{new.id}")
    assert created == {
        "role": "admin",
        "created_by": f"user:{creator.user.id}",
        "awaiting_confirmation": True,
    }
    assert last_record(session, "user.confirm") == {"created_by": f"user:{creator.user.id}"}

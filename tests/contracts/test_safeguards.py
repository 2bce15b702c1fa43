"""Enforcement: two people, a reason, evidence, an enabling clause; audited, effective at approval."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from contracts import safeguards
from contracts.errors import ApprovalBySameUser, ClauseMissing, InvalidAction
from contracts.models import ActionStatus, DeploymentStatus, EnforcementAction
from endwatch import audit, events
from grievance.models import Case, CaseState
from grievance.triage.models import CaseLink
from tests.conftest import csrf_token, login


def test_the_proposer_cannot_approve_their_own_action(session, world, make_member):
    member = make_member("triager")
    action = safeguards.propose_action(
        session, world.ru.id, "suspend", "Misuse reported", ["case:1"], member.user
    )
    with pytest.raises(ApprovalBySameUser):
        safeguards.approve_action(session, action.id, member.user)
    assert world.ru.status == DeploymentStatus.ACTIVE
    assert action.status == ActionStatus.PROPOSED


def test_an_action_is_refused_when_the_contract_lacks_its_clause(session, world, make_member):
    member = make_member("triager")
    with pytest.raises(ClauseMissing, match="C-THIN does not hold the clause 'right_to_deny_updates'"):
        safeguards.propose_action(session, world.gb.id, "deny_updates", "Misuse", ["alert:2"], member.user)
    world.gb.contract = None
    with pytest.raises(ClauseMissing, match="no contract on record"):
        safeguards.propose_action(session, world.gb.id, "terminate", "Misuse", ["alert:2"], member.user)


def test_an_action_needs_a_reason_and_evidence(session, world, make_member):
    member = make_member("triager")
    with pytest.raises(InvalidAction, match="reason"):
        safeguards.propose_action(session, world.ru.id, "suspend", "  ", ["case:1"], member.user)
    with pytest.raises(InvalidAction, match="evidence"):
        safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", [], member.user)
    with pytest.raises(InvalidAction, match="case or an alert"):
        safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["invoice:4"], member.user)


def test_auditors_may_not_propose_or_approve(session, world, make_member):
    auditor, triager = make_member("auditor"), make_member("triager")
    with pytest.raises(InvalidAction):
        safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["case:1"], auditor.user)
    action = safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["case:1"], triager.user)
    with pytest.raises(InvalidAction):
        safeguards.approve_action(session, action.id, auditor.user)


def test_approval_takes_effect_is_audited_and_announced(session, world, make_member):
    proposer, approver = make_member("triager"), make_member("admin")
    received = []
    action = safeguards.propose_action(
        session,
        world.ru.id,
        "terminate",
        "Used against protesters",
        ["case:4", "alert:17", "case:4"],
        proposer.user,
    )
    assert [e.label for e in action.evidence] == ["case:4", "alert:17"]

    def listener(sender, action_id):
        received.append(action_id)

    def deployments(sender, customer_ids):
        received.append(customer_ids)

    events.safeguard_action_approved.connect(listener)
    events.deployments_changed.connect(deployments)
    try:
        safeguards.approve_action(session, action.id, approver.user, "Confirmed by two sources")
    finally:
        events.safeguard_action_approved.disconnect(listener)
        events.deployments_changed.disconnect(deployments)
    assert received == [action.id, [world.ru.customer_id]]
    assert world.ru.status == DeploymentStatus.TERMINATED and world.ru.updates_denied
    assert action.decided_at is not None and action.decided_by_id == approver.user.id
    trail = audit.trail(session, f"action:{action.id}")
    assert [(r.action, r.actor) for r in trail] == [
        ("safeguard.propose", proposer.user.email),
        ("safeguard.approve", approver.user.email),
    ]
    assert audit.verify(session).ok
    with pytest.raises(InvalidAction, match="already approved"):
        safeguards.approve_action(session, action.id, approver.user)


def test_reinstating_lifts_measures_in_force(session, world, make_member):
    a, b = make_member("triager"), make_member("triager")
    with pytest.raises(InvalidAction, match="no measure in force"):
        safeguards.propose_action(session, world.ru.id, "reinstate", "Remedied", ["case:1"], a.user)
    for kind in ("deny_updates", "suspend"):
        action = safeguards.propose_action(session, world.ru.id, kind, "Misuse", ["case:1"], a.user)
        safeguards.approve_action(session, action.id, b.user)
    reinstate = safeguards.propose_action(
        session, world.ru.id, "reinstate", "Remedied, audit passed", ["case:1"], b.user
    )
    safeguards.approve_action(session, reinstate.id, a.user)
    assert world.ru.status == DeploymentStatus.ACTIVE and not world.ru.updates_denied


def test_the_same_action_cannot_wait_twice(session, world, make_member):
    member = make_member("triager")
    safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["case:1"], member.user)
    with pytest.raises(InvalidAction, match="already awaiting approval"):
        safeguards.propose_action(session, world.ru.id, "suspend", "Misuse again", ["case:2"], member.user)


def test_a_rejected_action_changes_nothing(session, world, make_member):
    a, b = make_member("triager"), make_member("admin")
    action = safeguards.propose_action(session, world.ru.id, "suspend", "Misuse", ["case:1"], a.user)
    safeguards.reject_action(session, action.id, b.user, "Not enough evidence")
    assert action.status == ActionStatus.REJECTED
    assert world.ru.status == DeploymentStatus.ACTIVE


def _case(session, reference: str, linked_customer: int | None = None) -> Case:
    case = Case(
        reference=reference, receipt_digest=f"digest-{reference}", submitter_key=b"k", content_enc=b"c",
        created_at=datetime(2026, 1, 5, tzinfo=UTC), category="privacy", country="RU",
        state=CaseState.ASSESSING,
    )
    session.add(case)
    session.flush()
    if linked_customer is not None:
        session.add(CaseLink(case_id=case.id, kind="customer", ref_id=linked_customer))
        session.flush()
    return case


def test_two_members_propose_and_approve_through_the_staff_pages(app, session, world, make_member):
    typed = _case(session, "C-TYPED1")
    linked = _case(session, "C-L1NKED", linked_customer=world.ru.customer_id)
    page = f"/staff/contracts/deployments/{world.ru.id}"
    own = _client_for(app, make_member("triager"), session)
    form = own.get(page).get_data(as_text=True)
    assert f'name="picked" value="case:{linked.id}"' in form and "C-L1NKED" in form  # a pick list
    assert "C-TYPED1" not in form  # not linked to this customer: typed instead
    data = {"kind": "deny_updates", "reason": "Arrests of journalists", "evidence": "C-NOPE00"}
    refused = own.post(f"{page}/actions", data={"csrf_token": csrf_token(own, page), **data})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "there is no case C-NOPE00" in text
    assert "Arrests of journalists</textarea>" in text and 'value="C-NOPE00"' in text  # nothing typed lost
    assert session.scalars(select(EnforcementAction)).first() is None

    data.update(evidence="c-typed1", picked=f"case:{linked.id}")
    response = own.post(f"{page}/actions", data={"csrf_token": csrf_token(own, page), **data})
    assert response.status_code == 302
    action = session.scalars(select(EnforcementAction)).one()
    assert [e.label for e in action.evidence] == [f"case:{linked.id}", f"case:{typed.id}"]
    listed = own.get("/staff/contracts/actions").get_data(as_text=True)
    assert f'<a href="/staff/cases/{typed.id}">C-TYPED1</a>' in listed  # evidence by reference, as links
    refused = own.post(
        f"/staff/contracts/actions/{action.id}/approve",
        data={"csrf_token": csrf_token(own, "/staff/contracts/actions"), "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "other than its proposer" in refused.get_data(as_text=True)
    session.refresh(action)
    assert action.status == ActionStatus.PROPOSED

    other = _client_for(app, make_member("admin"), session)
    token = csrf_token(other, "/staff/contracts/actions")
    approve = f"/staff/contracts/actions/{action.id}/approve"
    asked = other.post(approve, data={"csrf_token": token, "note": "ok"})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "This cannot be undone." in question
    assert "Arrests of journalists" in question
    session.refresh(action)
    assert action.status == ActionStatus.PROPOSED and not world.ru.updates_denied  # nothing until confirmed
    approved = other.post(
        f"/staff/contracts/actions/{action.id}/approve",
        data={"csrf_token": token, "note": "ok", "confirmed": "yes"},
    )
    assert approved.status_code == 302
    session.refresh(action)
    session.refresh(world.ru)
    assert action.status == ActionStatus.APPROVED and world.ru.updates_denied


def test_auditors_see_actions_but_cannot_propose(app, session, world, make_member):
    auditor = _client_for(app, make_member("auditor"), session)
    assert auditor.get("/staff/contracts/actions").status_code == 200
    page = f"/staff/contracts/deployments/{world.ru.id}"
    assert "Propose an action" not in auditor.get(page).get_data(as_text=True)
    response = auditor.post(
        f"{page}/actions", data={"csrf_token": csrf_token(auditor, page), "kind": "suspend"}
    )
    assert response.status_code == 403


def _client_for(app, member, session):
    client = app.test_client()
    assert login(client, member, session).status_code == 302
    return client

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from endwatch import audit, case_crypto
from endwatch.db import utcnow
from endwatch.models import AuditRecord
from grievance.errors import IllegalTransition, NoCaseAccess, Recused, TriageError
from grievance.models import CaseState, Outcome
from grievance.triage import links
from grievance.triage import services as triage
from grievance.triage.services import TRANSITIONS
from tests.grievance.triage.fixtures import *  # noqa: F403 - triage fixtures and tables
from tests.grievance.triage.fixtures import CANARY

ALL_STATES = list(CaseState)


def decrypt_records(session, case):
    return session.scalars(
        select(AuditRecord).where(
            AuditRecord.action == "case.decrypt", AuditRecord.target == f"case:{case.id}"
        )
    ).all()


@pytest.mark.parametrize("current", ALL_STATES)
@pytest.mark.parametrize("target", ALL_STATES)
def test_transition_table(current, target):
    legal = {
        (CaseState.RECEIVED, CaseState.ASSESSING),
        (CaseState.RECEIVED, CaseState.CONCLUDED),
        (CaseState.ASSESSING, CaseState.ADDRESSING),
        (CaseState.ASSESSING, CaseState.CONCLUDED),
        (CaseState.ADDRESSING, CaseState.ASSESSING),
        (CaseState.ADDRESSING, CaseState.CONCLUDED),
        (CaseState.CONCLUDED, CaseState.ASSESSING),
    }
    assert ((current, target) in legal) == (target in TRANSITIONS[current])
    if (current, target) in legal:
        triage.check_transition(current, target)
    else:
        with pytest.raises(IllegalTransition, match="cannot go from"):
            triage.check_transition(current, target)


def test_illegal_move_is_refused_and_changes_nothing(session, staff, new_case):
    member = staff()
    case = new_case()
    with pytest.raises(IllegalTransition):
        triage.change_state(session, case, member.user, CaseState.ADDRESSING)
    assert case.state == CaseState.RECEIVED
    assert case.acknowledged_at is None


def test_taking_a_case_up_acknowledges_it(session, staff, new_case):
    member = staff()
    case = new_case()
    triage.change_state(session, case, member.user, CaseState.ASSESSING)
    assert case.acknowledged_at is not None
    assert audit.trail(session, f"case:{case.id}")[-1].action == "case.state"


def test_conclusion_needs_an_outcome_and_a_reason(session, staff, new_case):
    member = staff()
    case = new_case()
    with pytest.raises(TriageError, match="outcome"):
        triage.conclude(session, case, member.user, member.key, None, "because")
    with pytest.raises(TriageError, match="reason"):
        triage.conclude(session, case, member.user, member.key, Outcome.UNSUBSTANTIATED, "  ")
    with pytest.raises(TriageError, match="Unknown outcome"):
        triage.conclude(session, case, member.user, member.key, "maybe", "because")
    with pytest.raises(TriageError, match="needs an outcome"):
        triage.change_state(session, case, member.user, CaseState.CONCLUDED)
    triage.conclude(session, case, member.user, member.key, "outside_scope", f"reason {CANARY}")
    assert case.state == CaseState.CONCLUDED and case.outcome == Outcome.OUTSIDE_SCOPE
    assert CANARY.encode() not in case.outcome_reason_enc
    assert (
        triage.open_case(session, case, member.user, member.key).content.outcome_reason == f"reason {CANARY}"
    )


def test_reopening_clears_the_outcome(session, staff, new_case):
    member = staff()
    case = new_case()
    triage.conclude(session, case, member.user, member.key, "unsubstantiated", "no evidence")
    triage.change_state(session, case, member.user, CaseState.ASSESSING)
    assert case.outcome is None and case.concluded_at is None and case.outcome_reason_enc is None


def test_every_decryption_is_audited_with_its_purpose(session, staff, new_case):
    member = staff()
    case = new_case()
    triage.open_case(session, case, member.user, member.key)
    triage.add_note(session, case, member.user, member.key, "note")
    triage.reply(session, case, member.user, member.key, "hello")
    triage.conclude(session, case, member.user, member.key, "unsubstantiated", "x")
    purposes = [r.details for r in decrypt_records(session, case)]
    assert purposes == [
        '{"purpose": "view"}',
        '{"purpose": "note"}',
        '{"purpose": "reply"}',
        '{"purpose": "conclude"}',
    ]
    assert all(r.actor == member.user.email for r in decrypt_records(session, case))


def test_notes_are_encrypted_and_read_back(session, staff, new_case):
    member = staff()
    case = new_case()
    note = triage.add_note(session, case, member.user, member.key, f"internal {CANARY}")
    assert CANARY.encode() not in note.body_enc
    opened = triage.open_case(session, case, member.user, member.key)
    assert [n.body for n in opened.notes] == [f"internal {CANARY}"]
    # a note cannot be moved to another case or swapped with another note
    other = new_case()
    with pytest.raises(Exception):  # noqa: B017 - the AEAD refuses it, whatever the wrapper
        case_crypto.decrypt_text(
            triage.data_key(session, other, member.user, member.key, "t"),
            other.reference,
            "note:1",
            note.body_enc,
        )


def test_reply_reaches_the_submitter_and_may_count_as_feedback(session, staff, new_case):
    member = staff()
    case = new_case()
    triage.reply(session, case, member.user, member.key, "we are looking into it")
    assert case.acknowledged_at is not None and case.feedback_given_at is None
    triage.reply(session, case, member.user, member.key, "we contacted the customer", feedback=True)
    assert case.feedback_given_at is not None
    opened = triage.open_case(session, case, member.user, member.key)
    assert [m.direction for m in opened.content.messages] == ["to_submitter", "to_submitter"]


def test_ratings_use_the_documented_scales(session, staff, new_case):
    member = staff()
    case = new_case()
    triage.rate(session, case, member.user, 4, 2)
    assert (case.severity, case.likelihood) == (4, 2)
    with pytest.raises(TriageError):
        triage.rate(session, case, member.user, 5, 1)
    assert set(triage.SEVERITY_SCALE) == set(triage.LIKELIHOOD_SCALE) == {1, 2, 3, 4}


def test_granting_access_rewraps_the_key_from_a_holder(session, staff, new_case):
    first = staff()
    case = new_case()
    newcomer = staff()  # joined after the case arrived: holds no key
    with pytest.raises(NoCaseAccess):
        triage.open_case(session, case, newcomer.user, newcomer.key)
    triage.grant(session, case, first.user, first.key, newcomer.user)
    assert triage.open_case(session, case, newcomer.user, newcomer.key).content.what.endswith(CANARY)
    assert "case.grant" in [r.action for r in audit.trail(session, f"case:{case.id}")]


def test_auditors_never_hold_case_keys(session, staff, new_case):
    first = staff()
    auditor = staff("auditor")
    case = new_case()
    with pytest.raises(TriageError):
        triage.grant(session, case, first.user, first.key, auditor.user)
    with pytest.raises(NoCaseAccess):
        triage.open_case(session, case, auditor.user, auditor.key)


def test_assigning_a_member_without_a_key_grants_one(session, staff, new_case):
    lead = staff("admin")
    case = new_case()
    newcomer = staff()
    triage.assign(session, case, lead.user, lead.key, newcomer.user)
    assert case.assignee_id == newcomer.user.id
    assert triage.holds_key(session, case, newcomer.user)
    triage.assign(session, case, lead.user, None, None)
    assert case.assignee_id is None


def test_recusal_destroys_the_key_and_bars_every_service(session, staff, new_case):
    lead = staff("admin")
    member = staff()
    case = new_case()
    triage.assign(session, case, lead.user, lead.key, member.user)
    triage.recuse(session, case, lead.user, member.user)
    assert case.assignee_id is None
    assert not triage.holds_key(session, case, member.user)
    with pytest.raises(Recused):
        triage.case_for(session, case.id, member.user)
    with pytest.raises(Recused):
        triage.data_key(session, case, member.user, member.key, "view")
    with pytest.raises(TriageError):
        triage.grant(session, case, lead.user, lead.key, member.user)
    with pytest.raises(TriageError):
        triage.assign(session, case, lead.user, lead.key, member.user)
    with pytest.raises(TriageError, match="another administrator"):
        triage.lift_recusal(session, case, member.user, member.user)
    triage.lift_recusal(session, case, lead.user, member.user)
    triage.case_for(session, case.id, member.user)


def test_merge_concludes_the_duplicate_and_carries_links(session, staff, new_case, customer):
    member = staff()
    original, duplicate = new_case(), new_case()
    ministry = customer()
    links.link(session, duplicate, member.user, "customer", ministry.id)
    links.merge(session, duplicate, original, member.user, member.key)
    assert duplicate.state == CaseState.CONCLUDED and duplicate.outcome == Outcome.DUPLICATE
    assert duplicate.merged_into_id == original.id
    assert [(link.kind, link.ref_id) for link in links.links_of(session, original)] == [
        ("customer", ministry.id)
    ]
    with pytest.raises(TriageError):
        links.merge(session, original, original, member.user, member.key)
    with pytest.raises(TriageError, match="itself merged"):
        links.merge(session, new_case(), duplicate, member.user, member.key)


def test_links_are_typed_and_checked(session, staff, new_case, customer):
    member = staff()
    case = new_case()
    with pytest.raises(TriageError, match="Unknown link kind"):
        links.link(session, case, member.user, "person", 1)
    with pytest.raises(TriageError, match="There is no customer"):
        links.link(session, case, member.user, "customer", 999_999)
    with pytest.raises(TriageError, match="There is no alert"):
        links.link(session, case, member.user, "alert", 999_999)
    row = links.link(session, case, member.user, "customer", customer().id)
    links.unlink(session, case, member.user, row.id)
    assert links.links_of(session, case) == []


def test_case_dates_are_in_the_past_for_deadlines(session, staff, new_case):
    case = new_case()
    assert case.created_at <= utcnow() and utcnow() - case.created_at < timedelta(hours=1, minutes=1)


def test_proposing_a_safeguard_hands_the_case_to_contracts_as_evidence(session, staff, new_case, customer):
    from contracts.models import ActionStatus, Contract, Deployment, EnforcementAction, Product

    member = staff()
    case = new_case()
    ministry = customer()
    product = Product(name="Tracker 9")
    contract = Contract(ref="K-1", customer=ministry, right_to_suspend=True)
    deployment = Deployment(ref="D-1", customer=ministry, product=product, contract=contract)
    session.add_all([product, contract, deployment])
    session.flush()
    with pytest.raises(TriageError, match="reason"):
        links.propose_safeguard(session, case, member.user, deployment.id, "suspend", " ")
    with pytest.raises(TriageError, match="not found"):
        links.propose_safeguard(session, case, member.user, 999_999, "suspend", "credible report")
    action = links.propose_safeguard(
        session, case, member.user, deployment.id, "suspend", "credible report"
    )
    assert isinstance(action, EnforcementAction) and action.status == ActionStatus.PROPOSED
    assert [(e.kind, e.ref_id) for e in action.evidence] == [("case", case.id)]
    assert ("deployment", deployment.id) in [
        (row.kind, row.ref_id) for row in links.links_of(session, case)
    ]
    assert "case.safeguard_proposed" in [r.action for r in audit.trail(session, f"case:{case.id}")]

"""Enforcement actions: proposed by one member, approved by another, effective and audited at approval."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import ApprovalBySameUser, ClauseMissing, InvalidAction, NotFound
from contracts.models import (
    ActionEvidence,
    ActionKind,
    ActionStatus,
    Clause,
    Deployment,
    DeploymentStatus,
    EnforcementAction,
)
from endwatch import audit, events
from endwatch.db import utcnow
from endwatch.models import Role, User

CLAUSE_FOR: dict[ActionKind, Clause | None] = {
    ActionKind.DENY_UPDATES: Clause.DENY_UPDATES,
    ActionKind.SUSPEND: Clause.SUSPEND,
    ActionKind.TERMINATE: Clause.TERMINATE,
    ActionKind.REINSTATE: None,  # lifting a measure needs no clause
}
EVIDENCE_KINDS = ("case", "alert")
DECIDING_ROLES = frozenset({Role.ADMIN, Role.TRIAGER})

Evidence = str | tuple[str, int]


def parse_evidence(items: Iterable[Evidence]) -> list[tuple[str, int]]:
    """Typed references such as 'case:12' or ('alert', 7); cases and alerts live in other domains."""
    parsed: list[tuple[str, int]] = []
    for item in items:
        if isinstance(item, str):
            kind, _, raw = item.strip().partition(":")
            if not raw.strip().isdigit():
                raise InvalidAction(f"evidence {item!r} is not written as case:ID or alert:ID")
            ref = (kind.strip().lower(), int(raw))
        else:
            ref = (str(item[0]).lower(), int(item[1]))
        if ref[0] not in EVIDENCE_KINDS:
            raise InvalidAction(f"evidence must be a case or an alert, not {ref[0]!r}")
        if ref not in parsed:
            parsed.append(ref)
    return parsed


def propose_action(
    session: Session,
    deployment_id: int,
    kind: ActionKind | str,
    reason: str,
    evidence: Iterable[Evidence],
    proposer: User,
) -> EnforcementAction:
    """Propose a safeguard action on a deployment; it does nothing until another member approves it."""
    deployment = session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"deployment {deployment_id} not found")
    try:
        kind = ActionKind(kind)
    except ValueError:
        raise InvalidAction(f"{kind!r} is not one of " + "|".join(k.value for k in ActionKind)) from None
    reason = reason.strip()
    if not reason:
        raise InvalidAction("a reason is required")
    references = parse_evidence(evidence)
    if not references:
        raise InvalidAction("link at least one case or alert as evidence")
    _check_decider(proposer)
    _check_allowed(deployment, kind)
    pending = session.scalars(
        select(EnforcementAction.id).where(
            EnforcementAction.deployment_id == deployment.id,
            EnforcementAction.kind == kind,
            EnforcementAction.status == ActionStatus.PROPOSED,
        )
    ).first()
    if pending is not None:
        raise InvalidAction(f"the same action is already awaiting approval (action {pending})")
    action = EnforcementAction(
        deployment=deployment,
        kind=kind,
        status=ActionStatus.PROPOSED,
        reason=reason,
        proposed_by_id=proposer.id,
        proposed_at=utcnow(),
        decision_note="",
        evidence=[ActionEvidence(kind=k, ref_id=i) for k, i in references],
    )
    session.add(action)
    session.flush()
    labels = [f"{k}:{i}" for k, i in references]
    audit.record(
        session,
        "safeguard.propose",
        actor=proposer.email,
        target=f"action:{action.id}",
        details={"deployment": deployment.ref, "kind": kind.value, "evidence": labels},
    )
    return action


def approve_action(session: Session, action_id: int, approver: User, note: str = "") -> EnforcementAction:
    """Approve and apply an action: it takes effect now, in this unit of work."""
    action = _pending(session, action_id)
    if approver.id == action.proposed_by_id:
        raise ApprovalBySameUser("an action must be approved by someone other than its proposer")
    _check_decider(approver)
    deployment = action.deployment
    _check_allowed(deployment, action.kind)
    status = deployment.status
    _apply(deployment, action.kind)
    action.status = ActionStatus.APPROVED
    action.decided_by_id = approver.id
    action.decided_at = utcnow()
    action.decision_note = note.strip()
    session.flush()
    audit.record(
        session,
        "safeguard.approve",
        actor=approver.email,
        target=f"action:{action.id}",
        details={
            "deployment": deployment.ref,
            "kind": action.kind.value,
            "status": deployment.status.value,
            "updates_denied": deployment.updates_denied,
        },
    )
    events.safeguard_action_approved.send(session, action_id=action.id)
    if deployment.status != status:
        events.deployments_changed.send(session, customer_ids=[deployment.customer_id])
    return action


def reject_action(session: Session, action_id: int, decider: User, note: str = "") -> EnforcementAction:
    """Reject a proposal (or let its proposer withdraw it); nothing changes on the deployment."""
    action = _pending(session, action_id)
    _check_decider(decider)
    action.status = ActionStatus.REJECTED
    action.decided_by_id = decider.id
    action.decided_at = utcnow()
    action.decision_note = note.strip()
    session.flush()
    audit.record(
        session,
        "safeguard.reject",
        actor=decider.email,
        target=f"action:{action.id}",
        details={"deployment": action.deployment.ref, "kind": action.kind.value},
    )
    return action


def _pending(session: Session, action_id: int) -> EnforcementAction:
    action = session.get(EnforcementAction, action_id, with_for_update=True)
    if action is None:
        raise NotFound(f"action {action_id} not found")
    if action.status != ActionStatus.PROPOSED:
        raise InvalidAction(f"action {action_id} was already {action.status.value}")
    return action


def _check_decider(member: User) -> None:
    if member.role not in DECIDING_ROLES or not member.active:
        raise InvalidAction("only active admins and triagers may propose or decide safeguard actions")


def _check_allowed(deployment: Deployment, kind: ActionKind) -> None:
    clause = CLAUSE_FOR[kind]
    if clause is not None:
        contract = deployment.contract
        if contract is None:
            raise ClauseMissing(f"deployment {deployment.ref} has no contract on record that allows this")
        if not contract.holds(clause):
            raise ClauseMissing(f"contract {contract.ref} does not hold the clause '{clause.value}'")
    if deployment.status == DeploymentStatus.TERMINATED:
        raise InvalidAction(f"deployment {deployment.ref} is terminated")
    if kind == ActionKind.DENY_UPDATES and deployment.updates_denied:
        raise InvalidAction(f"updates are already denied to {deployment.ref}")
    if kind == ActionKind.SUSPEND and deployment.status == DeploymentStatus.SUSPENDED:
        raise InvalidAction(f"{deployment.ref} is already suspended")
    in_force = deployment.status == DeploymentStatus.SUSPENDED or deployment.updates_denied
    if kind == ActionKind.REINSTATE and not in_force:
        raise InvalidAction(f"{deployment.ref} has no measure in force to lift")


def _apply(deployment: Deployment, kind: ActionKind) -> None:
    if kind == ActionKind.DENY_UPDATES:
        deployment.updates_denied = True
    elif kind == ActionKind.SUSPEND:
        deployment.status = DeploymentStatus.SUSPENDED
    elif kind == ActionKind.TERMINATE:
        deployment.status = DeploymentStatus.TERMINATED
        deployment.updates_denied = True
    else:
        deployment.status = DeploymentStatus.ACTIVE
        deployment.updates_denied = False

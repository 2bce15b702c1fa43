"""Links from a case to what other parts own (customers, deployments, contracts, alerts), and handing a
case to the contracts part as evidence for a safeguard action."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import ContractsError
from contracts.models import Contract, Customer, Deployment
from contracts.safeguards import propose_action
from endwatch import audit
from endwatch.models import User
from grievance.errors import Recused, TriageError
from grievance.models import Case, CaseState, Outcome
from grievance.triage.models import CaseLink, LinkKind
from grievance.triage.services import conclude, is_recused
from monitoring.models import Alert

LINK_MODELS: dict[LinkKind, type] = {
    LinkKind.CUSTOMER: Customer,
    LinkKind.DEPLOYMENT: Deployment,
    LinkKind.CONTRACT: Contract,
    LinkKind.ALERT: Alert,
}


def parse_link_kind(kind: str) -> LinkKind:
    try:
        return LinkKind(kind)
    except ValueError:
        raise TriageError(f"Unknown link kind {kind!r}.") from None


def link(session: Session, case: Case, user: User, kind: str, ref_id: int) -> CaseLink:
    """Link a case to a customer, deployment, contract or alert that exists in its own domain."""
    parsed = parse_link_kind(kind)
    if session.get(LINK_MODELS[parsed], ref_id) is None:
        raise TriageError(f"There is no {parsed.value} {ref_id}.")
    row = add_link_row(session, case, user.id, parsed.value, ref_id)
    audit.record(
        session,
        "case.linked",
        actor=user.email,
        target=f"case:{case.id}",
        details={"ref": f"{parsed}:{ref_id}"},
    )
    return row


def add_link_row(session: Session, case: Case, user_id: int | None, kind: str, ref_id: int) -> CaseLink:
    """The link row, created once; callers audit it."""
    existing = session.scalars(
        select(CaseLink).where(CaseLink.case_id == case.id, CaseLink.kind == kind, CaseLink.ref_id == ref_id)
    ).first()
    if existing is not None:
        return existing
    row = CaseLink(case_id=case.id, kind=kind, ref_id=ref_id, created_by_id=user_id)
    session.add(row)
    session.flush()
    return row


def unlink(session: Session, case: Case, user: User, link_id: int) -> None:
    row = session.get(CaseLink, link_id)
    if row is None or row.case_id != case.id:
        raise TriageError("No such link on this case.")
    session.delete(row)
    session.flush()
    audit.record(
        session,
        "case.unlinked",
        actor=user.email,
        target=f"case:{case.id}",
        details={"ref": f"{row.kind}:{row.ref_id}"},
    )


def links_of(session: Session, case: Case) -> list[CaseLink]:
    return list(session.scalars(select(CaseLink).where(CaseLink.case_id == case.id).order_by(CaseLink.id)))


def propose_safeguard(
    session: Session, case: Case, user: User, deployment_id: int, kind: str, reason: str
) -> object:
    """Hand the case (and alerts linked to it) to the contracts part as evidence for a safeguard action."""
    if not reason.strip():
        raise TriageError("Give a reason for the proposed action.")
    evidence = [("case", case.id)] + [
        ("alert", row.ref_id) for row in links_of(session, case) if row.kind == LinkKind.ALERT.value
    ]
    try:
        action = propose_action(session, deployment_id, kind, reason, evidence, user)
    except ContractsError as exc:  # its refusals carry messages meant for staff
        raise TriageError(str(exc)) from None
    add_link_row(session, case, user.id, LinkKind.DEPLOYMENT.value, deployment_id)
    audit.record(
        session,
        "case.safeguard_proposed",
        actor=user.email,
        target=f"case:{case.id}",
        details={"deployment": deployment_id, "kind": kind, "action": getattr(action, "id", None)},
    )
    return action


def check_merge(session: Session, duplicate: Case, target: Case, user: User) -> None:
    """Refuse a merge that could not be done (asked before the confirmation page, and again when done)."""
    if duplicate.id == target.id:
        raise TriageError("A case cannot be merged into itself.")
    if is_recused(session, target.id, user.id):
        raise Recused(f"You are recused from case {target.reference}.")
    if target.merged_into_id is not None:
        raise TriageError(f"Case {target.reference} is itself merged; merge into the case it points to.")
    if target.state == CaseState.CONCLUDED:
        raise TriageError(f"Case {target.reference} is concluded; reopen it first.")


def merge(session: Session, duplicate: Case, target: Case, user: User, private_key: bytes) -> None:
    """Conclude `duplicate` as a duplicate of `target`, carrying its links over; content stays put."""
    check_merge(session, duplicate, target, user)
    conclude(
        session, duplicate, user, private_key, Outcome.DUPLICATE, f"Duplicate of case {target.reference}."
    )
    duplicate.merged_into_id = target.id
    for link in list(session.scalars(select(CaseLink).where(CaseLink.case_id == duplicate.id))):
        add_link_row(session, target, user.id, link.kind, link.ref_id)
    session.flush()
    audit.record(
        session,
        "case.merged",
        actor=user.email,
        target=f"case:{duplicate.id}",
        details={"into": f"case:{target.id}"},
    )

"""Changes to what a deployment may receive that an import asked for: staged, applied by a second member.

A file may carry a new status, licence window, highest version or contract for a deployment, enforcement
clauses for a contract, or whether a product receives updates. Such a change to an existing record is not
written by the import: it becomes a proposal that another member approves (the same two-person rule as
enforcement actions), checked against the stored values again at approval.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.csvio import Row
from contracts.errors import InvalidAction, NotFound
from contracts.models import (
    ActionStatus,
    ChangeProposal,
    Contract,
    Deployment,
    DeploymentStatus,
    Product,
)
from contracts.safeguards import CLAUSE_FOR, check_decider, check_second_person
from endwatch import audit, events
from endwatch.db import Base, utcnow
from endwatch.models import User

ENFORCEMENT_CLAUSES = tuple(clause.value for clause in CLAUSE_FOR.values() if clause is not None)
PROTECTED: dict[str, tuple[str, ...]] = {
    "deployments": ("status", "licence_start", "licence_end", "max_version", "contract"),
    "contracts": ENFORCEMENT_CLAUSES,
    "products": ("receives_updates",),
}
RECORDS: dict[str, type[Deployment] | type[Contract] | type[Product]] = {
    "deployment": Deployment,
    "contract": Contract,
    "product": Product,
}
RECORD_OF_FILE = {"deployments": "deployment", "contracts": "contract", "products": "product"}
NEEDS_TWO = (
    "changing this for an existing {record} needs two people: import the file on the staff pages, where "
    "it waits for another member's approval"
)
Staged = tuple[int, str, Any, dict[str, list[Any]]]  # line, record label, record, protected changes


def plain(value: Any) -> Any:
    """A stored or imported value as JSON can hold it (and as proposals compare it)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Contract):
        return value.ref
    return value


def label(key: Any) -> str:
    """How an import names a record: 'Name [CC]' for customers, else the ref or name."""
    return f"{key[0]} [{key[1]}]" if isinstance(key, tuple) else str(key)


def differs(stored: Any, new: Any) -> bool:
    if isinstance(new, Base):
        return stored is not new
    return bool(stored != new)


def protected_changes(kind: str, record: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields of an existing record that a row would change and that need a second member."""
    changes = {}
    for field in PROTECTED.get(kind, ()):
        if field in values:
            old, new = plain(getattr(record, field)), plain(values[field])
            if old != new:
                changes[field] = [old, new]
    return changes


def split(
    kind: str, row: Row, record: Any, values: dict[str, Any], proposer: User | None
) -> tuple[dict[str, Any], list[str], dict[str, list[Any]]]:
    """A row's values for an existing record: those to write now, the fields they change, and the
    protected changes to stage (refused without a proposer: the command line names nobody)."""
    protected = protected_changes(kind, record, values)
    if protected and proposer is None:
        raise row.fail(next(iter(protected)), NEEDS_TWO.format(record=RECORD_OF_FILE[kind]))
    kept = {k: v for k, v in values.items() if k not in protected}
    return kept, [k for k, v in kept.items() if differs(getattr(record, k), v)], protected


def stage_all(session: Session, kind: str, staged: list[Staged], proposer: User | None) -> list[int]:
    if not staged or proposer is None:
        return []
    return [
        stage(session, kind, record, ref, protected, proposer, f"{kind} import, line {line}").id
        for line, ref, record, protected in staged
    ]


def stage(
    session: Session,
    kind: str,
    record: Any,
    ref: str,
    changes: dict[str, list[Any]],
    proposer: User,
    source: str,
) -> ChangeProposal:
    check_decider(proposer)
    proposal = ChangeProposal(
        record_kind=RECORD_OF_FILE[kind],
        record_id=record.id,
        record_ref=ref,
        changes=changes,
        source=source,
        status=ActionStatus.PROPOSED,
        proposed_by_id=proposer.id,
        proposed_at=utcnow(),
        decision_note="",
    )
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        "change.propose",
        actor=proposer.email,
        target=f"change:{proposal.id}",
        details={"record": f"{proposal.record_kind}:{record.id}", "changes": changes, "source": source},
    )
    return proposal


def approve_change(session: Session, proposal_id: int, approver: User, note: str = "") -> ChangeProposal:
    """Apply a staged change, if the record still holds the values it was proposed against."""
    proposal = _pending(session, proposal_id)
    check_second_person(session, proposal.proposed_by, approver)
    check_decider(approver)
    record: Any = session.get(RECORDS[proposal.record_kind], proposal.record_id)
    if record is None:
        raise NotFound(f"{proposal.record_kind} {proposal.record_ref} no longer exists")
    for field, (old, _new) in proposal.changes.items():
        if plain(getattr(record, field)) != old:
            raise InvalidAction(
                f"the {field} of {proposal.record_ref} changed since this was proposed: reject it and "
                "import again"
            )
    for field, (_old, new) in proposal.changes.items():
        setattr(record, field, _typed(session, proposal.record_kind, field, new))
    _decide(proposal, ActionStatus.APPROVED, approver, note)
    session.flush()
    if isinstance(record, Deployment):
        events.deployments_changed.send(session, customer_ids=[record.customer_id])
    audit.record(
        session,
        "change.approve",
        actor=approver.email,
        target=f"change:{proposal.id}",
        details={"record": f"{proposal.record_kind}:{record.id}", "changes": proposal.changes},
    )
    return proposal


def reject_change(session: Session, proposal_id: int, decider: User, note: str = "") -> ChangeProposal:
    proposal = _pending(session, proposal_id)
    check_decider(decider)
    _decide(proposal, ActionStatus.REJECTED, decider, note)
    session.flush()
    audit.record(
        session,
        "change.reject",
        actor=decider.email,
        target=f"change:{proposal.id}",
        details={"record": f"{proposal.record_kind}:{proposal.record_id}"},
    )
    return proposal


def pending_changes(session: Session) -> list[ChangeProposal]:
    return list(
        session.scalars(
            select(ChangeProposal)
            .where(ChangeProposal.status == ActionStatus.PROPOSED)
            .order_by(ChangeProposal.proposed_at, ChangeProposal.id)
        )
    )


def _typed(session: Session, record_kind: str, field: str, value: Any) -> Any:
    if value is None:
        return None
    if field == "status":
        return DeploymentStatus(value)
    if field in ("licence_start", "licence_end"):
        return date.fromisoformat(value)
    if field == "contract":
        contract = session.scalars(select(Contract).where(Contract.ref == value)).first()
        if contract is None:
            raise NotFound(f"contract {value} no longer exists")
        return contract
    if field in ENFORCEMENT_CLAUSES or field == "receives_updates":
        return bool(value)
    return str(value)


def _decide(proposal: ChangeProposal, status: ActionStatus, member: User, note: str) -> None:
    proposal.status = status
    proposal.decided_by_id = member.id
    proposal.decided_at = utcnow()
    proposal.decision_note = note.strip()


def _pending(session: Session, proposal_id: int) -> ChangeProposal:
    proposal = session.get(ChangeProposal, proposal_id, with_for_update=True)
    if proposal is None:
        raise NotFound(f"change {proposal_id} not found")
    if proposal.status != ActionStatus.PROPOSED:
        raise InvalidAction(f"change {proposal_id} was already {proposal.status.value}")
    return proposal

"""Triage services: access to a case, states and outcomes, ratings, assignment, recusal, notes,
replies, merges and links. Plain functions taking the session; they flush, never commit.

Access rule, checked by `case_for` on every route that touches a case: the case exists and the member
is not recused from it. Reading or writing content also needs the member's own sealed copy of the case
key (admins and triagers; auditors never hold one). Every use of a case key is audited as
`case.decrypt` with its purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from endwatch import audit, case_crypto
from endwatch.case_crypto import may_hold_case_keys, user_holder
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.models import Role, User
from grievance import access
from grievance.attachments import CleanFile
from grievance.content import CaseContent, read_content
from grievance.errors import CaseNotFound, IllegalTransition, Recused, TriageError
from grievance.intake import MAX_TEXT
from grievance.models import Case, CaseMessage, CaseState, Outcome
from grievance.triage.models import CaseAssignment, CaseNote, CaseRecusal

# ISO 37002: receive, assess, address, conclude. A concluded case may be reopened for assessment.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.RECEIVED: frozenset({CaseState.ASSESSING, CaseState.CONCLUDED}),
    CaseState.ASSESSING: frozenset({CaseState.ADDRESSING, CaseState.CONCLUDED}),
    CaseState.ADDRESSING: frozenset({CaseState.ASSESSING, CaseState.CONCLUDED}),
    CaseState.CONCLUDED: frozenset({CaseState.ASSESSING}),
}

STATE_LABELS = {
    CaseState.RECEIVED: "Received",
    CaseState.ASSESSING: "Assessing",
    CaseState.ADDRESSING: "Addressing",
    CaseState.CONCLUDED: "Concluded",
}

OUTCOME_LABELS = {
    Outcome.SUBSTANTIATED: "Substantiated",
    Outcome.PARTLY_SUBSTANTIATED: "Partly substantiated",
    Outcome.UNSUBSTANTIATED: "Unsubstantiated",
    Outcome.OUTSIDE_SCOPE: "Outside scope",
    Outcome.DUPLICATE: "Duplicate",
}

# Effort commensurate with severity and likelihood (State Department guidance, 2020). Shown on the
# case page next to the fields that use them.
SEVERITY_SCALE = {
    1: "Low: limited, reversible harm to few people (e.g. a single privacy intrusion without consequences)",
    2: "Moderate: harm to rights of several people or lasting harm to one (surveillance of an activist)",
    3: "High: serious harm to rights, e.g. detention, prosecution or exile made possible by the item",
    4: "Critical: risk to life or physical integrity (torture, disappearance, killing), or ongoing at scale",
}
LIKELIHOOD_SCALE = {
    1: "Unlikely: no corroboration, and the item or customer does not fit the account",
    2: "Possible: plausible account, not corroborated yet",
    3: "Likely: corroborated by another source (alert, NGO report, second grievance)",
    4: "Established: confirmed by the customer, an audit or several credible independent sources",
}

MAX_NOTE = 20_000
MAX_REASON = 5_000


@dataclass
class NoteView:
    id: int
    created_at: datetime
    author_id: int | None
    body: str


@dataclass
class OpenedCase:
    """A case as a permitted member reads it: the submitter's content plus the internal notes."""

    content: CaseContent
    notes: list[NoteView]

    @property
    def case(self) -> Case:
        return self.content.case


# -- access ------------------------------------------------------------------------------------------


def is_recused(session: Session, case_id: int, user_id: int) -> bool:
    return bool(
        session.scalar(select(exists().where(CaseRecusal.case_id == case_id, CaseRecusal.user_id == user_id)))
    )


def case_for(session: Session, case_id: int, user: User) -> Case:
    """The case, for a member who may touch it; CaseNotFound or Recused otherwise."""
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(f"There is no case {case_id}.")
    if is_recused(session, case.id, user.id):
        raise Recused(f"You are recused from case {case.reference}.")
    return case


def data_key(session: Session, case: Case, user: User, private_key: bytes, purpose: str) -> bytes:
    """Unseal the case key for a member, audited; the single door to a case's content."""
    if is_recused(session, case.id, user.id):
        raise Recused(f"You are recused from case {case.reference}.")
    key = access.unlock(session, case, private_key)
    audit.record(
        session, "case.decrypt", actor=user.email, target=f"case:{case.id}", details={"purpose": purpose}
    )
    return key


def holds_key(session: Session, case: Case, user: User) -> bool:
    return any(k.holder == user_holder(user.id) for k in case.keys)


def open_case(
    session: Session, case: Case, user: User, private_key: bytes, purpose: str = "view"
) -> OpenedCase:
    key = data_key(session, case, user, private_key, purpose)
    content = read_content(case, key)
    notes = [
        NoteView(
            n.id,
            n.created_at,
            n.author_id,
            case_crypto.decrypt_text(key, case.reference, case_crypto.note_part(n.id), n.body_enc),
        )
        for n in session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id))
    ]
    return OpenedCase(content, notes)


# -- states and outcomes ------------------------------------------------------------------------------


def allowed_transitions(case: Case) -> list[CaseState]:
    return [s for s in CaseState if s in TRANSITIONS[case.state]]


def check_transition(current: CaseState, target: CaseState) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(
            f"A case cannot go from {STATE_LABELS[current].lower()} to {STATE_LABELS[target].lower()}."
        )


def change_state(session: Session, case: Case, user: User, target: CaseState) -> None:
    """Move a case to `target` (not `concluded`: see `conclude`), refusing illegal moves."""
    if target == CaseState.CONCLUDED:
        raise TriageError("Concluding a case needs an outcome and a reason.")
    check_transition(case.state, target)
    previous = case.state
    now = utcnow()
    if previous == CaseState.RECEIVED and case.acknowledged_at is None:
        case.acknowledged_at = now  # taking a report up is its acknowledgement; the submitter sees the status
    if previous == CaseState.CONCLUDED:
        case.outcome = None
        case.outcome_reason_enc = None
        case.concluded_at = None
    case.state = target
    session.flush()
    audit.record(
        session,
        "case.state",
        actor=user.email,
        target=f"case:{case.id}",
        details={"from": previous.value, "to": target.value},
    )


def check_conclusion(case: Case, outcome: Outcome | str | None, reason: str) -> Outcome:
    """The outcome, if the case may be concluded with it and this reason; TriageError says why not."""
    check_transition(case.state, CaseState.CONCLUDED)
    if not outcome:
        raise TriageError("Choose an outcome.")
    try:
        chosen = Outcome(outcome)
    except ValueError:
        raise TriageError("Unknown outcome.") from None
    if not reason.strip():
        raise TriageError("Give the reason for this outcome.")
    if len(reason) > MAX_REASON:
        raise TriageError("The reason is too long.")
    return chosen


def conclude(
    session: Session, case: Case, user: User, private_key: bytes, outcome: Outcome | str | None, reason: str
) -> None:
    """Conclude with an outcome and a reason (encrypted under the case key)."""
    chosen = check_conclusion(case, outcome, reason)
    key = data_key(session, case, user, private_key, "conclude")
    previous = case.state
    now = utcnow()
    case.outcome = chosen
    reason_part = case_crypto.OUTCOME_REASON
    case.outcome_reason_enc = case_crypto.encrypt_text(key, case.reference, reason_part, reason)
    case.acknowledged_at = case.acknowledged_at or now
    case.feedback_given_at = case.feedback_given_at or now  # the outcome is shown to the submitter
    case.concluded_at = now
    case.state = CaseState.CONCLUDED
    session.flush()
    audit.record(
        session,
        "case.state",
        actor=user.email,
        target=f"case:{case.id}",
        details={"from": previous.value, "to": CaseState.CONCLUDED.value, "outcome": chosen.value},
    )


def rate(session: Session, case: Case, user: User, severity: int | None, likelihood: int | None) -> None:
    for name, value in (("Severity", severity), ("Likelihood", likelihood)):
        if value is not None and value not in SEVERITY_SCALE:
            raise TriageError(f"{name} must be between 1 and 4.")
    case.severity, case.likelihood = severity, likelihood
    session.flush()
    audit.record(
        session,
        "case.rated",
        actor=user.email,
        target=f"case:{case.id}",
        details={"severity": severity, "likelihood": likelihood},
    )


# -- people: assignment, access, recusal ----------------------------------------------------------------


def may_hold_cases(user: User) -> bool:
    return may_hold_case_keys(user)


def assign(
    session: Session, case: Case, by: User, by_private_key: bytes | None, assignee: User | None
) -> None:
    """Assign (or, with None, unassign); an assignee without a key is granted one from `by`'s."""
    if assignee is not None:
        if not may_hold_cases(assignee):
            raise TriageError(f"{assignee.email} cannot be assigned cases.")
        if is_recused(session, case.id, assignee.id):
            raise TriageError(f"{assignee.email} is recused from this case.")
        if not holds_key(session, case, assignee):
            if by_private_key is None:
                raise TriageError(f"{assignee.email} has no access to this case yet.")
            grant(session, case, by, by_private_key, assignee)
    case.assignee_id = assignee.id if assignee else None
    session.add(CaseAssignment(case_id=case.id, assignee_id=case.assignee_id, assigned_by_id=by.id))
    session.flush()
    audit.record(
        session,
        "case.assigned",
        actor=by.email,
        target=f"case:{case.id}",
        details={"to": f"user:{assignee.id}" if assignee else None},
    )


def grant(session: Session, case: Case, by: User, by_private_key: bytes, member: User) -> None:
    """Re-wrap the case key from `by`'s copy to `member`'s public key (see docs/KEYS.md)."""
    if is_recused(session, case.id, member.id):
        raise TriageError(f"{member.email} is recused from this case.")
    if not may_hold_cases(member):
        raise TriageError(f"{member.email} may not read cases.")
    data_key(session, case, by, by_private_key, "grant")
    access.grant_access(session, case, by_private_key, member)
    session.expire(case, ["keys"])


def recuse(session: Session, case: Case, by: User, member: User) -> None:
    """Exclude a member: their copy of the case key is destroyed and they are unassigned."""
    if is_recused(session, case.id, member.id):
        raise TriageError(f"{member.email} is already recused from this case.")
    session.add(CaseRecusal(case_id=case.id, user_id=member.id, recused_by_id=by.id))
    access.revoke_access(session, case, member, actor=by.email)
    if case.assignee_id == member.id:
        case.assignee_id = None
        session.add(CaseAssignment(case_id=case.id, assignee_id=None, assigned_by_id=by.id))
    session.flush()
    session.expire(case, ["keys"])
    audit.record(
        session,
        "case.recused",
        actor=by.email,
        target=f"case:{case.id}",
        details={"member": f"user:{member.id}"},
    )


def lift_recusal(session: Session, case: Case, by: User, member: User) -> None:
    """Only an admin other than the member may lift a recusal; access must then be granted again."""
    if by.role != Role.ADMIN or by.id == member.id:
        raise TriageError("Only another administrator can lift a recusal.")
    removed = session.execute(
        delete(CaseRecusal).where(CaseRecusal.case_id == case.id, CaseRecusal.user_id == member.id)
    )
    if not removed.rowcount:  # type: ignore[attr-defined]
        raise TriageError(f"{member.email} is not recused from this case.")
    audit.record(
        session,
        "case.recusal_lifted",
        actor=by.email,
        target=f"case:{case.id}",
        details={"member": f"user:{member.id}"},
    )


def recused_members(session: Session, case: Case) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(CaseRecusal, CaseRecusal.user_id == User.id)
            .where(CaseRecusal.case_id == case.id)
        )
    )


def key_holders(session: Session, case: Case) -> list[User]:
    holders = {k.holder for k in case.keys}
    return [u for u in session.scalars(select(User).order_by(User.email)) if user_holder(u.id) in holders]


# -- notes and replies -------------------------------------------------------------------------------


def add_note(session: Session, case: Case, user: User, private_key: bytes, body: str) -> CaseNote:
    """An internal note, encrypted under the case key and bound to its row id."""
    if not body.strip():
        raise TriageError("The note is empty.")
    if len(body) > MAX_NOTE:
        raise TriageError("The note is too long.")
    key = data_key(session, case, user, private_key, "note")
    note = CaseNote(case_id=case.id, author_id=user.id, body_enc=b"", created_at=utcnow())
    session.add(note)
    session.flush()
    note.body_enc = case_crypto.encrypt_text(key, case.reference, case_crypto.note_part(note.id), body)
    session.flush()
    audit.record(session, "case.note", actor=user.email, target=f"case:{case.id}", details={"note": note.id})
    return note


def reply(
    session: Session,
    case: Case,
    user: User,
    private_key: bytes,
    body: str,
    *,
    feedback: bool = False,
    files: Sequence[CleanFile] = (),
    config: Config | None = None,
) -> CaseMessage:
    """A reply the submitter reads at follow-up, with cleaned files they may download there;
    `feedback` marks it as the Directive's feedback."""
    if len(body) > MAX_TEXT:
        raise TriageError("The reply is too long.")
    data_key(session, case, user, private_key, "reply")
    message = access.add_reply(session, case, body, user, private_key, files, config)
    now = utcnow()
    case.acknowledged_at = case.acknowledged_at or now
    if feedback and case.feedback_given_at is None:
        case.feedback_given_at = now
    session.flush()
    return message

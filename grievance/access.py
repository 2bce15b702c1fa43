"""Staff access to case keys: unsealing a holder's copy, granting a copy to another member, revoking one.

The server keeps no key that opens a case: a member's private key lives only in their login session.
Reading goes through grievance.triage.services.data_key, which checks recusal and audits every use;
`unlock` below is the door it opens.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from endwatch import audit, case_crypto, crypto
from endwatch.case_crypto import RECOVERY_HOLDER, Holder, may_hold_case_keys, user_holder
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.models import User
from grievance.attachments import CleanFile
from grievance.errors import GrievanceError, NoCaseAccess
from grievance.intake import store_attachment
from grievance.models import Case, CaseKey, CaseMessage, Direction


def holder_of(session: Session, private_key: bytes) -> Holder:
    """Which key holder a private key is: a staff member's or the recovery key."""
    holder = case_crypto.holder_of(session, private_key)
    if holder is None:
        raise NoCaseAccess("This key belongs to no staff member and is not the recovery key.")
    return holder


def unlock(session: Session, case: Case, private_key: bytes) -> bytes:
    """The case data key, unsealed with a holder's private key; NoCaseAccess if it holds none."""
    holder = holder_of(session, private_key)
    sealed = session.scalars(
        select(CaseKey).where(CaseKey.case_id == case.id, CaseKey.holder == holder.name)
    ).first()
    if sealed is None:
        raise NoCaseAccess(f"You hold no key to case {case.reference}.")
    try:
        return case_crypto.unseal_data_key(sealed.sealed_key, case.reference, private_key)
    except crypto.DecryptionError:
        raise NoCaseAccess(f"Your key to case {case.reference} does not open it.") from None


def add_reply(
    session: Session,
    case: Case,
    body: str,
    author: User,
    private_key: bytes,
    files: Sequence[CleanFile] = (),
    config: Config | None = None,
) -> CaseMessage:
    """A staff reply the submitter reads at follow-up, with cleaned files they can download there."""
    if not body.strip() and not files:
        raise GrievanceError("The reply is empty.")
    if files and config is None:
        raise ValueError("storing files needs the configuration")
    data_key = unlock(session, case, private_key)
    message = CaseMessage(
        direction=Direction.TO_SUBMITTER,
        author_id=author.id,
        body_enc=case_crypto.encrypt_text(data_key, case.reference, case_crypto.MESSAGE, body),
        created_at=utcnow(),
    )
    case.messages.append(message)
    for clean in files:
        assert config is not None
        case.attachments.append(store_attachment(session, config, case, data_key, clean, message))
    session.flush()
    details = {"files": len(files)} if files else None
    audit.record(session, "case.reply", actor=author.email, target=f"case:{case.id}", details=details)
    return message


def grant_access(session: Session, case: Case, from_private_key: bytes, to_user: User) -> CaseKey:
    """Seal the case key to another staff member, from a holder who has it; the server never keeps it."""
    if not may_hold_case_keys(to_user):
        raise GrievanceError(f"{to_user.email} may not read cases.")
    granter = holder_of(session, from_private_key)
    data_key = unlock(session, case, from_private_key)
    existing = session.scalars(
        select(CaseKey).where(CaseKey.case_id == case.id, CaseKey.holder == user_holder(to_user.id))
    ).first()
    sealed = case_crypto.seal_data_key(data_key, case.reference, to_user.public_key)
    if existing is None:
        existing = CaseKey(case_id=case.id, holder=user_holder(to_user.id), sealed_key=sealed)
        session.add(existing)
    else:
        existing.sealed_key = sealed
    session.flush()
    audit.record(
        session,
        "case.grant",
        actor=granter.user.email if granter.user else RECOVERY_HOLDER,
        target=f"case:{case.id}",
        details={"to": f"user:{to_user.id}"},
    )
    return existing


def revoke_access(session: Session, case: Case, user: User, *, actor: str) -> bool:
    """Remove a member's copy of the case key (recusal, leaving); True if there was one."""
    result = session.execute(
        delete(CaseKey).where(CaseKey.case_id == case.id, CaseKey.holder == user_holder(user.id))
    )
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        audit.record(
            session, "case.revoke", actor=actor, target=f"case:{case.id}", details={"from": f"user:{user.id}"}
        )
    return removed


def reseal_for_new_key(session: Session, user: User, old_private_key: bytes, **_: object) -> int:
    """A member's key pair was replaced: seal each case key they held to the new public key.

    A copy of the database taken before holds copies sealed to the old key only; cases that arrive later
    are sealed to the new key, which the old password does not open.
    """
    copies = session.execute(
        select(CaseKey, Case.reference)
        .join(Case, Case.id == CaseKey.case_id)
        .where(CaseKey.holder == user_holder(user.id))
    ).all()
    resealed = 0
    for copy, reference in copies:
        try:
            data_key = case_crypto.unseal_data_key(copy.sealed_key, reference, old_private_key)
        except crypto.DecryptionError:
            session.delete(copy)  # a copy the member could not open anyway
            continue
        copy.sealed_key = case_crypto.seal_data_key(data_key, reference, user.public_key)
        resealed += 1
    session.flush()
    return resealed


def revoke_all(session: Session, user: User, actor: str, **_: object) -> int:
    """An admin reset a member's account: no copy of any case key stays sealed to them."""
    result = session.execute(delete(CaseKey).where(CaseKey.holder == user_holder(user.id)))
    removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if removed:
        audit.record(
            session, "case.revoke_all", actor=actor, target=f"user:{user.id}", details={"case_keys": removed}
        )
    return removed

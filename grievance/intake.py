"""Intake services: new cases, receipts, the submitter's follow-up, and staff access to case keys.

Every case has a random data key. It is sealed to each staff member allowed to read cases and to the
offline recovery key, and wrapped by a key derived from the submitter's receipt. The server keeps no key
that opens a case: a staff member's private key lives only in their login session, and the receipt's
derived key only in the submitter's follow-up session.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from endwatch import audit, crypto, keyring
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.models import Role, User
from grievance import attachments, deadlines
from grievance.attachments import CleanFile
from grievance.models import (
    CATEGORIES,
    INCIDENT_PERIODS,
    RECOVERY_HOLDER,
    Attachment,
    Case,
    CaseKey,
    CaseMessage,
    CaseState,
    Direction,
    FollowupSession,
    user_holder,
)

RECEIPT_WORDS = 7
READER_ROLES = (Role.ADMIN, Role.TRIAGER)
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
MAX_TEXT = 20_000


class GrievanceError(Exception):
    """A refused grievance operation; the message is safe to show."""


class IntakeUnavailable(GrievanceError):
    """No recovery key exists, so a case could be lost: intake is refused rather than risk it."""


class ReceiptNotFound(GrievanceError):
    """No case has this receipt."""


class NoCaseAccess(GrievanceError):
    """This key holds no copy of the case key."""


@dataclass
class Submission:
    what: str
    who: str = ""
    contact: str = ""
    categories: list[str] = field(default_factory=list)
    country: str = ""
    product_id: int | None = None
    incident_period: str = "unknown"
    language: str = "en"


@dataclass
class MessageView:
    id: int
    created_at: datetime
    direction: str
    author_id: int | None
    body: str


@dataclass
class AttachmentView:
    id: int
    message_id: int | None
    filename: str
    media_type: str
    size: int
    metadata_removed: bool


@dataclass
class CaseContent:
    """A case as read by someone holding its key."""

    case: Case
    what: str
    who: str
    contact: str
    messages: list[MessageView]
    attachments: list[AttachmentView]
    outcome_reason: str = ""


# -- receipts ----------------------------------------------------------------------------------------


@cache
def wordlist() -> tuple[str, ...]:
    text = resources.files("grievance").joinpath("eff_large_wordlist.txt").read_text(encoding="utf-8")
    words = tuple(line.strip() for line in text.splitlines() if line.strip())
    assert len(words) == 7776 and len(set(words)) == 7776
    return words


def new_receipt() -> str:
    """Seven words from the 7,776-word list: 7 x log2(7776) = 90.5 bits."""
    words = wordlist()
    return " ".join(secrets.choice(words) for _ in range(RECEIPT_WORDS))


def normalise_receipt(text: str) -> str:
    """Forgive case, extra spaces, line breaks and punctuation between words."""
    cleaned = "".join(ch if ch.isalnum() or ch == "-" else " " for ch in text.lower())
    return " ".join(cleaned.split())


def receipt_params(config: Config) -> crypto.KdfParams:
    return crypto.KdfParams(time_cost=config.receipt_time_cost, memory_kib=config.receipt_memory_kib)


def receipt_keys(config: Config, receipt: str) -> tuple[str, bytes]:
    """One slow, peppered hash of the receipt, split into (lookup digest, key wrapping the case key)."""
    pepper = keyring.read_file_secret(config, "receipt_pepper").encode()
    slow = crypto.slow_digest(normalise_receipt(receipt), pepper, receipt_params(config))
    lookup = crypto.hmac_sha256(slow, b"endwatch-receipt-lookup")
    wrap_key = bytes.fromhex(crypto.hmac_sha256(slow, b"endwatch-receipt-case-key"))
    return lookup, wrap_key


# -- new cases ---------------------------------------------------------------------------------------


def case_aad(case: Case, part: str) -> bytes:
    return f"endwatch-case:{case.reference}:{part}".encode()


def new_reference(session: Session) -> str:
    while True:
        reference = "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if session.scalar(select(Case.id).where(Case.reference == reference)) is None:
            return reference


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def readers(session: Session) -> list[User]:
    """Staff whose role may read cases: every new case key is sealed to each of them."""
    return list(session.scalars(select(User).where(User.active.is_(True), User.role.in_(READER_ROLES))))


def validate(submission: Submission, product_ids: set[int] | None = None) -> None:
    if not submission.what.strip():
        raise GrievanceError("Please describe what happened.")
    for text in (submission.what, submission.who, submission.contact):
        if len(text) > MAX_TEXT:
            raise GrievanceError("A text field is too long.")
    if any(c not in CATEGORIES for c in submission.categories):
        raise GrievanceError("Unknown category.")
    if submission.incident_period not in INCIDENT_PERIODS:
        raise GrievanceError("Unknown period.")
    if submission.country and (len(submission.country) != 2 or not submission.country.isalpha()):
        raise GrievanceError("Unknown country.")
    if (
        submission.product_id is not None
        and product_ids is not None
        and submission.product_id not in product_ids
    ):
        raise GrievanceError("Unknown product.")


def create_case(
    session: Session, config: Config, submission: Submission, files: Sequence[CleanFile] = ()
) -> tuple[Case, str]:
    """Store a new case whole (files are removed again on rollback); return it and its receipt."""
    validate(submission)
    recovery = keyring.recovery_public_key(session)
    if recovery is None:
        raise IntakeUnavailable("Reporting is not available yet: the organisation recovery key is missing.")
    data_key = crypto.new_key()
    receipt = new_receipt()
    lookup, wrap_key = receipt_keys(config, receipt)
    case = Case(
        reference=new_reference(session),
        created_at=hour_floor(utcnow()),
        state=CaseState.RECEIVED,
        receipt_digest=lookup,
        category=";".join(c for c in CATEGORIES if c in submission.categories),
        country=submission.country.upper(),
        product_id=submission.product_id,
        product_unknown=submission.product_id is None,
        incident_period=submission.incident_period,
        language=submission.language,
    )
    content = {"what": submission.what, "who": submission.who, "contact": submission.contact}
    case.content_enc = crypto.encrypt(
        data_key, json.dumps(content, ensure_ascii=False).encode(), case_aad(case, "content")
    )
    case.submitter_key = crypto.encrypt(wrap_key, data_key, case_aad(case, "submitter-key"))
    case.keys.append(
        CaseKey(holder=RECOVERY_HOLDER, sealed_key=crypto.seal(recovery, data_key, case_aad(case, "key")))
    )
    for reader in readers(session):
        case.keys.append(
            CaseKey(
                holder=user_holder(reader.id),
                sealed_key=crypto.seal(reader.public_key, data_key, case_aad(case, "key")),
            )
        )
    session.add(case)
    for clean in files:
        case.attachments.append(_store_attachment(session, config, case, data_key, clean))
    session.flush()
    return case, receipt


def _store_attachment(
    session: Session,
    config: Config,
    case: Case,
    data_key: bytes,
    clean: CleanFile,
    message: CaseMessage | None = None,
) -> Attachment:
    stored_name = attachments.store(session, config, data_key, case.reference, clean.data)
    return Attachment(
        stored_name=stored_name,
        size=len(clean.data),
        media_type=clean.media_type,
        filename_enc=crypto.encrypt(
            data_key, clean.filename.encode(), case_aad(case, "filename:" + stored_name)
        ),
        metadata_removed=clean.metadata_removed,
        message=message,
    )


# -- reading a case with a key -----------------------------------------------------------------------


def read_content(case: Case, data_key: bytes) -> CaseContent:
    content = json.loads(crypto.decrypt(data_key, case.content_enc, case_aad(case, "content")))
    messages = [
        MessageView(
            m.id,
            m.created_at,
            m.direction.value,
            m.author_id,
            decrypt_text(case, data_key, m.body_enc, "message"),
        )
        for m in case.messages
    ]
    files = [
        AttachmentView(
            a.id,
            a.message_id,
            crypto.decrypt(data_key, a.filename_enc, case_aad(case, "filename:" + a.stored_name)).decode(),
            a.media_type,
            a.size,
            a.metadata_removed,
        )
        for a in case.attachments
    ]
    reason = (
        decrypt_text(case, data_key, case.outcome_reason_enc, "outcome-reason")
        if case.outcome_reason_enc
        else ""
    )
    return CaseContent(case, content["what"], content["who"], content["contact"], messages, files, reason)


def encrypt_text(case: Case, data_key: bytes, text: str, part: str) -> bytes:
    """Encrypt a piece of case text (messages, notes, the outcome reason) under the case key."""
    return crypto.encrypt(data_key, text.encode(), case_aad(case, part))


def decrypt_text(case: Case, data_key: bytes, blob: bytes, part: str) -> str:
    return crypto.decrypt(data_key, blob, case_aad(case, part)).decode()


def read_attachment(config: Config, case: Case, data_key: bytes, attachment: Attachment) -> bytes:
    return attachments.load(config, data_key, case.reference, attachment.stored_name)


# -- staff access ------------------------------------------------------------------------------------


def holder_of(session: Session, private_key: bytes) -> tuple[str, User | None]:
    """Which key holder a private key is: a staff member's or the recovery key."""
    public = crypto.public_from_private(private_key)
    user = session.scalars(select(User).where(User.public_key == public)).first()
    if user is not None:
        return user_holder(user.id), user
    if keyring.recovery_public_key(session) == public:
        return RECOVERY_HOLDER, None
    raise NoCaseAccess("This key belongs to no staff member and is not the recovery key.")


def unlock(session: Session, case: Case, private_key: bytes) -> bytes:
    """The case data key, unsealed with a holder's private key; NoCaseAccess if it holds none."""
    holder, _user = holder_of(session, private_key)
    sealed = session.scalars(
        select(CaseKey).where(CaseKey.case_id == case.id, CaseKey.holder == holder)
    ).first()
    if sealed is None:
        raise NoCaseAccess(f"You hold no key to case {case.reference}.")
    try:
        return crypto.unseal(private_key, sealed.sealed_key, case_aad(case, "key"))
    except crypto.DecryptionError:
        raise NoCaseAccess(f"Your key to case {case.reference} does not open it.") from None


def open_case(session: Session, case: Case, private_key: bytes) -> CaseContent:
    """Decrypt a case for a staff member (or the recovery key); the decryption is audited."""
    holder, user = holder_of(session, private_key)
    data_key = unlock(session, case, private_key)
    audit.record(session, "case.decrypt", actor=user.email if user else holder, target=f"case:{case.id}")
    return read_content(case, data_key)


def add_reply(session: Session, case: Case, body: str, author: User, private_key: bytes) -> CaseMessage:
    """A staff reply the submitter reads at follow-up."""
    if not body.strip():
        raise GrievanceError("The reply is empty.")
    data_key = unlock(session, case, private_key)
    message = CaseMessage(
        direction=Direction.TO_SUBMITTER,
        author_id=author.id,
        body_enc=encrypt_text(case, data_key, body, "message"),
        created_at=utcnow(),
    )
    case.messages.append(message)
    session.flush()
    audit.record(session, "case.reply", actor=author.email, target=f"case:{case.id}")
    return message


def grant_access(session: Session, case: Case, from_private_key: bytes, to_user: User) -> CaseKey:
    """Seal the case key to another staff member, from a holder who has it; the server never keeps it."""
    if not to_user.active or to_user.role not in READER_ROLES:
        raise GrievanceError(f"{to_user.email} may not read cases.")
    _holder, granter = holder_of(session, from_private_key)
    data_key = unlock(session, case, from_private_key)
    existing = session.scalars(
        select(CaseKey).where(CaseKey.case_id == case.id, CaseKey.holder == user_holder(to_user.id))
    ).first()
    sealed = crypto.seal(to_user.public_key, data_key, case_aad(case, "key"))
    if existing is None:
        existing = CaseKey(case_id=case.id, holder=user_holder(to_user.id), sealed_key=sealed)
        session.add(existing)
    else:
        existing.sealed_key = sealed
    session.flush()
    audit.record(
        session,
        "case.grant",
        actor=granter.email if granter else RECOVERY_HOLDER,
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


# -- the submitter's follow-up -----------------------------------------------------------------------


@dataclass
class Followup:
    """A live follow-up visit: the case and its key, opened with the half held in the submitter's cookie."""

    session_id: str
    cookie_key: str
    case: Case
    data_key: bytes


def find_by_receipt(session: Session, config: Config, receipt: str) -> tuple[Case, bytes]:
    lookup, wrap_key = receipt_keys(config, receipt)
    case = session.scalars(select(Case).where(Case.receipt_digest == lookup)).first()
    if case is None:
        raise ReceiptNotFound("No report matches this receipt.")
    return case, crypto.decrypt(wrap_key, case.submitter_key, case_aad(case, "submitter-key"))


def start_followup(session: Session, config: Config, receipt: str) -> Followup:
    case, data_key = find_by_receipt(session, config, receipt)
    session_id = crypto.random_token(24)
    cookie_key = crypto.new_key()
    session.add(
        FollowupSession(
            id=session_id,
            case_id=case.id,
            vault=crypto.encrypt(cookie_key, data_key, session_id.encode()),
            last_seen_at=utcnow(),
        )
    )
    session.flush()
    return Followup(session_id, crypto.encode_key(cookie_key), case, data_key)


def resume_followup(session: Session, session_id: str, cookie_key: str, idle: timedelta) -> Followup | None:
    """The live follow-up of this cookie, touched; None (and the row removed) once idle too long."""
    row = session.get(FollowupSession, session_id)
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle:
        session.delete(row)
        return None
    try:
        data_key = crypto.decrypt(crypto.decode_key(cookie_key), row.vault, session_id.encode())
    except (crypto.DecryptionError, ValueError):
        return None
    row.last_seen_at = now
    case = session.get(Case, row.case_id)
    if case is None:
        return None
    return Followup(session_id, cookie_key, case, data_key)


def end_followup(session: Session, session_id: str) -> None:
    session.execute(delete(FollowupSession).where(FollowupSession.id == session_id))


def purge_idle_followups(session: Session, idle: timedelta) -> int:
    result = session.execute(delete(FollowupSession).where(FollowupSession.last_seen_at < utcnow() - idle))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_idle_followups_job(session: Session, config: Config) -> int:
    """Scheduled form: drop follow-up sessions idle longer than the configured time."""
    return purge_idle_followups(session, timedelta(minutes=config.session_idle_minutes))


def add_submitter_message(
    session: Session, config: Config, followup: Followup, body: str, files: Sequence[CleanFile] = ()
) -> CaseMessage:
    if not body.strip() and not files:
        raise GrievanceError("Please write a message or add a file.")
    if len(body) > MAX_TEXT:
        raise GrievanceError("A text field is too long.")
    case = followup.case
    message = CaseMessage(
        direction=Direction.FROM_SUBMITTER,
        body_enc=encrypt_text(case, followup.data_key, body, "message"),
        created_at=hour_floor(utcnow()),
    )
    case.messages.append(message)
    for clean in files:
        case.attachments.append(_store_attachment(session, config, case, followup.data_key, clean, message))
    session.flush()
    return message


def next_deadline(case: Case) -> deadlines.Deadline | None:
    return deadlines.next_deadline(case, utcnow())

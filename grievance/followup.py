"""The submitter's follow-up: a visit opened with the receipt, replies read, messages and files added.

A visit keeps the case key only encrypted under a key held in the submitter's cookie, and ends after
ENDWATCH_SESSION_IDLE_MINUTES of inactivity. The exact time of the last request is kept inside that
encrypted vault; the row itself holds only the hour (for the purge).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from endwatch import case_crypto, crypto
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.timeutil import rounded_now
from grievance import attachments, deadlines
from grievance.attachments import CleanFile
from grievance.errors import GrievanceError, ReceiptNotFound
from grievance.intake import MAX_TEXT, store_attachment
from grievance.models import Attachment, Case, CaseMessage, Direction, FollowupSession
from grievance.receipts import may_match, receipt_keys

TOUCH_SECONDS = 60


@dataclass
class Followup:
    """A live follow-up visit: the case and its key, opened with the half held in the submitter's cookie."""

    session_id: str
    cookie_key: str
    case: Case
    data_key: bytes


def find_by_receipt(session: Session, config: Config, receipt: str) -> tuple[Case, bytes]:
    if not may_match(config, receipt):
        raise ReceiptNotFound("No report matches this receipt.")
    secrets = receipt_keys(config, receipt)
    case = session.scalars(select(Case).where(Case.receipt_digest == secrets.lookup)).first()
    if case is None:
        raise ReceiptNotFound("No report matches this receipt.")
    return case, case_crypto.unwrap_for_submitter(case.submitter_key, case.reference, secrets.wrap_key)


def start_followup(session: Session, config: Config, receipt: str) -> Followup:
    case, data_key = find_by_receipt(session, config, receipt)
    session_id = crypto.random_token(24)
    cookie_key = crypto.new_key()
    session.add(
        FollowupSession(
            id=session_id,
            case_id=case.id,
            vault=case_crypto.lock_visit(cookie_key, session_id, data_key, time.time()),
            last_seen_at=rounded_now(),
        )
    )
    session.flush()
    return Followup(session_id, crypto.encode_key(cookie_key), case, data_key)


def resume_followup(session: Session, session_id: str, cookie_key: str, idle: timedelta) -> Followup | None:
    """The live follow-up of this cookie, touched; None (and the row removed) once idle too long."""
    row = session.get(FollowupSession, session_id)
    if row is None:
        return None
    try:
        key = crypto.decode_key(cookie_key)
        data_key, seen = case_crypto.open_visit(key, session_id, row.vault)
    except (crypto.DecryptionError, ValueError):
        return None
    now = time.time()
    if now - seen > idle.total_seconds() or utcnow() - row.last_seen_at > idle + timedelta(hours=1):
        session.delete(row)
        return None
    if now - seen >= TOUCH_SECONDS:  # a write per minute at most, not one per page
        row.vault = case_crypto.lock_visit(key, session_id, data_key, now)
        row.last_seen_at = rounded_now()
    case = session.get(Case, row.case_id)
    if case is None:
        return None
    return Followup(session_id, cookie_key, case, data_key)


def end_followup(session: Session, session_id: str) -> None:
    session.execute(delete(FollowupSession).where(FollowupSession.id == session_id))


def purge_idle_followups(session: Session, idle: timedelta) -> int:
    # The row holds the hour of the last visit: it was idle long enough once that hour plus `idle` is over.
    cutoff = utcnow() - idle - timedelta(hours=1)
    result = session.execute(delete(FollowupSession).where(FollowupSession.last_seen_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


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
        body_enc=case_crypto.encrypt_text(followup.data_key, case.reference, case_crypto.MESSAGE, body),
        created_at=rounded_now(),
    )
    case.messages.append(message)
    for clean in files:
        case.attachments.append(store_attachment(session, config, case, followup.data_key, clean, message))
    session.flush()
    return message


def reply_attachment(followup: Followup, attachment_id: int) -> Attachment | None:
    """A file our team attached to a reply on this visit's case; the submitter's own files are not served."""
    for attachment in followup.case.attachments:
        message = attachment.message
        if attachment.id != attachment_id or message is None:
            continue
        return attachment if message.direction == Direction.TO_SUBMITTER else None
    return None


def read_reply_attachment(config: Config, followup: Followup, attachment: Attachment) -> tuple[str, bytes]:
    """The decrypted name and content of a reply's file."""
    case = followup.case
    name = case_crypto.decrypt_filename(
        followup.data_key, case.reference, attachment.stored_name, attachment.filename_enc
    )
    return name, attachments.load(config, followup.data_key, case.reference, attachment.stored_name)


def next_deadline(case: Case) -> deadlines.Deadline | None:
    return deadlines.next_deadline(case, utcnow())

"""Reading a case with its data key: the report, messages, file names, files and the outcome reason.

Who may get the data key, and how, is grievance.access (staff) and grievance.followup (the submitter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from endwatch import case_crypto
from endwatch.config import Config
from grievance import attachments
from grievance.models import Attachment, Case


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


def read_content(case: Case, data_key: bytes) -> CaseContent:
    reference = case.reference
    content = case_crypto.decrypt_content(data_key, reference, case.content_enc)
    messages = [
        MessageView(
            m.id,
            m.created_at,
            m.direction.value,
            m.author_id,
            case_crypto.decrypt_text(data_key, reference, case_crypto.MESSAGE, m.body_enc),
        )
        for m in case.messages
    ]
    files = [
        AttachmentView(
            a.id,
            a.message_id,
            case_crypto.decrypt_filename(data_key, reference, a.stored_name, a.filename_enc),
            a.media_type,
            a.size,
            a.metadata_removed,
        )
        for a in case.attachments
    ]
    reason = (
        case_crypto.decrypt_text(data_key, reference, case_crypto.OUTCOME_REASON, case.outcome_reason_enc)
        if case.outcome_reason_enc
        else ""
    )
    return CaseContent(case, content["what"], content["who"], content["contact"], messages, files, reason)


def read_attachment(config: Config, case: Case, data_key: bytes, attachment: Attachment) -> bytes:
    return attachments.load(config, data_key, case.reference, attachment.stored_name)

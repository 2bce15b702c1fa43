"""Intake: a new case from a submission, stored whole or not at all, with its receipt.

The case's data key is sealed to every member who reads cases and to the recovery key, and wrapped for
the submitter by a key derived from the receipt (see endwatch.case_crypto).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import case_crypto
from endwatch.config import Config
from endwatch.timeutil import rounded_now
from grievance import attachments
from grievance.attachments import CleanFile
from grievance.errors import GrievanceError, IntakeUnavailable
from grievance.models import (
    CATEGORIES,
    INCIDENT_PERIODS,
    Attachment,
    Case,
    CaseKey,
    CaseMessage,
    CaseState,
)
from grievance.receipts import new_receipt, receipt_keys

REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
MAX_TEXT = 20_000


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


def new_reference(session: Session) -> str:
    while True:
        reference = "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if session.scalar(select(Case.id).where(Case.reference == reference)) is None:
            return reference


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
    recovery = case_crypto.recovery_holder(session)
    if recovery is None:
        raise IntakeUnavailable("Reporting is not available yet: the organisation recovery key is missing.")
    data_key = case_crypto.new_data_key()
    receipt = new_receipt(config)
    secrets_of_receipt = receipt_keys(config, receipt)
    case = Case(
        reference=new_reference(session),
        created_at=rounded_now(),
        state=CaseState.RECEIVED,
        receipt_digest=secrets_of_receipt.lookup,
        category=";".join(c for c in CATEGORIES if c in submission.categories),
        country=submission.country.upper(),
        product_id=submission.product_id,
        product_unknown=submission.product_id is None,
        incident_period=submission.incident_period,
        language=submission.language,
    )
    content = {"what": submission.what, "who": submission.who, "contact": submission.contact}
    case.content_enc = case_crypto.encrypt_content(data_key, case.reference, content)
    case.submitter_key = case_crypto.wrap_for_submitter(data_key, case.reference, secrets_of_receipt.wrap_key)
    for holder in [recovery, *case_crypto.reader_holders(session)]:
        sealed = case_crypto.seal_data_key(data_key, case.reference, holder.public_key)
        case.keys.append(CaseKey(holder=holder.name, sealed_key=sealed))
    session.add(case)
    for clean in files:
        case.attachments.append(store_attachment(session, config, case, data_key, clean))
    session.flush()
    return case, receipt


def store_attachment(
    session: Session,
    config: Config,
    case: Case,
    data_key: bytes,
    clean: CleanFile,
    message: CaseMessage | None = None,
) -> Attachment:
    """Encrypt and write a cleaned file, and the row that points to it (name encrypted too)."""
    stored_name = attachments.store(session, config, data_key, case.reference, clean.data)
    return Attachment(
        stored_name=stored_name,
        size=len(clean.data),
        media_type=clean.media_type,
        filename_enc=case_crypto.encrypt_filename(data_key, case.reference, stored_name, clean.filename),
        metadata_removed=clean.metadata_removed,
        message=message,
    )

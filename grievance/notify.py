"""Tell staff that a report or message arrived: reference only, never any content.

The mail is queued on the session and sent from a background thread once the session commits, so a
rolled-back submission announces nothing and a slow mail server never delays the submitter.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from sqlalchemy import event
from sqlalchemy.orm import Session

from endwatch.config import Config

log = logging.getLogger(__name__)
QUEUE = "endwatch.grievance_notices"
SUBJECTS = {
    "case": "Endwatch: a new report arrived ({reference})",
    "message": "Endwatch: a new message on a case ({reference})",
}
BODIES = {
    "case": "A new report arrived, reference {reference}.\n\nOpen Endwatch to read it.\n",
    "message": "The person who made report {reference} sent a new message.\n\nOpen Endwatch to read it.\n",
}


def queue_notice(session: Session, config: Config, kind: str, reference: str) -> None:
    if not config.smtp_host or not config.notify_emails:
        return
    session.info.setdefault(QUEUE, []).append((config, build_message(config, kind, reference)))


def build_message(config: Config, kind: str, reference: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.smtp_from
    message["To"] = ", ".join(config.notify_emails)
    message["Subject"] = SUBJECTS[kind].format(reference=reference)
    message.set_content(BODIES[kind].format(reference=reference))
    return message


def send(config: Config, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=15) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not send a staff notice: %s", type(exc).__name__)


@event.listens_for(Session, "after_commit")
def _send_queued(session: Session) -> None:
    for config, message in session.info.pop(QUEUE, []):
        threading.Thread(target=send, args=(config, message), daemon=True, name="endwatch-notice").start()


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction: object) -> None:
    if getattr(previous_transaction, "parent", None) is None:
        session.info.pop(QUEUE, None)

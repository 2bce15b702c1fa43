"""E-mail to staff (notices, digests, reminders) through Flask-Mailman; never any grievance content.

- `send(message)` delivers now and raises `MailFailed`: a job or command rolls back and tries again later.
- `send_after_commit(session, message)` delivers once the session's outermost transaction commits, from a
  background thread, so a rolled-back request announces nothing and a slow server delays nobody; a failure
  there is logged, never raised.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app
from flask_mailman import EmailMessage
from sqlalchemy import event
from sqlalchemy.orm import Session

from endwatch import db
from endwatch.config import Config
from endwatch.extensions import mail

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15
QUEUE = "endwatch.mail_after_commit"


class MailFailed(Exception):
    """The mail server could not be reached or refused the message."""


def init_app(app: Flask, config: Config) -> None:
    """Point Flask-Mailman at ENDWATCH_SMTP_*; send queued mail when this app's sessions commit."""
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER=config.smtp_host or "localhost",
        MAIL_PORT=config.smtp_port,
        MAIL_TIMEOUT=TIMEOUT_SECONDS,
        MAIL_DEFAULT_SENDER=config.smtp_from,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
    )
    mail.init_app(app)
    factory = db.get_database(app).factory
    event.listen(factory, "after_commit", _send_queued)
    event.listen(factory, "after_soft_rollback", _drop_queued)


def staff_mail_enabled(config: Config) -> bool:
    """Whether notices can go anywhere: a mail server and at least one staff address are configured."""
    return bool(config.smtp_host and config.notify_emails)


def to_staff(config: Config, subject: str, body: str, recipients: Sequence[str] = ()) -> EmailMessage:
    """A plain-text message from ENDWATCH_SMTP_FROM to `recipients` (default ENDWATCH_NOTIFY_EMAILS)."""
    return EmailMessage(
        subject=subject, body=body, from_email=config.smtp_from, to=list(recipients or config.notify_emails)
    )


def send(message: EmailMessage) -> None:
    """Deliver now (inside an app context); MailFailed names what went wrong."""
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailed(f"{type(exc).__name__}: {exc}") from exc


def send_after_commit(session: Session, message: EmailMessage) -> None:
    """Queue `message` on the session: sent after its outermost commit, dropped on rollback."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session.info.setdefault(QUEUE, []).append((app, message))


def _deliver_in_background(app: Flask, message: EmailMessage) -> None:
    with app.app_context():
        try:
            send(message)
        except MailFailed as exc:
            log.warning("could not send a staff notice: %s", exc)


def _send_queued(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outermost transaction has not committed yet
    for app, message in session.info.pop(QUEUE, []):
        threading.Thread(
            target=_deliver_in_background, args=(app, message), daemon=True, name="endwatch-mail"
        ).start()


def _drop_queued(session: Session, previous_transaction: Any) -> None:
    # Only the session's outermost transaction decides whether what the mail announces exists.
    if getattr(previous_transaction, "parent", None) is None:
        session.info.pop(QUEUE, None)

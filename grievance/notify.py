"""Tell staff that reports or messages arrived: references only, never any content, never the minute.

A submission only queues a notice (a row holding the kind, the reference and the hour, in the
submission's own transaction). The scheduler sends what queued before the current hour in one message,
once an hour at a minute chosen at random, so no notice leaves near the moment of a submission and a
mail server's log cannot be matched to a network log.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from endwatch import mail
from endwatch.config import Config
from endwatch.timeutil import rounded_now
from grievance.models import StaffNotice

LINES = {
    "case": "New report: {reference}",
    "message": "New message from the person who made report {reference}",
}


def queue_notice(session: Session, config: Config, kind: str, reference: str) -> None:
    """Queue a notice for the next batch (nothing when no mail server or staff address is configured)."""
    if kind not in LINES:
        raise ValueError(f"unknown notice kind {kind!r}")
    if not mail.staff_mail_enabled(config):
        return
    session.add(StaffNotice(kind=kind, reference=reference))
    session.flush()


def send_batch(session: Session, config: Config) -> int:
    """Send every notice queued before the current hour in one message; return how many it held.

    Raises mail.MailFailed (the job rolls back and the notices wait for the next run)."""
    due = list(
        session.scalars(select(StaffNotice).where(StaffNotice.hour < rounded_now()).order_by(StaffNotice.id))
    )
    if not due or not mail.staff_mail_enabled(config):
        return 0
    cases = sorted({n.reference for n in due if n.kind == "case"})
    messages = sorted({n.reference for n in due if n.kind == "message"})
    parts = []
    if cases:
        parts.append(f"{len(cases)} new report(s): " + ", ".join(cases))
    if messages:
        parts.append(f"New messages on {len(messages)} case(s): " + ", ".join(messages))
    body = (
        "Since the last notice:\n\n"
        + "\n".join(f"- {part}" for part in parts)
        + "\n\nOpen Endwatch to read them. Notices are sent in hourly batches and never carry content.\n"
    )
    subject = f"Endwatch: {len(cases)} new report(s), {len(messages)} case(s) with new messages"
    mail.send(mail.to_staff(config, subject, body))
    session.execute(delete(StaffNotice).where(StaffNotice.id.in_([n.id for n in due])))
    return len(due)

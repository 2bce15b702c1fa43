"""Scheduled jobs of this domain: reminders of customer reviews falling due."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import assessment
from contracts.models import ReviewReminder
from endwatch import audit, mail
from endwatch.config import Config
from endwatch.scheduler import JobSpec

log = logging.getLogger(__name__)
REMIND_DAYS_AHEAD = 30


def send_review_reminders(session: Session, config: Config, today: date | None = None) -> int:
    """Announce each review falling due (or overdue) once: a stored reminder, audited, and an e-mail."""
    today = today or date.today()
    new = []
    for item in assessment.due_reviews(session, config, today, within_days=REMIND_DAYS_AHEAD):
        sent = session.scalars(
            select(ReviewReminder.id).where(
                ReviewReminder.customer_id == item.customer.id, ReviewReminder.due_on == item.due_on
            )
        ).first()
        if sent is None:
            new.append(item)
    if not new:
        return 0
    lines = [
        f"- {item.customer.name} [{item.customer.country}]: due {item.due_on.isoformat()}"
        f"{' (overdue)' if item.overdue(today) else ''}, {item.reason}"
        for item in new
    ]
    _mail(config, f"Endwatch: {len(new)} customer review(s) due", "\n".join(lines))
    for item in new:
        reminder = ReviewReminder(customer_id=item.customer.id, due_on=item.due_on, reason=item.reason[:200])
        session.add(reminder)
        audit.record(
            session,
            "customer.review_reminder",
            actor="scheduler",
            target=f"customer:{item.customer.id}",
            details={"due_on": item.due_on.isoformat()},
        )
    session.flush()
    return len(new)


def _mail(config: Config, subject: str, body: str) -> None:
    if not mail.staff_mail_enabled(config):
        return
    text = body + "\n\nOpen the staff pages, Customers, to record each review.\n"
    # Raises on failure: the job's unit of work rolls back and the reminders are tried again next run.
    mail.send(mail.to_staff(config, subject, text))


JOBS = [
    JobSpec("contracts.review_reminders", "contracts.jobs:send_review_reminders", "interval", {"hours": 6}),
]

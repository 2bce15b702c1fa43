"""Scheduled jobs of this domain: staff notices, the overdue digest, retention purge and housekeeping."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from endwatch import audit, mail
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.scheduler import JobSpec
from grievance import attachments, deadlines, followup, notify, retention
from grievance.models import Case, CaseState
from grievance.triage.queue import CLEAR_COLUMNS, RETENTION_WARNING_DAYS

log = logging.getLogger(__name__)


@dataclass
class Digest:
    """What the digest says: references and dates only, never a word of any report."""

    overdue: list[tuple[str, deadlines.Deadline]] = field(default_factory=list)
    purges: list[tuple[str, datetime]] = field(default_factory=list)

    def text(self, now: datetime) -> str:
        lines = [f"Endwatch case deadlines on {now:%Y-%m-%d} (UTC).", ""]
        if self.overdue:
            lines.append(f"{len(self.overdue)} case(s) overdue:")
            for reference, deadline in self.overdue:
                late = (now - deadline.due).days
                lines.append(
                    f"  {reference}: {deadline.label.lower()} was due {deadline.due:%Y-%m-%d}"
                    f" ({late} days late)"
                )
        else:
            lines.append("No case is overdue.")
        if self.purges:
            lines += [
                "",
                f"{len(self.purges)} concluded case(s) will be purged within {RETENTION_WARNING_DAYS} days:",
            ]
            lines += [f"  {reference}: on {when:%Y-%m-%d}" for reference, when in self.purges]
        lines += ["", "Open Endwatch to act on them. This message never contains case content."]
        return "\n".join(lines) + "\n"


def build_digest(session: Session, now: datetime, retention_days: int) -> Digest:
    digest = Digest()
    overdue = session.scalars(
        select(Case)
        .options(load_only(*CLEAR_COLUMNS, raiseload=True))
        .where(deadlines.overdue_clause(Case, now))
        .order_by(Case.created_at, Case.id)
    )
    for case in overdue:
        deadline = deadlines.next_deadline(case, now)
        if deadline is not None and deadline.overdue:
            digest.overdue.append((case.reference, deadline))
    window = now - timedelta(days=retention_days - RETENTION_WARNING_DAYS)
    for reference, concluded_at in session.execute(
        select(Case.reference, Case.concluded_at)
        .where(Case.state == CaseState.CONCLUDED, Case.concluded_at <= window)
        .order_by(Case.concluded_at)
    ):
        if concluded_at is not None:
            digest.purges.append((reference, concluded_at + timedelta(days=retention_days)))
    return digest


def overdue_digest(session: Session, config: Config) -> int:
    """E-mail staff the overdue cases once a day; return how many were overdue."""
    now = utcnow()
    digest = build_digest(session, now, config.retention_days)
    if not mail.staff_mail_enabled(config):
        log.info("overdue digest not sent: ENDWATCH_SMTP_HOST or ENDWATCH_NOTIFY_EMAILS is not set")
        return len(digest.overdue)
    subject = f"Endwatch: {len(digest.overdue)} overdue case(s)"
    mail.send(mail.to_staff(config, subject, digest.text(now)))
    audit.record(
        session,
        "cases.digest_sent",
        actor="scheduler",
        details={
            "overdue": len(digest.overdue),
            "purges": len(digest.purges),
            "recipients": len(config.notify_emails),
        },
    )
    return len(digest.overdue)


def send_notices(session: Session, config: Config) -> int:
    """The hourly batch of new-report and new-message notices."""
    return notify.send_batch(session, config)


def purge_expired(session: Session, config: Config) -> int:
    """Purge concluded cases past the retention period."""
    return len(retention.purge_due(session, config, utcnow()))


def purge_idle_followups(session: Session, config: Config) -> int:
    return followup.purge_idle_followups(session, timedelta(minutes=config.session_idle_minutes))


def sweep_orphans(session: Session, config: Config) -> int:
    """Files left by submissions that never committed (a killed process), once no request can own them."""
    return attachments.sweep_orphans(session, config)


JOBS: list[JobSpec] = [
    # Some time between 10 and 50 minutes past each hour, a different minute every time: the notices of the
    # past hour leave together, at least ten minutes after the last of them.
    JobSpec("grievance.send_notices", "grievance.jobs:send_notices", "cron", {"minute": 10, "jitter": 2400}),
    JobSpec("grievance.overdue_digest", "grievance.jobs:overdue_digest", "cron", {"hour": 7, "minute": 0}),
    JobSpec("grievance.purge_expired", "grievance.jobs:purge_expired", "cron", {"hour": 3, "minute": 30}),
    JobSpec(
        "grievance.purge_idle_followups", "grievance.jobs:purge_idle_followups", "interval", {"minutes": 5}
    ),
    JobSpec("grievance.sweep_orphan_files", "grievance.jobs:sweep_orphans", "interval", {"minutes": 30}),
]

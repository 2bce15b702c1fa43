"""Open a case from a monitoring alert: the alert's evidence becomes the case's (encrypted) content."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from endwatch import accounts, audit
from endwatch.config import Config
from grievance.intake import Submission, create_case
from grievance.models import Case
from grievance.triage.links import add_link_row
from grievance.triage.models import LinkKind


def alert_summary(alert: Any) -> str:
    """What the case will say about the alert: the same facts the alert page shows."""
    entry, customer = alert.entry, alert.customer
    lines = [
        f"Opened from monitoring alert #{alert.id} ({alert.level.value}, score {alert.score:.2f}).",
        f"Customer: {customer.name} ({customer.country})",
        f"Source: {entry.feed.name}: {entry.title}",
    ]
    if entry.link:
        lines.append(entry.link)
    lines += [f"Matched: {alert.matched}", f"Snippet: {alert.snippet}", "Reasons:"]
    lines += [f"- {reason}" for reason in alert.reasons]
    return "\n".join(lines)


def on_escalation_requested(sender: Session, *, alert: Any, actor: str, config: Config, **_: Any) -> int:
    """Receiver of endwatch.events.escalation_requested: open the case, return its id."""
    return open_case_from_alert(sender, config, alert, actor=actor).id


def open_case_from_alert(session: Session, config: Config, alert: Any, *, actor: str) -> Case:
    """A new case in 'received', sealed like any other, linked to the alert and its customer.

    No receipt is handed out: nobody outside can follow such a case up.
    """
    submission = Submission(
        what=alert_summary(alert),
        categories=[],
        country=alert.customer.country or "",
        incident_period="unknown",
        language="en",
    )
    case, _receipt = create_case(session, config, submission)
    member = accounts.find_user(session, actor)
    for kind, ref_id in ((LinkKind.ALERT, alert.id), (LinkKind.CUSTOMER, alert.customer_id)):
        add_link_row(session, case, member.id if member else None, kind.value, ref_id)
    audit.record(
        session, "case.opened_from_alert", actor=actor, target=f"case:{case.id}", details={"alert": alert.id}
    )
    return case

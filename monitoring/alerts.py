"""Staff decisions on alerts (acknowledge, dismiss with a suppression rule, escalate), lists and export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, joinedload

from contracts.models import Customer
from endwatch import audit
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.errors import Refused
from endwatch.events import escalation_requested
from monitoring.errors import AlertAlreadyDecided, AlertNotFound, MonitoringError
from monitoring.models import Alert, AlertLevel, AlertStatus, Entry, Feed, SuppressionRule
from monitoring.text import fold

EXPORT_COLUMNS = ("customer", "entry_id", "link", "title", "feed", "score", "level", "matched", "reasons")
SUPPRESS_CHOICES = ("none", "phrase", "feed")


@dataclass(frozen=True)
class AlertFilter:
    level: AlertLevel | None = None
    status: AlertStatus | None = None
    customer_id: int | None = None
    raised_from: date | None = None  # inclusive, UTC
    raised_to: date | None = None  # inclusive, UTC
    sort: str = "newest"


_SEVERITY = case({AlertLevel.CRITICAL: 0, AlertLevel.WARNING: 1}, value=Alert.level, else_=2)
_OPENNESS = case(
    {AlertStatus.NEW: 0, AlertStatus.ACKNOWLEDGED: 1, AlertStatus.ESCALATED: 2}, value=Alert.status, else_=3
)
_NEWEST = (Alert.created_at.desc(), Alert.id.desc())
# How the alert list can be ordered: name -> (label, columns); newest first breaks ties.
SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "newest": ("Newest first", _NEWEST),
    "oldest": ("Oldest first", (Alert.created_at.asc(), Alert.id.asc())),
    "level": ("Most severe first", (_SEVERITY, Alert.score.desc(), *_NEWEST)),
    "customer": ("Customer, A to Z", (Customer.name.asc(), *_NEWEST)),
    "status": ("Undecided first", (_OPENNESS, *_NEWEST)),
}


def get_alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id, options=[joinedload(Alert.entry).joinedload(Entry.feed)])
    if alert is None:
        raise AlertNotFound(f"no alert {alert_id}")
    return alert


def _query(filters: AlertFilter) -> Select[Any]:
    query = select(Alert).options(joinedload(Alert.entry).joinedload(Entry.feed), joinedload(Alert.customer))
    if filters.level is not None:
        query = query.where(Alert.level == filters.level)
    if filters.status is not None:
        query = query.where(Alert.status == filters.status)
    if filters.customer_id is not None:
        query = query.where(Alert.customer_id == filters.customer_id)
    if filters.raised_from is not None:
        query = query.where(Alert.created_at >= _start_of(filters.raised_from))
    if filters.raised_to is not None:
        query = query.where(Alert.created_at < _start_of(filters.raised_to + timedelta(days=1)))
    return query


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def list_alerts(
    session: Session, filters: AlertFilter, *, limit: int = 200, offset: int = 0
) -> Sequence[Alert]:
    query = _query(filters)
    if filters.sort == "customer":
        query = query.join(Customer, Customer.id == Alert.customer_id)
    _label, order = SORTS.get(filters.sort, SORTS["newest"])
    query = query.order_by(*order).limit(limit).offset(offset)
    return session.scalars(query).unique().all()


def _decide(session: Session, alert: Alert, status: AlertStatus, actor: str, note: str | None) -> None:
    if alert.status in (AlertStatus.DISMISSED, AlertStatus.ESCALATED):
        raise AlertAlreadyDecided(f"alert {alert.id} is already {alert.status.value}")
    alert.status = status
    alert.decided_at = utcnow()
    alert.decided_by = actor
    alert.decision_note = (note or "").strip()[:1000] or None


def acknowledge(session: Session, alert_id: int, *, actor: str, note: str | None = None) -> Alert:
    """Seen and noted; the alert stays open for escalation or dismissal later."""
    alert = get_alert(session, alert_id)
    if alert.status != AlertStatus.NEW:
        raise AlertAlreadyDecided(f"alert {alert.id} is already {alert.status.value}")
    _decide(session, alert, AlertStatus.ACKNOWLEDGED, actor, note)
    audit.record(session, "alert.acknowledge", actor=actor, target=f"alert:{alert.id}")
    session.flush()
    return alert


def dismiss(
    session: Session, alert_id: int, *, actor: str, suppress: str = "none", note: str | None = None
) -> tuple[Alert, SuppressionRule | None]:
    """A false positive; `suppress` ("phrase" or "feed") also stops such alerts for this customer."""
    if suppress not in SUPPRESS_CHOICES:
        raise MonitoringError(f"suppress must be one of {', '.join(SUPPRESS_CHOICES)}")
    alert = get_alert(session, alert_id)
    _decide(session, alert, AlertStatus.DISMISSED, actor, note)
    rule = None
    if suppress != "none":
        rule = SuppressionRule(
            customer_id=alert.customer_id,
            phrase=fold(alert.matched) if suppress == "phrase" else None,
            feed_id=alert.entry.feed_id if suppress == "feed" else None,
            created_by=actor,
            source_alert_id=alert.id,
        )
        session.add(rule)
    session.flush()
    audit.record(
        session, "alert.dismiss", actor=actor, target=f"alert:{alert.id}", details={"suppress": suppress}
    )
    return alert, rule


def escalate(
    session: Session, alert_id: int, *, actor: str, config: Config, note: str | None = None
) -> Alert:
    """Have a case opened from the alert by whoever answers `escalation_requested` (the grievance
    domain), and record the decision on the alert."""
    alert = get_alert(session, alert_id)
    if alert.status in (AlertStatus.DISMISSED, AlertStatus.ESCALATED):
        raise AlertAlreadyDecided(f"alert {alert.id} is already {alert.status.value}")
    try:
        answers = escalation_requested.send(session, alert=alert, actor=actor, config=config)
    except Refused as exc:
        raise MonitoringError(f"No case could be opened: {exc}") from None
    case_ids = [case_id for _receiver, case_id in answers if case_id is not None]
    if not case_ids:
        raise MonitoringError("No case could be opened: nothing handles escalations in this installation.")
    _decide(session, alert, AlertStatus.ESCALATED, actor, note)
    alert.case_ref = f"case:{case_ids[0]}"
    session.flush()
    audit.record(
        session, "alert.escalate", actor=actor, target=f"alert:{alert.id}", details={"case": alert.case_ref}
    )
    return alert


def suppression_rules(session: Session) -> Sequence[SuppressionRule]:
    return session.scalars(select(SuppressionRule).order_by(SuppressionRule.id.desc())).all()


# -- export ------------------------------------------------------------------------------------------


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """Every alert, every level and status, oldest first, as the objects DESIGN.md documents."""
    query = (
        select(Alert, Entry, Feed, Customer)
        .join(Entry, Alert.entry_id == Entry.id)
        .join(Feed, Entry.feed_id == Feed.id)
        .join(Customer, Alert.customer_id == Customer.id)
        .order_by(Alert.id)
    )
    for alert, entry, feed, customer in session.execute(query):
        yield {
            "customer": customer.name,
            "entry_id": entry.public_id,
            "link": entry.link or "",
            "title": entry.title,
            "feed": feed.name,
            "score": alert.score,
            "level": alert.level.value,
            "matched": alert.matched,
            "reasons": alert.reasons,
            "alert_id": alert.id,
            "status": alert.status.value,
            "country": customer.country,
            "snippet": alert.snippet,
            "created_at": alert.created_at.isoformat(),
        }


def export_json(session: Session) -> str:
    return json.dumps(list(export_rows(session)), ensure_ascii=False, indent=2) + "\n"


def export_csv(session: Session) -> str:
    buffer = io.StringIO()
    columns = (*EXPORT_COLUMNS, "alert_id", "status", "country", "snippet", "created_at")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in export_rows(session):
        writer.writerow({**row, "reasons": "; ".join(row["reasons"])})
    return buffer.getvalue()

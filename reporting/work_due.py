"""The staff home page's list of work due: late and soon-due cases, new alerts by level, enforcement
actions waiting for a second member. Each item carries the page where the work is done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session

from contracts.forms import ACTION_LABELS
from contracts.models import ActionStatus, EnforcementAction
from endwatch.models import User
from grievance import deadlines
from grievance.models import Case
from grievance.triage.models import CaseRecusal
from monitoring.models import Alert, AlertLevel, AlertStatus

SOON_DAYS = 7
SHOWN = 10


@dataclass(frozen=True)
class Item:
    label: str
    detail: str
    url: str
    late: bool = False


@dataclass(frozen=True)
class WorkDue:
    cases: list[Item]  # overdue first, then due within SOON_DAYS days
    cases_total: int
    overdue_total: int
    alerts_by_level: list[Item]  # one row per level with new alerts
    new_alerts: list[Item]  # the most severe, newest new alerts
    approvals: list[Item]

    @property
    def nothing(self) -> bool:
        return not (self.cases or self.alerts_by_level or self.approvals)


def build(session: Session, now: datetime, viewer: User) -> WorkDue:
    cases, cases_total, overdue_total = _cases(session, now, viewer)
    return WorkDue(cases, cases_total, overdue_total, *_alerts(session), _approvals(session, viewer))


def _cases(session: Session, now: datetime, viewer: User) -> tuple[list[Item], int, int]:
    late = deadlines.overdue_clause(Case, now)
    by_then = deadlines.overdue_clause(Case, now + timedelta(days=SOON_DAYS))
    visible = Case.id.not_in(select(CaseRecusal.case_id).where(CaseRecusal.user_id == viewer.id))
    overdue_total = session.scalar(select(func.count(Case.id)).where(late, visible)) or 0
    soon = and_(by_then, not_(late), visible)
    total = overdue_total + (session.scalar(select(func.count(Case.id)).where(soon)) or 0)
    rows = list(session.scalars(select(Case).where(late, visible).order_by(Case.created_at).limit(SHOWN)))
    rows += session.scalars(select(Case).where(soon).order_by(Case.created_at).limit(SHOWN - len(rows)))
    items = []
    for case in rows:
        deadline = deadlines.next_deadline(case, now)
        if deadline is None:
            continue
        due = f"{deadline.label} by {deadline.due:%Y-%m-%d %H:%M} UTC"
        due = f"overdue: {due}" if deadline.overdue else due
        items.append(Item(case.reference, due, url_for("triage.case", case_id=case.id), deadline.overdue))
    return items, total, overdue_total


def _alerts(session: Session) -> tuple[list[Item], list[Item]]:
    new = select(Alert.level, func.count(Alert.id)).where(Alert.status == AlertStatus.NEW)
    counts = dict(session.execute(new.group_by(Alert.level)).all())
    by_level = [
        Item(
            level.value,
            f"{counts[level]} new",
            url_for("monitoring.alerts", level=level.value, status="new"),
            level == AlertLevel.CRITICAL,
        )
        for level in (AlertLevel.CRITICAL, AlertLevel.WARNING, AlertLevel.INFO)
        if counts.get(level)
    ]
    severe = session.scalars(
        select(Alert)
        .where(Alert.status == AlertStatus.NEW, Alert.level != AlertLevel.INFO)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(SHOWN)
    ).all()
    newest = [
        Item(
            f"Alert {a.id}: {a.customer.name}",
            a.entry.title,
            url_for("monitoring.alert", alert_id=a.id),
            a.level == AlertLevel.CRITICAL,
        )
        for a in sorted(severe, key=lambda a: a.level != AlertLevel.CRITICAL)
    ]
    return by_level, newest


def _approvals(session: Session, viewer: User) -> list[Item]:
    pending = session.scalars(
        select(EnforcementAction)
        .where(EnforcementAction.status == ActionStatus.PROPOSED)
        .order_by(EnforcementAction.proposed_at)
    ).all()
    return [
        Item(
            f"{ACTION_LABELS[a.kind]}: {a.deployment.ref}",
            "proposed by you: another member must approve"
            if a.proposed_by_id == viewer.id
            else f"proposed by {a.proposed_by.email}",
            url_for("contracts.actions") + f"#action-{a.id}",
        )
        for a in pending
    ]

"""Figures of the staff dashboard: open cases, late deadlines, alerts, feeds, safeguard gaps, reviews due.

Staff see true counts here (no small-count rules): the page is behind login and shows clear fields only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from contracts import assessment
from contracts.models import Customer
from endwatch.config import Config
from grievance import deadlines
from grievance.models import Case, CaseState
from grievance.triage.models import CaseRecusal
from monitoring import services as monitoring
from monitoring.models import Alert, AlertLevel

OPEN_STATES = (CaseState.RECEIVED, CaseState.ASSESSING, CaseState.ADDRESSING)
AGE_BUCKETS = (("under 7 days", 7), ("7 to 30 days", 30), ("1 to 3 months", 91), ("over 3 months", None))
WEEKS = 12
TOP_CUSTOMERS = 10
OVERDUE_SHOWN = 50
REVIEW_HORIZON_DAYS = 30


@dataclass(frozen=True)
class OverdueCase:
    id: int
    reference: str
    state: str
    deadline: deadlines.Deadline


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    open_by_state_age: dict[str, dict[str, int]]
    open_total: int
    overdue: list[OverdueCase]
    overdue_total: int
    weeks: list[tuple[datetime, dict[str, int]]]
    top_customers: list[tuple[Customer, int]]
    feeds: list[Any]
    gaps: list[assessment.Gap]
    reviews_due: list[assessment.DueReview]


def age_bucket(age: timedelta) -> str:
    for name, days in AGE_BUCKETS:
        if days is None or age < timedelta(days=days):
            return name
    raise AssertionError("the last bucket is open-ended")


def open_cases(session: Session, now: datetime) -> dict[str, dict[str, int]]:
    """Open cases counted by state and by how long ago they were received."""
    rows = session.execute(select(Case.state, Case.created_at).where(Case.state.in_(OPEN_STATES)))
    counts = Counter((str(state), age_bucket(now - created)) for state, created in rows)
    return {
        str(state): {name: counts[(str(state), name)] for name, _ in AGE_BUCKETS} for state in OPEN_STATES
    }


def overdue_cases(
    session: Session, now: datetime, viewer_id: int | None = None
) -> tuple[list[OverdueCase], int]:
    """Cases past their acknowledgement or feedback deadline, oldest first (the first few, and how many).

    Cases the viewer is recused from are left out, as in the queue.
    """
    late = deadlines.overdue_clause(Case, now)
    if viewer_id is not None:
        recused = select(CaseRecusal.case_id).where(CaseRecusal.user_id == viewer_id)
        late = and_(late, Case.id.not_in(recused))
    total = session.scalar(select(func.count(Case.id)).where(late)) or 0
    cases = session.scalars(select(Case).where(late).order_by(Case.created_at, Case.id).limit(OVERDUE_SHOWN))
    shown = []
    for case in cases:
        deadline = deadlines.next_deadline(case, now)
        if deadline is not None:
            shown.append(OverdueCase(case.id, case.reference, str(case.state), deadline))
    return shown, total


def week_start(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


Weekly = list[tuple[datetime, dict[str, int]]]


def alerts_per_week(session: Session, now: datetime, weeks: int = WEEKS) -> Weekly:
    """Alerts raised per week (Monday to Sunday, UTC) and level, for the last `weeks` weeks, newest first."""
    first = week_start(now) - timedelta(weeks=weeks - 1)
    rows = session.execute(select(Alert.created_at, Alert.level).where(Alert.created_at >= first))
    counts = Counter((week_start(created), str(level)) for created, level in rows)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    return [(s, {level.value: counts[(s, level.value)] for level in AlertLevel}) for s in reversed(starts)]


def top_customers(session: Session, now: datetime, weeks: int = WEEKS) -> list[tuple[Customer, int]]:
    since = week_start(now) - timedelta(weeks=weeks - 1)
    alerts = func.count(Alert.id).label("alerts")
    rows = session.execute(
        select(Customer, alerts)
        .join(Alert, Alert.customer_id == Customer.id)
        .where(Alert.created_at >= since)
        .group_by(Customer.id)
        .order_by(alerts.desc(), Customer.name)
        .limit(TOP_CUSTOMERS)
    )
    return [(customer, count) for customer, count in rows]


def build(session: Session, config: Config, now: datetime, viewer_id: int | None = None) -> Dashboard:
    by_state = open_cases(session, now)
    overdue, overdue_total = overdue_cases(session, now, viewer_id)
    return Dashboard(
        now=now,
        open_by_state_age=by_state,
        open_total=sum(sum(row.values()) for row in by_state.values()),
        overdue=overdue,
        overdue_total=overdue_total,
        weeks=alerts_per_week(session, now),
        top_customers=top_customers(session, now),
        feeds=list(monitoring.feeds_with_health(session)),
        gaps=assessment.gap_analysis(session, config),
        reviews_due=assessment.due_reviews(session, config, now.date(), within_days=REVIEW_HORIZON_DAYS),
    )

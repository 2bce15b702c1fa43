"""Deadlines of the EU Whistleblower Directive (2019/1937, art. 9(1)(b) and (f)), computed in UTC.

- Acknowledgement of receipt: within 7 days of the report.
- Feedback: within 3 months of the acknowledgement or, if none was sent, within 3 months of the end of
  the 7-day period after the report (so 3 months and 7 days after receipt).

Months are calendar months: the same day of the month, clamped to the month's last day
(31 January + 1 month = 28 or 29 February), at the same UTC time of day. Pure functions, no database,
so the public follow-up page can show the next deadline with the same rules.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, or_

ACK_DAYS = 7
FEEDBACK_MONTHS = 3
ACKNOWLEDGEMENT = "acknowledgement"
FEEDBACK = "feedback"


class DeadlineCase(Protocol):
    """What the deadline rules read from a case (the intake's Case has these clear fields)."""

    @property
    def state(self) -> Any: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def acknowledged_at(self) -> datetime | None: ...
    @property
    def feedback_given_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Deadline:
    kind: str  # ACKNOWLEDGEMENT or FEEDBACK
    due: datetime  # aware, UTC
    overdue: bool

    @property
    def label(self) -> str:
        return "Acknowledge receipt" if self.kind == ACKNOWLEDGEMENT else "Give feedback"


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("deadlines need timezone-aware datetimes")
    return moment.astimezone(UTC)


def add_months_to_date(day: date, months: int) -> date:
    """Calendar-month arithmetic with the day clamped to the target month's length."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def add_months(moment: datetime, months: int) -> datetime:
    utc = as_utc(moment)
    return datetime.combine(add_months_to_date(utc.date(), months), utc.timetz())


def acknowledgement_due(received_at: datetime) -> datetime:
    return as_utc(received_at) + timedelta(days=ACK_DAYS)


def feedback_due(received_at: datetime, acknowledged_at: datetime | None) -> datetime:
    start = as_utc(acknowledged_at) if acknowledged_at else acknowledgement_due(received_at)
    return add_months(start, FEEDBACK_MONTHS)


def next_deadline(case: DeadlineCase, now: datetime) -> Deadline | None:
    """The deadline the organisation must meet next for this case, or None when nothing is pending."""
    now = as_utc(now)
    if str(case.state) == "concluded" or case.feedback_given_at is not None:
        return None
    if case.acknowledged_at is None:
        due = acknowledgement_due(case.created_at)
        return Deadline(ACKNOWLEDGEMENT, due, now > due)
    due = feedback_due(case.created_at, case.acknowledged_at)
    return Deadline(FEEDBACK, due, now > due)


def is_overdue(case: DeadlineCase, now: datetime) -> bool:
    deadline = next_deadline(case, now)
    return deadline is not None and deadline.overdue


# -- the same rules as SQL conditions, for the queue filter and the digest -----------------------------


def months_after_before(column: Any, months: int, now: datetime, days_before: int = 0) -> ColumnElement[bool]:
    """SQL for `add_months(column + days_before, months) < now`, with plain comparisons on `column`.

    Month arithmetic is not portable SQL and is not monotonic at month ends (29 Nov 23:00 + 3 months
    is later than 30 Nov 01:00 + 3 months), so the instants x with add_months(x) < now are worked out
    here: every x before the first day whose shifted date reaches now's date, plus, on each day that
    lands exactly on now's date, the part of that day before now's time.
    """
    bounds = months_before_ranges(months, now)
    shift = timedelta(days=days_before)
    clauses: list[ColumnElement[bool]] = [column < bounds.before - shift]
    clauses += [and_(column >= start - shift, column < end - shift) for start, end in bounds.same_day]
    return or_(*clauses) if len(clauses) > 1 else clauses[0]


@dataclass(frozen=True)
class MonthBounds:
    before: datetime  # every instant before this one is more than `months` months before now
    same_day: tuple[tuple[datetime, datetime], ...]  # half-open ranges that are, too


def months_before_ranges(months: int, now: datetime) -> MonthBounds:
    """Instants x (UTC) with add_months(x, months) < now, as one open-ended bound and a few ranges."""
    now = as_utc(now)
    target = now.date()
    day = target - timedelta(days=31 * months + 3)
    assert add_months_to_date(day, months) < target
    while add_months_to_date(day + timedelta(days=1), months) < target:
        day += timedelta(days=1)
    first = day + timedelta(days=1)  # first day whose shifted date is >= target
    ranges = []
    cursor = first
    while add_months_to_date(cursor, months) == target:
        start = datetime.combine(cursor, time(0, tzinfo=UTC))
        end = datetime.combine(cursor, now.timetz())
        if end > start:
            ranges.append((start, end))
        cursor += timedelta(days=1)
    return MonthBounds(datetime.combine(first, time(0, tzinfo=UTC)), tuple(ranges))


def overdue_clause(case_model: Any, now: datetime) -> ColumnElement[bool]:
    """SQL twin of `is_overdue` for the intake's Case model."""
    now = as_utc(now)
    pending = and_(case_model.state != "concluded", case_model.feedback_given_at.is_(None))
    ack_late = and_(
        case_model.acknowledged_at.is_(None), case_model.created_at < now - timedelta(days=ACK_DAYS)
    )
    feedback_late = and_(
        case_model.acknowledged_at.is_not(None),
        months_after_before(case_model.acknowledged_at, FEEDBACK_MONTHS, now),
    )
    return and_(pending, or_(ack_late, feedback_late))

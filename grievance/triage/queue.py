"""The case queue: filters on clear fields only, keyset pagination on (created_at, id)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, load_only

from endwatch.models import User
from grievance import deadlines
from grievance.errors import BadCursor
from grievance.models import Case, CaseState
from grievance.triage.models import CaseLink, CaseRecusal, LinkKind

PAGE_SIZE = 50
RETENTION_WARNING_DAYS = 7
CLEAR_COLUMNS = (
    Case.id,
    Case.reference,
    Case.created_at,
    Case.state,
    Case.outcome,
    Case.acknowledged_at,
    Case.feedback_given_at,
    Case.concluded_at,
    Case.severity,
    Case.likelihood,
    Case.assignee_id,
    Case.merged_into_id,
    Case.category,
    Case.country,
    Case.product_id,
    Case.incident_period,
    Case.language,
)


@dataclass(frozen=True)
class QueueFilters:
    state: CaseState | None = None
    min_severity: int | None = None
    country: str = ""
    product_id: int | None = None
    customer_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    overdue: bool = False
    older_than_days: int | None = None
    oldest_first: bool = False

    def names(self) -> list[str]:
        """Which filters are set (for the audit: names, never values that could identify anyone)."""
        return [name for name, value in self.__dict__.items() if value not in (None, "", False)]


@dataclass
class QueueRow:
    case: Case
    deadline: deadlines.Deadline | None
    purge_on: datetime | None  # set when the case is concluded and will be purged within a week

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.deadline.overdue)


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None


def encode_cursor(case: Case) -> str:
    micros = int(case.created_at.timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"{micros}:{case.id}".encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        micros_text, id_text = raw.split(":")
        micros, case_id = int(micros_text), int(id_text)
        return datetime.fromtimestamp(0, UTC) + timedelta(microseconds=micros), case_id
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise BadCursor("That page link is not valid; start from the first page.") from None


def queue_statement(filters: QueueFilters, viewer: User | None, now: datetime) -> Select[Case]:
    """Cases the viewer may see (not recused), filtered and ordered for keyset pagination.

    `viewer` is None for the command line, which lists every case (clear fields only).
    """
    stmt = select(Case).options(load_only(*CLEAR_COLUMNS, raiseload=True))
    if viewer is not None:
        stmt = stmt.where(~exists().where(CaseRecusal.case_id == Case.id, CaseRecusal.user_id == viewer.id))
    if filters.state is not None:
        stmt = stmt.where(Case.state == filters.state)
    if filters.min_severity is not None:
        stmt = stmt.where(Case.severity >= filters.min_severity)
    if filters.country:
        stmt = stmt.where(Case.country == filters.country.upper())
    if filters.product_id is not None:
        stmt = stmt.where(Case.product_id == filters.product_id)
    if filters.customer_id is not None:
        stmt = stmt.where(
            exists().where(
                CaseLink.case_id == Case.id,
                CaseLink.kind == LinkKind.CUSTOMER.value,
                CaseLink.ref_id == filters.customer_id,
            )
        )
    if filters.assignee == "me" and viewer is not None:
        stmt = stmt.where(Case.assignee_id == viewer.id)
    elif filters.assignee == "none":
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        stmt = stmt.where(Case.assignee_id == int(filters.assignee))
    if filters.overdue:
        stmt = stmt.where(deadlines.overdue_clause(Case, now))
    if filters.older_than_days is not None:
        stmt = stmt.where(Case.created_at < now - timedelta(days=filters.older_than_days))
    if filters.oldest_first:
        return stmt.order_by(Case.created_at.asc(), Case.id.asc())
    return stmt.order_by(Case.created_at.desc(), Case.id.desc())


def page(
    session: Session,
    filters: QueueFilters,
    viewer: User,
    now: datetime,
    retention_days: int,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> QueuePage:
    stmt = queue_statement(filters, viewer, now)
    if cursor:
        at, case_id = decode_cursor(cursor)
        if filters.oldest_first:
            stmt = stmt.where(or_(Case.created_at > at, and_(Case.created_at == at, Case.id > case_id)))
        else:
            stmt = stmt.where(or_(Case.created_at < at, and_(Case.created_at == at, Case.id < case_id)))
    cases = list(session.scalars(stmt.limit(size + 1)))
    more = len(cases) > size
    cases = cases[:size]
    rows = [queue_row(case, now, retention_days) for case in cases]
    return QueuePage(rows, encode_cursor(cases[-1]) if more and cases else None)


def all_rows(
    session: Session, filters: QueueFilters, viewer: User | None, now: datetime, retention_days: int
) -> Iterator[QueueRow]:
    for case in session.scalars(queue_statement(filters, viewer, now).execution_options(yield_per=1000)):
        yield queue_row(case, now, retention_days)


def queue_row(case: Case, now: datetime, retention_days: int) -> QueueRow:
    return QueueRow(case, deadlines.next_deadline(case, now), purge_warning(case, now, retention_days))


def purge_date(case: Case, retention_days: int) -> datetime | None:
    if case.state != CaseState.CONCLUDED or case.concluded_at is None:
        return None
    return case.concluded_at + timedelta(days=retention_days)


def purge_warning(case: Case, now: datetime, retention_days: int) -> datetime | None:
    """The purge date when it is less than a week away, else None."""
    due = purge_date(case, retention_days)
    if due is not None and due - now <= timedelta(days=RETENTION_WARNING_DAYS):
        return due
    return None

"""Publishing the transparency report: closed periods only, by staff, once, frozen.

The period is the calendar year (UTC), as in the annual human-rights and transparency reports of the
trade and the State Department guidance's public reporting. A year is long enough that most counts are
not small, and a report that covers a closed year can no longer date any single report: nothing about it
changes when a report arrives or a case concludes.

`publish` computes the protected figures as they stand now, stores them as canonical JSON with their
SHA-256 and audits the publication with that digest. The public pages read only these snapshots.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from endwatch import audit
from endwatch.config import Config
from reporting import figures
from reporting.models import ReportSnapshot

FIRST_YEAR = 2000
PERIOD_PATTERN = re.compile(r"\d{4}")


class PublishRefused(Exception):
    """A period that cannot be published, with the reason in one line a person can read."""


@dataclass(frozen=True)
class Period:
    year: int

    @property
    def key(self) -> str:
        return str(self.year)

    @property
    def start(self) -> datetime:
        return figures.year_bounds(self.year)[0]

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return figures.year_bounds(self.year)[1]

    def closed(self, now: datetime) -> bool:
        return now >= self.end

    def __str__(self) -> str:
        return self.key


def parse_period(text: str, now: datetime | None = None) -> Period:
    """A period as typed ("2025"); PublishRefused with the reason for anything else."""
    text = text.strip()
    now = now or datetime.now(UTC)
    if not PERIOD_PATTERN.fullmatch(text):
        raise PublishRefused(
            f"{text!r} is not a period: reports cover a calendar year (UTC), give it as four digits, e.g. "
            f"{now.year - 1}"
        )
    year = int(text)
    if not FIRST_YEAR <= year <= now.year:
        raise PublishRefused(f"{year} is not a year this report can cover ({FIRST_YEAR} to {now.year})")
    return Period(year)


def canonical(document: dict[str, object]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def preview(session: Session, config: Config, period: Period, now: datetime) -> figures.PublicReport:
    """The report as it would be published now (for staff): protected like the published one."""
    return figures.publish(figures.figures(session, period.year, now), config.report_min_count)


def publish(session: Session, config: Config, period: Period, *, actor: str, now: datetime) -> ReportSnapshot:
    """Freeze the report of a closed period. Refused for an open period or one already published."""
    if not period.closed(now):
        raise PublishRefused(
            f"{period} has not ended yet: its report can be published from {period.end:%Y-%m-%d} (UTC), "
            "once no report can be added to it"
        )
    existing = find(session, period)
    if existing is not None:
        raise PublishRefused(_already(existing))
    document = canonical(to_snapshot(preview(session, config, period, now)))
    snapshot = ReportSnapshot(
        period=period.key,
        published_at=now,
        published_by=actor,
        k=config.report_min_count,
        figures=document,
        digest=hashlib.sha256(document.encode("ascii")).hexdigest(),
    )
    try:
        with session.begin_nested():
            session.add(snapshot)
            session.flush()
    except IntegrityError:
        # Another member published the same period a moment ago.
        raise PublishRefused(
            f"{period} was published a moment ago: a published report never changes"
        ) from None
    audit.record(
        session,
        "report.publish",
        actor=actor,
        target=f"report:{period}",
        details={"period": period.key, "digest": snapshot.digest, "k": snapshot.k},
    )
    return snapshot


def _already(snapshot: ReportSnapshot) -> str:
    return (
        f"{snapshot.period} was already published on {snapshot.published_at:%Y-%m-%d}: "
        "a published report never changes"
    )


def find(session: Session, period: Period) -> ReportSnapshot | None:
    return session.scalars(select(ReportSnapshot).where(ReportSnapshot.period == period.key)).first()


def published(session: Session) -> Sequence[ReportSnapshot]:
    """Every published snapshot, newest period first."""
    return session.scalars(select(ReportSnapshot).order_by(ReportSnapshot.period.desc())).all()


def report_of(snapshot: ReportSnapshot) -> figures.PublicReport:
    """The report a snapshot froze; refuses a snapshot whose figures no longer match their digest."""
    if hashlib.sha256(snapshot.figures.encode("ascii")).hexdigest() != snapshot.digest:
        raise ValueError(f"the stored report for {snapshot.period} does not match its digest")
    return from_snapshot(json.loads(snapshot.figures))


# -- the frozen copy of a published snapshot -------------------------------------------------------------

SNAPSHOT_VERSION = 1


def to_snapshot(report: figures.PublicReport) -> dict[str, Any]:
    """Everything the page shows of `report`, as plain JSON: only published cells, the date to the day."""

    def cell(c: figures.Cell) -> list[Any]:
        return [c.count, c.status]

    return {
        "version": SNAPSHOT_VERSION,
        "year": report.year,
        "k": report.k,
        "as_of": report.as_of.date().isoformat(),
        "received": cell(report.received),
        "tables": {
            name: {
                "rows": [[key, *cell(c)] for key, c in table.rows],
                "total": cell(table.total) if table.total else None,
                "withheld_whole": table.withheld_whole,
            }
            for name, table in report.tables.items()
        },
        "shares": dict(report.shares),
        "medians": dict(report.medians),
        "alerts_escalated": cell(report.alerts_escalated),
        "reassessments_done": cell(report.reassessments_done),
    }


def from_snapshot(document: dict[str, Any]) -> figures.PublicReport:
    """The report a snapshot froze, exactly as it was published."""
    if document.get("version") != SNAPSHOT_VERSION:
        raise ValueError(f"unknown snapshot version {document.get('version')!r}")

    def cell(pair: list[Any]) -> figures.Cell:
        return figures.Cell(pair[0], pair[1])

    as_of = date.fromisoformat(document["as_of"])
    return figures.PublicReport(
        year=document["year"],
        k=document["k"],
        as_of=datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC),
        received=cell(document["received"]),
        tables={
            name: figures.PublicTable(
                name,
                tuple((key, figures.Cell(count, status)) for key, count, status in table["rows"]),
                cell(table["total"]) if table["total"] else None,
                table["withheld_whole"],
            )
            for name, table in document["tables"].items()
        },
        shares=document["shares"],
        medians=document["medians"],
        alerts_escalated=cell(document["alerts_escalated"]),
        reassessments_done=cell(document["reassessments_done"]),
    )

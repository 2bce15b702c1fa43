"""Figures of the annual transparency report, read from the database, and the protected copy to publish.

`figures(session, year)` counts; `publish(figures, k)` applies the small-count rules of
reporting.suppression. Only the published copy leaves this module for the page, the command and
the files: the raw figures are for tests and staff.

Definitions (the report's "how we count" section says the same in plain words):
- A report belongs to the year it was received in (UTC). Merged duplicates are counted, with the
  outcome "duplicate" once concluded.
- Rights: a report naming one right is counted under it; naming several, under "several rights".
- Acknowledged within 7 days, feedback within 3 months of acknowledgement: the deadlines of
  grievance.deadlines. A case whose deadline has not passed yet and was not met yet is "not yet due".
  Shares are of the cases whose deadline was met or has passed.
- Medians are in days, over cases acknowledged (or concluded), published from k cases up.
- Cases opened by staff from a monitoring alert are not grievances: nobody reported them. They are
  left out of every grievance figure and counted as alerts escalated.
- Alerts escalated, safeguard actions (approved) and reassessments are counted in the year they were
  decided, approved or done. They are the company's own decisions and are published exactly: small-count
  protection is for the people who report, not for the company.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.models import ActionKind, ActionStatus, EnforcementAction, Reassessment
from grievance import deadlines
from grievance.models import CATEGORIES, Case, CaseState, Outcome
from monitoring.models import Alert, AlertStatus
from reporting.regions import NOT_STATED, REGIONS, region_of
from reporting.suppression import FEWER_THAN, PUBLISHED, Protected, Table, protect

SEVERAL = "several"
CATEGORY_KEYS = (*CATEGORIES, SEVERAL, NOT_STATED)
REGION_KEYS = (*REGIONS, NOT_STATED)
OPEN, NOT_RECORDED = "open", "not_recorded"
OUTCOME_KEYS = (*(o.value for o in Outcome), OPEN)
ON_TIME, LATE, NOT_YET_DUE = "on_time", "late", "not_yet_due"
TIMELINESS_KEYS = (ON_TIME, LATE, NOT_YET_DUE)
ACTION_KEYS = tuple(kind.value for kind in ActionKind)
RECEIVED = "received"
DAY_SECONDS = 86400


@dataclass(frozen=True)
class CaseFacts:
    """The clear fields of a case that the report reads."""

    created_at: datetime
    state: str
    outcome: str | None
    categories: tuple[str, ...]
    country: str
    acknowledged_at: datetime | None
    feedback_given_at: datetime | None
    concluded_at: datetime | None

    @classmethod
    def of(cls, case: Case) -> CaseFacts:
        return cls(
            case.created_at,
            str(case.state),
            case.outcome.value if case.outcome else None,
            tuple(case.categories),
            case.country,
            case.acknowledged_at,
            case.feedback_given_at,
            case.concluded_at,
        )


@dataclass(frozen=True)
class Figures:
    """The true counts of one year; never published as they are."""

    year: int
    as_of: datetime
    received: int
    by_category: dict[str, int]
    by_region: dict[str, int]
    by_outcome: dict[str, int]
    acknowledgement: dict[str, int]
    feedback: dict[str, int]
    days_to_acknowledge: tuple[float, ...]
    days_to_conclude: tuple[float, ...]
    alerts_escalated: int
    actions_by_type: dict[str, int]
    reassessments_done: int


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def figures(session: Session, year: int, now: datetime | None = None) -> Figures:
    """Count everything the report publishes for `year`, as it stands at `now`."""
    start, end = year_bounds(year)
    from_alerts = set(session.scalars(select(Alert.case_ref).where(Alert.case_ref.is_not(None))))
    cases = [
        case
        for case in session.scalars(select(Case).where(Case.created_at >= start, Case.created_at < end))
        if f"case:{case.id}" not in from_alerts
    ]
    escalated = session.scalar(
        select(func.count(Alert.id)).where(
            Alert.status == AlertStatus.ESCALATED,
            func.coalesce(Alert.decided_at, Alert.created_at) >= start,
            func.coalesce(Alert.decided_at, Alert.created_at) < end,
        )
    )
    actions = session.execute(
        select(EnforcementAction.kind, func.count(EnforcementAction.id))
        .where(
            EnforcementAction.status == ActionStatus.APPROVED,
            EnforcementAction.decided_at >= start,
            EnforcementAction.decided_at < end,
        )
        .group_by(EnforcementAction.kind)
    )
    reassessments = session.scalar(
        select(func.count(Reassessment.id)).where(
            Reassessment.reviewed_on >= date(year, 1, 1), Reassessment.reviewed_on < date(year + 1, 1, 1)
        )
    )
    return compute(
        year,
        now or datetime.now(UTC),
        [CaseFacts.of(case) for case in cases],
        alerts_escalated=escalated or 0,
        actions_by_type={ActionKind(kind).value: count for kind, count in actions},
        reassessments_done=reassessments or 0,
    )


def compute(
    year: int,
    as_of: datetime,
    cases: Sequence[CaseFacts],
    *,
    alerts_escalated: int = 0,
    actions_by_type: dict[str, int] | None = None,
    reassessments_done: int = 0,
) -> Figures:
    """The report's counts from plain case facts (no database), as they stand at `as_of`."""
    outcomes = Counter(_outcome_key(c) for c in cases)
    return Figures(
        year=year,
        as_of=as_of,
        received=len(cases),
        by_category=_count(CATEGORY_KEYS, (_category_key(c) for c in cases)),
        by_region=_count(REGION_KEYS, (region_of(c.country) for c in cases)),
        by_outcome={key: outcomes[key] for key in OUTCOME_KEYS}
        | ({NOT_RECORDED: outcomes[NOT_RECORDED]} if outcomes[NOT_RECORDED] else {}),
        acknowledgement=_count(TIMELINESS_KEYS, (_acknowledgement(c, as_of) for c in cases)),
        feedback=_count(TIMELINESS_KEYS, (_feedback(c, as_of) for c in cases)),
        days_to_acknowledge=tuple(
            _days(c.created_at, c.acknowledged_at) for c in cases if c.acknowledged_at is not None
        ),
        days_to_conclude=tuple(
            _days(c.created_at, c.concluded_at)
            for c in cases
            if c.state == CaseState.CONCLUDED and c.concluded_at is not None
        ),
        alerts_escalated=alerts_escalated,
        actions_by_type={key: (actions_by_type or {}).get(key, 0) for key in ACTION_KEYS},
        reassessments_done=reassessments_done,
    )


def _count(keys: Iterable[str], found: Iterable[str]) -> dict[str, int]:
    counts = Counter(found)
    return {key: counts[key] for key in keys}


def _category_key(case: CaseFacts) -> str:
    known = sorted({c for c in case.categories if c in CATEGORIES})
    if not known:
        return NOT_STATED
    return known[0] if len(known) == 1 else SEVERAL


def _outcome_key(case: CaseFacts) -> str:
    if case.state != CaseState.CONCLUDED:
        return OPEN
    return case.outcome if case.outcome in OUTCOME_KEYS else NOT_RECORDED


def _acknowledgement(case: CaseFacts, as_of: datetime) -> str:
    due = deadlines.acknowledgement_due(case.created_at)
    return _timeliness(case.acknowledged_at, due, as_of)


def _feedback(case: CaseFacts, as_of: datetime) -> str:
    due = deadlines.feedback_due(case.created_at, case.acknowledged_at)
    given = case.feedback_given_at or (case.concluded_at if case.state == CaseState.CONCLUDED else None)
    return _timeliness(given, due, as_of)


def _timeliness(done: datetime | None, due: datetime, as_of: datetime) -> str:
    if done is not None:
        return ON_TIME if done <= due else LATE
    return LATE if as_of > due else NOT_YET_DUE


def _days(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / DAY_SECONDS)


# -- the published copy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One published number: the count, or why it is not shown."""

    count: int | None
    status: str  # suppression.PUBLISHED, FEWER_THAN or WITHHELD

    def as_json(self, k: int) -> int | str:
        if self.count is not None:
            return self.count
        return f"fewer than {k}" if self.status == FEWER_THAN else "withheld"


@dataclass(frozen=True)
class PublicTable:
    name: str
    rows: tuple[tuple[str, Cell], ...]
    total: Cell | None
    withheld_whole: bool

    def cell(self, key: str) -> Cell:
        return dict(self.rows)[key]


@dataclass(frozen=True)
class PublicReport:
    year: int
    k: int
    as_of: datetime
    received: Cell
    tables: dict[str, PublicTable]
    shares: dict[str, int | None]  # percent on time, or None when not published
    medians: dict[str, float | None]
    alerts_escalated: Cell
    reassessments_done: Cell


def report_tables(f: Figures) -> tuple[list[Table], dict[str, int]]:
    """The tables about people (the reports received), with their margin, as reporting.suppression sees them.

    The company's own decisions (safeguard actions, alerts escalated, reassessments) are not among them:
    they are published exactly.
    """
    tables = [
        Table("category", dict(f.by_category), RECEIVED),
        Table("region", dict(f.by_region), RECEIVED),
        Table("outcome", dict(f.by_outcome), RECEIVED),
        Table("acknowledgement", dict(f.acknowledgement), RECEIVED),
        Table("feedback", dict(f.feedback), RECEIVED),
    ]
    return tables, {RECEIVED: f.received}


def publish(f: Figures, k: int) -> PublicReport:
    """The copy of the figures that may be published: counts about people protected, decisions exact."""
    tables, totals = report_tables(f)
    protected = protect(tables, totals, k)
    public = {t.name: _public_table(t, protected) for t in tables}
    public["actions"] = PublicTable(
        "actions",
        tuple((key, exact(count)) for key, count in f.actions_by_type.items()),
        exact(sum(f.actions_by_type.values())),
        withheld_whole=False,
    )
    return PublicReport(
        year=f.year,
        k=k,
        as_of=f.as_of,
        received=_cell(RECEIVED, protected),
        tables=public,
        shares={name: _share(public[name]) for name in ("acknowledgement", "feedback")},
        medians={
            "days_to_acknowledge": _median(f.days_to_acknowledge, k),
            "days_to_conclude": _median(f.days_to_conclude, k),
        },
        alerts_escalated=exact(f.alerts_escalated),
        reassessments_done=exact(f.reassessments_done),
    )


def exact(count: int) -> Cell:
    return Cell(count, PUBLISHED)


def _cell(var: str, protected: Protected) -> Cell:
    return Cell(protected.shown(var), protected.status[var])


def _public_table(table: Table, protected: Protected) -> PublicTable:
    return PublicTable(
        table.name,
        tuple((key, _cell(table.var(key), protected)) for key in table.cells),
        _cell(table.total, protected) if table.total else None,
        table.name in protected.blanked,
    )


def _share(table: PublicTable) -> int | None:
    """Percent on time of the cases whose deadline has come; only when both parts are published."""
    on_time, late = table.cell(ON_TIME), table.cell(LATE)
    if on_time.status != PUBLISHED or late.status != PUBLISHED or on_time.count is None or late.count is None:
        return None
    due = on_time.count + late.count
    return round(100 * on_time.count / due) if due else None


def _median(values: Sequence[float], k: int) -> float | None:
    return round(statistics.median(values), 1) if len(values) >= max(k, 1) else None


def as_json(report: PublicReport, process: dict[str, Any]) -> dict[str, Any]:
    """The published report as a JSON document (counts are numbers or 'fewer than k' / 'withheld')."""
    k = report.k

    def rows(name: str) -> dict[str, int | str]:
        return {key: cell.as_json(k) for key, cell in report.tables[name].rows}

    actions = report.tables["actions"]
    return {
        "year": report.year,
        "as_of": report.as_of.date().isoformat(),
        "small_counts": {
            "fewer_than": k,
            "rule": f"counts of reports from 1 to {k - 1} are published as 'fewer than {k}'; 'withheld' "
            "hides a count that would let a reader work out such a count; zero is published as 0; the "
            "company's own decisions (safeguard actions, alerts escalated, reassessments) are exact",
        },
        "grievances": {
            "received": report.received.as_json(k),
            "by_category": rows("category"),
            "by_region": rows("region"),
            "by_outcome": rows("outcome"),
        },
        "timeliness": {
            "acknowledged_within_7_days": {
                **rows("acknowledgement"),
                "percent": report.shares["acknowledgement"],
            },
            "feedback_within_3_months": {**rows("feedback"), "percent": report.shares["feedback"]},
            "median_days_to_acknowledge": report.medians["days_to_acknowledge"],
            "median_days_to_conclude": report.medians["days_to_conclude"],
        },
        "alerts_escalated": report.alerts_escalated.as_json(k),
        "safeguard_actions": {
            "by_type": rows("actions"),
            "total": actions.total.as_json(k) if actions.total else None,
        },
        "reassessments_done": report.reassessments_done.as_json(k),
        "process": process,
    }

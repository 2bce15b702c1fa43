"""Public transparency report (published snapshots only), its staff preview and publication, and the staff
dashboard (blueprint "reports")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from sqlalchemy import func, select

from contracts.checklist import CLAUSE_LABELS
from endwatch import db
from endwatch.auth import actor, admin_only, config, current_user, read_access
from endwatch.confirm import ask_first
from endwatch.extensions import LANGUAGES
from grievance.models import Case
from monitoring.models import AlertLevel
from reporting import dashboard as staff_dashboard
from reporting import figures, labels, pages, snapshots
from reporting.charts import Bar, bar_chart
from reporting.models import ReportSnapshot

bp = Blueprint("reports", __name__)


# -- public: published snapshots only ---------------------------------------------------------------------


@bp.route("/transparency")
@bp.route("/transparency/<int:year>")
def transparency(year: int | None = None) -> Any:
    """The latest published report (or the one of `year`); nothing that is not published."""
    published = snapshots.published(db.session())
    if year is None:
        if not published:
            return render_template("reports/transparency.html", report=None, years=[], **_languages())
        chosen = published[0]
    else:
        chosen = _published(published, year)
    years = [int(s.period) for s in published]
    context = pages.page_context(snapshots.report_of(chosen), years=years, snapshot=chosen)
    return render_template("reports/transparency.html", **context)


@bp.route("/transparency/<int:year>.json")
def transparency_json(year: int) -> Any:
    """A published report's figures as data (the document `endwatch report --format json` writes)."""
    chosen = _published(snapshots.published(db.session()), year)
    document = figures.as_json(snapshots.report_of(chosen), labels.process())
    return jsonify({**document, "published": chosen.published_at.date().isoformat(), "sha256": chosen.digest})


def _published(published: Sequence[ReportSnapshot], year: int) -> ReportSnapshot:
    for snapshot in published:
        if snapshot.period == str(year):
            return snapshot
    abort(404)


def _languages() -> dict[str, Any]:
    return {"report_languages": [(code, pages.LANGUAGE_NAMES[code]) for code in LANGUAGES], "rt": labels.rt}


# -- staff: preview and publish ----------------------------------------------------------------------------


@bp.route("/staff/transparency")
@read_access
def staff_transparency() -> Any:
    return _staff_page()


def _staff_page(error: str = "", status: int = 200) -> Any:
    session = db.session()
    now = datetime.now(UTC)
    published = {s.period: s for s in snapshots.published(session)}
    first = session.scalar(select(func.min(Case.created_at)))
    oldest = min([now.year - 1, first.year if first else now.year, *(int(p) for p in published)])
    rows = []
    for year in range(now.year, max(oldest, snapshots.FIRST_YEAR) - 1, -1):
        period = snapshots.Period(year)
        rows.append((period, published.get(period.key), period.closed(now)))
    user = current_user()
    page = render_template(
        "reports/staff.html",
        rows=rows,
        error=error,
        can_publish=bool(user and user.role.value == "admin"),
        k=config().report_min_count,
    )
    return page, status


@bp.route("/staff/transparency/<int:year>/preview")
@read_access
def preview(year: int) -> Any:
    """The report of `year` as it would be published now: for staff, never cached, never public."""
    now = datetime.now(UTC)
    period = _period(year, now)
    report = snapshots.preview(db.session(), config(), period, now)
    existing = snapshots.find(db.session(), period)
    user = current_user()
    context = pages.page_context(report)
    return render_template(
        "reports/preview.html",
        period=period,
        closed=period.closed(now),
        existing=existing,
        can_publish=bool(user and user.role.value == "admin"),
        **context,
    )


@bp.route("/staff/transparency/<int:year>/publish", methods=["POST"])
@admin_only
def publish(year: int) -> Any:
    now = datetime.now(UTC)
    period = _period(year, now)
    session = db.session()
    report = snapshots.preview(session, config(), period, now)
    if period.closed(now) and snapshots.find(session, period) is None:
        confirm = ask_first(
            title=f"Publish the transparency report for {period}?",
            consequence=(
                f"The figures of {period} are frozen as they stand now and shown to everyone at "
                f"/transparency/{period}. A published report is never changed, withdrawn or published again."
            ),
            button=f"Publish the {period} report",
            back=url_for("reports.staff_transparency"),
            shown={
                "Period": f"1 January to 31 December {period} (UTC)",
                "Reports received": pages.show(report.received, report.k),
                "Counts of reports hidden": f"1 to {report.k - 1}, shown as 'fewer than {report.k}'",
            },
        )
        if confirm is not None:
            return confirm
    try:
        snapshots.publish(session, config(), period, actor=actor(), now=now)
    except snapshots.PublishRefused as refused:
        session.rollback()
        return _staff_page(f"Not published: {refused}.", 409)
    session.commit()
    flash(f"The transparency report for {period} is published at /transparency/{period}.", "info")
    return redirect(url_for("reports.staff_transparency"), 303)


def _period(year: int, now: datetime) -> snapshots.Period:
    try:
        return snapshots.parse_period(str(year), now)
    except snapshots.PublishRefused:
        abort(404)


@bp.route("/staff/dashboard")
@read_access
def dashboard() -> Any:
    viewer = current_user()
    board = staff_dashboard.build(db.session(), config(), datetime.now(UTC), viewer.id if viewer else None)
    weekly = [
        Bar(start.strftime("%Y-%m-%d"), total, f"{total} ({counts['critical']} critical)")
        for start, counts in board.weeks
        for total in [sum(counts.values())]
    ]
    return render_template(
        "reports/dashboard.html",
        board=board,
        age_buckets=[name for name, _ in staff_dashboard.AGE_BUCKETS],
        levels=[level.value for level in AlertLevel],
        weeks=staff_dashboard.WEEKS,
        review_days=staff_dashboard.REVIEW_HORIZON_DAYS,
        case_link="triage.case" in current_app.view_functions,
        alerts_chart=bar_chart("Alerts per week", weekly),
        clause_labels=CLAUSE_LABELS,
    )

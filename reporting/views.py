"""Public transparency report and the staff dashboard (blueprint "reports")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, render_template

from contracts.checklist import CLAUSE_LABELS
from endwatch import db
from endwatch.auth import config, current_user, read_access
from monitoring.models import AlertLevel
from reporting import dashboard as staff_dashboard
from reporting import figures, pages
from reporting.charts import Bar, bar_chart

bp = Blueprint("reports", __name__)


@bp.route("/transparency")
@bp.route("/transparency/<int:year>")
def transparency(year: int | None = None) -> Any:
    now = datetime.now(UTC)
    chosen = now.year - 1 if year is None else year
    if not pages.FIRST_YEAR <= chosen <= now.year:
        abort(404)
    published = figures.publish(figures.figures(db.session(), chosen, now), config().report_min_count)
    context = pages.page_context(published, years=pages.years(db.session(), now))
    return render_template("reports/transparency.html", **context)


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

"""Public transparency report and the staff dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template
from flask_babel import get_locale
from sqlalchemy import func, select

from endwatch import db
from endwatch.auth import current_user, read_access
from endwatch.config import Config
from endwatch.extensions import LANGUAGES, RTL_LANGUAGES
from grievance import report, report_dashboard, report_i18n
from grievance.models import Case
from grievance.report_svg import Bar, bar_chart
from monitoring.models import AlertLevel

bp = Blueprint("reports", __name__)

FIRST_YEAR = 2000
CHARTED = ("category", "region", "outcome", "actions")
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية", "ru": "Русский"}


def config() -> Config:
    return current_app.config["ENDWATCH"]


@bp.route("/transparency")
@bp.route("/transparency/<int:year>")
def transparency(year: int | None = None) -> Any:
    now = datetime.now(UTC)
    chosen = now.year - 1 if year is None else year
    if not FIRST_YEAR <= chosen <= now.year:
        abort(404)
    published = report.publish(report.figures(db.session(), chosen, now), config().report_min_count)
    return render_template("reports/transparency.html", **page_context(published, years=_years(now)))


@bp.route("/staff/dashboard")
@read_access
def dashboard() -> Any:
    viewer = current_user()
    board = report_dashboard.build(db.session(), config(), datetime.now(UTC), viewer.id if viewer else None)
    weekly = [
        Bar(start.strftime("%Y-%m-%d"), total, f"{total} ({counts['critical']} critical)")
        for start, counts in board.weeks
        for total in [sum(counts.values())]
    ]
    return render_template(
        "reports/dashboard.html",
        board=board,
        age_buckets=[name for name, _ in report_dashboard.AGE_BUCKETS],
        levels=[level.value for level in AlertLevel],
        weeks=report_dashboard.WEEKS,
        review_days=report_dashboard.REVIEW_HORIZON_DAYS,
        case_link="triage.case" in current_app.view_functions,
        alerts_chart=bar_chart("Alerts per week", weekly),
    )


def page_context(published: report.PublicReport, years: list[int] | None = None) -> dict[str, Any]:
    """What the report templates need, in the current request's language."""
    locale = str(get_locale() or "en")
    rtl = locale in RTL_LANGUAGES
    return {
        "report": published,
        "rt": report_i18n.rt,
        "label": report_i18n.label,
        "titles": report_i18n.TABLE_TITLES,
        "columns": report_i18n.COLUMN_TITLES,
        "stages": report_i18n.STAGES,
        "routes": report_i18n.ROUTES,
        "show": lambda cell: show(cell, published.k),
        "charts": {name: chart(published, name, rtl) for name in CHARTED},
        "years": years or [],
        "report_languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    }


def show(cell: report.Cell, k: int) -> str:
    if cell.count is not None:
        return str(cell.count)
    return report_i18n.fewer_than(k) if cell.status == report.FEWER_THAN else report_i18n.withheld()


def chart(published: report.PublicReport, name: str, rtl: bool) -> Any:
    table = published.tables[name]
    bars = [
        Bar(report_i18n.label(name, key), cell.count, show(cell, published.k)) for key, cell in table.rows
    ]
    return bar_chart(str(report_i18n.TABLE_TITLES[name]), bars, rtl=rtl)


def stylesheet() -> str:
    """The report's CSS, inlined into the stand-alone HTML that `endwatch report` writes."""
    static = Path(current_app.static_folder or "")
    return "\n".join((static / name).read_text(encoding="utf-8") for name in ("style.css", "report.css"))


def _years(now: datetime) -> list[int]:
    first = db.session().scalar(select(func.min(Case.created_at)))
    start = max(FIRST_YEAR, first.year if first else now.year - 1)
    return list(range(now.year, start - 1, -1))

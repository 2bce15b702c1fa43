"""What the report pages show, in the current request's language: the page at /transparency, the stand-alone
file `endwatch report` writes, and the charts of both."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date
from flask import current_app
from flask_babel import get_locale

from endwatch.extensions import LANGUAGES, RTL_LANGUAGES
from reporting import figures, labels
from reporting.charts import Bar, bar_chart

CHARTED = ("category", "region", "outcome", "actions")
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية", "ru": "Русский"}


def page_context(
    published: figures.PublicReport, years: list[int] | None = None, snapshot: Any = None
) -> dict[str, Any]:
    """What the report templates need, in the current request's language.

    `snapshot` is the published ReportSnapshot the figures come from (None for a staff preview or a file).
    """
    locale = str(get_locale() or "en")
    rtl = locale in RTL_LANGUAGES
    return {
        "report": published,
        "rt": labels.rt,
        "label": labels.label,
        "titles": labels.TABLE_TITLES,
        "columns": labels.COLUMN_TITLES,
        "stages": labels.STAGES,
        "routes": labels.ROUTES,
        "show": lambda cell: show(cell, published.k),
        "isolate": isolate,
        "day": day,
        "charts": {name: chart(published, name, rtl) for name in CHARTED},
        "years": years or [],
        "snapshot": snapshot,
        "report_lang": locale,
        "report_dir": "rtl" if rtl else "ltr",
        "report_languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    }


def isolate(text: str) -> str:
    """A left-to-right run (a date, a digest) kept whole in right-to-left text, by Unicode isolates."""
    return f"\u2066{text}\u2069"


def day(moment: date | datetime) -> str:
    """A date in words in the page's language (no hyphen to wrap at), isolated in its own direction."""
    locale = str(get_locale() or "en")
    # Russian "long" dates end in "г.", which would double the sentence's full stop.
    text = format_date(moment, "d MMMM y" if locale == "ru" else "long", locale=locale)
    return f"\u2068{text}\u2069"


def show(cell: figures.Cell, k: int) -> str:
    if cell.count is not None:
        return str(cell.count)
    return labels.fewer_than(k) if cell.status == figures.FEWER_THAN else labels.withheld()


def chart(published: figures.PublicReport, name: str, rtl: bool) -> Any:
    table = published.tables[name]
    bars = [Bar(labels.label(name, key), cell.count, show(cell, published.k)) for key, cell in table.rows]
    return bar_chart(str(labels.TABLE_TITLES[name]), bars, rtl=rtl, chart_id=name)


def stylesheet() -> str:
    """The report's CSS, inlined into the stand-alone HTML that `endwatch report` writes."""
    static = Path(current_app.static_folder or "")
    return "\n".join((static / name).read_text(encoding="utf-8") for name in ("style.css", "report.css"))

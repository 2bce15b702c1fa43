"""The public report in headless Chromium with JavaScript off, in every public language."""

from __future__ import annotations

import pytest

from endwatch.db import utcnow
from endwatch.extensions import LANGUAGES
from grievance.models import Case, CaseState, Outcome
from reporting import snapshots
from tests.reporting.test_figures import at

pytestmark = pytest.mark.browser
HEADINGS = {
    "en": "Transparency report 2025",
    "es": "Informe de transparencia 2025",
    "fr": "Rapport de transparence 2025",
    "ar": "تقرير الشفافية 2025",
    "ru": "Отчёт о прозрачности за 2025 год",
}


@pytest.fixture
def published_year(live_server):  # type: ignore[no-untyped-def]
    """17 concluded reports from Europe: 8 on privacy, 8 on expression (withheld to protect), 1 on life;
    2025 published, as staff would."""
    with live_server.session() as session:
        for n in range(17):
            month = f"2025-{n % 12 + 1:02d}"
            session.add(Case(
                reference=f"B{n:05d}", receipt_digest=f"browser-{n}", submitter_key=b"k", content_enc=b"c",
                created_at=at(f"{month}-02T00:00"),
                category="privacy" if n < 8 else "expression" if n < 16 else "life",
                country="FR", state=CaseState.CONCLUDED, outcome=Outcome.SUBSTANTIATED,
                acknowledged_at=at(f"{month}-03T00:00"), feedback_given_at=at(f"{month}-20T00:00"),
                concluded_at=at(f"{month}-20T00:00"),
            ))
        session.flush()
        snapshots.publish(
            session, live_server.app.config["ENDWATCH"], snapshots.Period(2025), actor="test", now=utcnow()
        )
        session.commit()
    return live_server


@pytest.mark.parametrize("code", LANGUAGES)
def test_report_renders_without_javascript(browser, published_year, code):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        response = page.goto(f"{published_year.url}/transparency/2025?lang={code}")
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("dir") == ("rtl" if code == "ar" else "ltr")
        assert page.locator("h1").inner_text() == HEADINGS[code]
        charts = page.locator("svg.chart")
        assert charts.count() == 4
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 50
        # Bars carry their numbers as text: 8 on privacy is shown; the lone report on life is not,
        # nor the 8 on expression, which with the total of 17 would give it away.
        numbers = charts.first.locator("text.number").all_text_contents()
        assert "8" in numbers and "17" not in numbers
        assert "1" not in numbers and numbers.count("8") == 1
        # report.css loaded under the CSP: its rule for hidden counts applies.
        hidden = page.locator("td.num.hidden").first
        assert hidden.count() == 1
        assert hidden.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
        assert not [line for line in console if "Content Security Policy" in line]
    finally:
        context.close()

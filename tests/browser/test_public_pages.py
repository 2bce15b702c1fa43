"""Every public page at 1280 and 390 px, in English and Arabic: fits, labelled, no serious axe finding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from endwatch.db import utcnow
from grievance.models import FollowupSession
from tests.browser.conftest import WIDTHS, DemoSite, check_page, open_page
from tests.conftest import BACKEND

pytestmark = pytest.mark.browser
# How a page is laid out does not depend on the database: the per-page checks run once, on the SQLite pass.
ONCE = pytest.mark.skipif(BACKEND != "sqlite", reason="page layout is checked once, on the SQLite pass")
LANGUAGES = ("en", "ar")


def report_with_errors(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/report?lang={language}")
    page.fill("textarea[name=who]", "typed before the mistake")
    page.locator("form.report-form button[type=submit]").click()
    assert page.locator("p.error").count() >= 1


def receipt(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/report?lang={language}")
    text = "تم تتبع هاتفي بعد المظاهرة" if language == "ar" else "Our phones were tracked after the march."
    page.fill("textarea[name=what]", text)
    page.check("input[name=rights][value=privacy]")
    page.locator("form.report-form button[type=submit]").click()
    assert [len(group) for group in page.locator("#receipt").inner_text().split()] == [5] * 6


def received_again(page: Any, site: DemoSite, language: str) -> None:
    receipt(page, site, language)
    page.reload()
    page.locator("#received-again").wait_for()


def report_files_again(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/report?lang={language}")
    page.fill("textarea[name=who]", "typed before the mistake")
    names = ["صورة المظاهرة.jpg", "notes.txt"] if language == "ar" else ["march photo.jpg", "notes.txt"]
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": name, "mimeType": "text/plain", "buffer": b"hello"} for name in names],
    )
    page.locator("form.report-form button[type=submit]").click()
    page.locator("#files-again").wait_for()
    assert page.locator("#files-again li").count() == 2


def followup_expired(page: Any, site: DemoSite, language: str) -> None:
    followup_case(page, site, language)
    typed = "رسالة كتبتها قبل انتهاء الجلسة" if language == "ar" else "Typed before it ended."
    page.fill("textarea[name=body]", typed)
    with site.session() as session:
        idle = FollowupSession.__table__.update().values(last_seen_at=utcnow() - timedelta(days=1))
        session.execute(idle)
        session.commit()
    page.locator("form.panel button[type=submit]").click()
    page.locator("#session-ended").wait_for()
    assert page.locator("textarea[name=carried_body]").count() == 1


def followup_wrong(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/followup?lang={language}")
    page.fill("input[name=receipt]", "not a receipt at all")
    page.locator("main button[type=submit]").click()
    assert page.locator("p.error").count() == 1


def followup_case(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/followup?lang={language}")
    page.fill("input[name=receipt]", site.receipts[language])
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/followup/case")
    assert page.locator("#status").count() == 1


def visit(path: str) -> Callable[[Any, DemoSite, str], None]:
    def go(page: Any, site: DemoSite, language: str) -> None:
        page.goto(f"{site.url}{path}{'&' if '?' in path else '?'}lang={language}")

    return go


PAGES: dict[str, Callable[[Any, DemoSite, str], None]] = {
    "home": visit("/"),
    "report": visit("/report"),
    "report-errors": report_with_errors,
    "receipt": receipt,
    "received-again": received_again,
    "report-files-again": report_files_again,
    "followup": visit("/followup"),
    "followup-expired": followup_expired,
    "followup-wrong-receipt": followup_wrong,
    "followup-case": followup_case,
    "not-found": visit("/no-such-page"),
    "transparency": visit("/transparency"),
    "transparency-year": visit(f"/transparency/{datetime.now(UTC).year - 1}"),  # published by the demo
}


@ONCE
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_public_page_fits_is_labelled_and_passes_axe(browser, demo_site, axe_source, name, width, language):
    page = open_page(browser, width, language)
    try:
        PAGES[name](page, demo_site, language)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        check_page(page, axe_source, f"public-{name}-{language}-{width}")
    finally:
        page.context.close()

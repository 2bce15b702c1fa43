"""Every staff page at 1280 and 390 px, with an English and an Arabic browser: fits, labelled, axe-clean.

The staff interface is English; what people wrote (reports, feed entries, names) keeps its own direction,
so an Arabic report or alert reads right to left inside an English page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from contracts.models import Customer, Deployment
from endwatch import accounts
from endwatch.crypto import KdfParams
from grievance.models import Case
from monitoring.models import Alert
from tests.browser.conftest import WIDTHS, DemoSite, check_page, open_page, staff_state
from tests.conftest import BACKEND

pytestmark = pytest.mark.browser
# How a page is laid out does not depend on the database: the per-page checks run once, on the SQLite pass.
ONCE = pytest.mark.skipif(BACKEND != "sqlite", reason="page layout is checked once, on the SQLite pass")
ARABIC = re.compile("[\u0600-\u06ff]")


def first_id(site: DemoSite, query: Any) -> int:
    with site.session() as session:
        return int(session.scalars(query).first())


def case_in(site: DemoSite, language: str) -> int:
    return first_id(site, select(Case.id).where(Case.language == language).order_by(Case.id))


def alert_in(site: DemoSite, language: str) -> int:
    with site.session() as session:
        for alert in session.scalars(select(Alert).order_by(Alert.id)):
            if bool(ARABIC.search(alert.snippet)) == (language == "ar"):
                return alert.id
    raise AssertionError(f"no demo alert in {language}")


def visit(path: str | Callable[[DemoSite, str], str], role: str = "admin") -> tuple[str, Any]:
    return role, path


PAGES: dict[str, tuple[str, Any]] = {
    "home": visit("/staff/"),
    "dashboard": visit("/staff/dashboard"),
    "cases": visit("/staff/cases/"),
    "case": visit(lambda site, lang: f"/staff/cases/{case_in(site, lang)}"),
    "case-auditor": visit(lambda site, lang: f"/staff/cases/{case_in(site, lang)}", "auditor"),
    "alerts": visit("/staff/monitoring/alerts"),
    "alert": visit(lambda site, lang: f"/staff/monitoring/alerts/{alert_in(site, lang)}"),
    "feeds": visit("/staff/monitoring/feeds"),
    "customers": visit("/staff/contracts/customers"),
    "customer": visit(lambda site, lang: f"/staff/contracts/customers/{first_id(site, select(Customer.id))}"),
    "deployments": visit("/staff/contracts/deployments"),
    "deployment": visit(
        lambda site, lang: f"/staff/contracts/deployments/{first_id(site, select(Deployment.id))}"
    ),
    "gaps": visit("/staff/contracts/gaps"),
    "actions": visit("/staff/contracts/actions"),
    "import": visit("/staff/contracts/import"),
    "users": visit("/staff/users"),
    "audit": visit("/staff/audit"),
    "transparency": visit("/staff/transparency"),
    "transparency-preview": visit(f"/staff/transparency/{datetime.now(UTC).year}/preview"),
    "transparency-preview-auditor": visit(
        f"/staff/transparency/{datetime.now(UTC).year - 1}/preview", "auditor"
    ),
    "password": visit("/staff/password", "triager"),
    "login": visit("/staff/login", "anonymous"),
}


@pytest.mark.parametrize("language", ("en", "ar"))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
@ONCE
def test_staff_page_fits_is_labelled_and_passes_axe(browser, demo_site, axe_source, name, width, language):
    role, path = PAGES[name]
    state = None if role == "anonymous" else staff_state(browser, demo_site, role)
    page = open_page(browser, width, language, state)
    try:
        url = path(demo_site, language) if callable(path) else path
        response = page.goto(demo_site.url + url)
        assert response is not None and response.status == 200, url
        assert page.locator("html").get_attribute("dir") == "ltr"
        check_page(page, axe_source, f"staff-{name}-{language}-{width}")
    finally:
        page.context.close()


def confirm_dismissal(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/staff/monitoring/alerts/{alert_in(site, language)}")
    page.fill("#dismiss-note", "Same name, another ministry" if language == "en" else "اسم مشابه لوزارة أخرى")
    page.click("button:has-text('Dismiss…')")
    assert page.locator("text=This cannot be undone.").count() == 1


def refused_link(page: Any, site: DemoSite, language: str) -> None:
    page.goto(f"{site.url}/staff/cases/{case_in(site, language)}")
    page.fill("input[name=reference]", "No such record anywhere")
    page.click("button:has-text('Add link')")
    assert page.locator("input[name=reference]").input_value() == "No such record anywhere"


def lost_post(page: Any, site: DemoSite, language: str) -> None:
    """A note sent from a browser whose session is gone: the login page keeps it."""
    page.goto(f"{site.url}/staff/login")
    page.evaluate(
        """([url, text]) => {
          const form = document.createElement('form');
          form.method = 'post'; form.action = url;
          for (const [name, value] of [['csrf_token', 'stale'], ['body', text]]) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
          }
          document.body.appendChild(form); form.submit();
        }""",
        [f"/staff/cases/{case_in(site, language)}/notes", "اتصل بالمحامي" if language == "ar" else "Call"],
    )
    page.wait_for_selector("input[name=resume_to]", state="attached")


def confirm_publication(page: Any, site: DemoSite, language: str) -> None:
    """Publishing a closed year asks first, on a page of its own (the demo leaves the year before last)."""
    page.goto(f"{site.url}/staff/transparency")
    token = page.locator("input[name=csrf_token]").first.input_value()
    page.evaluate(
        """([url, token]) => {
          const form = document.createElement('form');
          form.method = 'post'; form.action = url;
          const input = document.createElement('input');
          input.type = 'hidden'; input.name = 'csrf_token'; input.value = token; form.appendChild(input);
          document.body.appendChild(form); form.submit();
        }""",
        [f"/staff/transparency/{datetime.now(UTC).year - 2}/publish", token],
    )
    page.wait_for_selector("text=This cannot be undone.")


FLOWS: dict[str, tuple[str, Any]] = {
    "confirm-publication": ("admin", confirm_publication),
    "confirm-dismissal": ("admin", confirm_dismissal),
    "refused-link": ("triager", refused_link),
    "login-keeping-a-note": ("anonymous", lost_post),
}


@pytest.mark.parametrize("language", ("en", "ar"))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", FLOWS)
def test_staff_answers_after_a_post_fit_are_labelled_and_pass_axe(
    browser, demo_site, axe_source, name, width, language
):
    role, flow = FLOWS[name]
    state = None if role == "anonymous" else staff_state(browser, demo_site, role)
    page = open_page(browser, width, language, state)
    try:
        flow(page, demo_site, language)
        check_page(page, axe_source, f"staff-{name}-{language}-{width}")
    finally:
        page.context.close()


@pytest.mark.parametrize("language", ("en", "ar"))
@pytest.mark.parametrize("width", WIDTHS)
def test_first_login_pages_pass_and_the_enrolment_qr_code_scans(
    browser, demo_site, axe_source, width, language
):
    import zxingcpp
    from PIL import Image

    email = f"new-{width}-{language}@staff.example"
    with demo_site.session() as session:
        _user, one_time = accounts.create_user(session, email, "triager", KdfParams(1, 256), actor="test")
        session.commit()
    page = open_page(browser, width, language)
    try:
        page.goto(f"{demo_site.url}/staff/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", one_time)
        page.click("button:has-text('Log in')")
        check_page(page, axe_source, f"staff-setup-password-{language}-{width}")
        for name in ("current", "new", "confirm"):
            page.fill(f"input[name={name}]", one_time if name == "current" else "a long new passphrase here")
        page.click("button:has-text('Save password')")
        check_page(page, axe_source, f"staff-setup-totp-{language}-{width}")
        secret = page.locator("#totp-secret").inner_text()
        box = page.locator("figure.qr svg").bounding_box()
        assert box is not None and box["width"] >= 200  # at least 4.5 px per module for a 45-module code
        shot = page.locator("figure.qr").screenshot()
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        assert [code.text for code in found] == [
            f"otpauth://totp/Endwatch:{email.replace('@', '%40')}?secret={secret}&issuer=Endwatch"
        ]
    finally:
        page.context.close()


def test_arabic_text_reads_right_to_left_inside_the_english_staff_pages(browser, demo_site):
    page = open_page(browser, "narrow", "ar", staff_state(browser, demo_site, "admin"))
    direction = "e => getComputedStyle(e).direction"
    try:
        page.goto(f"{demo_site.url}/staff/monitoring/alerts/{alert_in(demo_site, 'ar')}")
        assert page.locator("html").evaluate(direction) == "ltr"
        assert page.locator("blockquote.snippet").evaluate(direction) == "rtl"
        assert page.locator(".entry-title").evaluate(direction) == "rtl"
        page.goto(f"{demo_site.url}/staff/monitoring/alerts")
        titles = page.locator("td.title-cell a")
        arabic = [i for i in range(titles.count()) if ARABIC.search(titles.nth(i).inner_text())]
        assert arabic and all(titles.nth(i).evaluate(direction) == "rtl" for i in arabic)
        english = [i for i in range(titles.count()) if i not in arabic]
        assert english and all(titles.nth(i).evaluate(direction) == "ltr" for i in english)
        page.goto(f"{demo_site.url}/staff/cases/{case_in(demo_site, 'ar')}")
        what = page.locator("#report .submitted").first
        assert ARABIC.search(what.inner_text()) and what.evaluate(direction) == "rtl"
    finally:
        page.context.close()

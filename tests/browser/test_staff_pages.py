"""Every staff page at 1280 and 390 px, with an English and an Arabic browser: fits, labelled, axe-clean.

The staff interface is English; what people wrote (reports, feed entries, names) keeps its own direction,
so an Arabic report or alert reads right to left inside an English page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from contracts.models import Customer, Deployment
from grievance.models import Case
from monitoring.models import Alert
from tests.browser.conftest import WIDTHS, DemoSite, check_page, open_page, staff_state

pytestmark = pytest.mark.browser
ARABIC = re.compile("[\u0600-\u06ff]")


def first_id(site: DemoSite, query: Any) -> int:
    with site.session() as session:
        return int(session.scalars(query).first())


def case_in(site: DemoSite, language: str) -> int:
    return first_id(site, select(Case.id).where(Case.language == language).order_by(Case.id.desc()))


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
    "password": visit("/staff/password", "triager"),
    "login": visit("/staff/login", "anonymous"),
}


@pytest.mark.parametrize("language", ("en", "ar"))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
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

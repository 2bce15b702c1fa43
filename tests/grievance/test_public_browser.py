"""The submitter's and the staff member's journey in headless Chromium, with JavaScript on and off."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from grievance.models import Case
from tests.grievance import samples
from tests.grievance.conftest import prepare_intake

pytestmark = pytest.mark.browser
XSS = [
    "<script>alert('what')</script>",
    '"><img src=x onerror="alert(\'img\')">',
    "<svg onload=alert('svg')></svg>",
    "<iframe srcdoc=\"<script>alert('frame')</script>\"></iframe>",
    "javascript:alert('link')",
    "{{ 7*7 }} ${alert('tpl')}",
]


@pytest.fixture
def site(live_server):  # type: ignore[no-untyped-def]
    with live_server.session() as session:
        member, _recovery = prepare_intake(session)
    live_server.member = member
    return live_server


class Watcher:
    """Collects what must never happen on a page: dialogs, CSP violations, requests to other origins."""

    def __init__(self, page, origin: str) -> None:  # type: ignore[no-untyped-def]
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: self.console.append(message.text))
        page.on(
            "request",
            lambda request: None if request.url.startswith(origin) else self.foreign.append(request.url),
        )


def staff_login(context, site):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(f"{site.url}/staff/login")
    page.fill("input[name=email]", site.member.user.email)
    page.fill("input[name=password]", site.member.password)
    page.fill("input[name=code]", pyotp.TOTP(site.member.totp_secret).now())
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()
    assert "/staff/login" not in page.url
    return page


def case_id(site) -> int:  # type: ignore[no-untyped-def]
    with site.session() as session:
        return session.scalars(select(Case.id).order_by(Case.id.desc())).first()


@pytest.mark.mat2
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_whole_journey_submit_reply_follow_up_answer(browser, site, javascript):
    submitter = browser.new_context(java_script_enabled=javascript)
    page = submitter.new_page()
    watcher = Watcher(page, site.url)
    page.goto(f"{site.url}/")
    page.click("a.button:has-text('Make a report')")
    page.fill("textarea[name=what]", "Our phones were tapped after the march.")
    page.select_option("select[name=country]", "KE")
    page.check("input[name=rights][value=assembly]")
    page.fill("textarea[name=who]", "The cyber unit")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_with_gps()}],
    )
    page.click("button:has-text('Send report')")
    page.wait_for_load_state()
    receipt = page.locator("#receipt").inner_text().strip()
    assert [len(group) for group in receipt.split()] == [5] * 6
    assert "scene.jpg: location, camera details, dates and comments" in page.locator("main").inner_text()
    submitter.close()

    staff = browser.new_context(java_script_enabled=javascript)
    staff_page = staff_login(staff, site)
    staff_page.goto(f"{site.url}/staff/cases/{case_id(site)}")
    assert "Our phones were tapped after the march." in staff_page.content()
    reply = staff_page.locator("form[action$='/reply']")
    reply.locator("textarea").fill("Thank you. Which city was this?")
    reply.locator("button").click()
    staff_page.wait_for_load_state()
    assert "Reply sent" in staff_page.content()

    returning = browser.new_context(java_script_enabled=javascript, locale="fr-FR")
    page = returning.new_page()
    watcher_back = Watcher(page, site.url)
    page.goto(f"{site.url}/followup?lang=fr")
    page.fill("input[name=receipt]", receipt)
    page.click("button:has-text('Ouvrir')")
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "Reçu"
    assert "Thank you. Which city was this?" in page.content()
    assert (
        page.locator("#deadline").inner_text().startswith("Nous vous ferons un retour au plus tard le")
    )  # a reply acknowledges
    page.fill("textarea[name=body]", "À Nairobi.")
    page.click("button:has-text('Envoyer')")
    page.wait_for_load_state()
    assert "Votre message a été envoyé." in page.content()
    assert "À Nairobi." in page.content()
    returning.close()

    staff_page.goto(f"{site.url}/staff/cases/{case_id(site)}")
    assert "À Nairobi." in staff_page.content()
    staff.close()
    for seen in (watcher, watcher_back):
        assert seen.dialogs == [] and seen.foreign == []
        assert not [line for line in seen.console if "Content Security Policy" in line]


def test_script_payloads_are_inert_when_staff_read_the_case(browser, site):
    submitter = browser.new_context(java_script_enabled=True)
    page = submitter.new_page()
    page.goto(f"{site.url}/report")
    payload = "\n".join(XSS)
    page.fill("textarea[name=what]", payload)
    page.fill("textarea[name=who]", XSS[1])
    page.fill("textarea[name=contact]", XSS[2])
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": XSS[1] + ".txt", "mimeType": "text/plain", "buffer": XSS[0].encode()}],
    )
    page.click("button:has-text('Send report')")
    page.wait_for_load_state()
    receipt = page.locator("#receipt").inner_text().strip()
    page.goto(f"{site.url}/followup")
    page.fill("input[name=receipt]", receipt)
    page.click("button:has-text('Open')")
    page.wait_for_load_state()
    page.fill("textarea[name=body]", XSS[3] + XSS[4])
    page.click("button:has-text('Send')")
    page.wait_for_load_state()
    submitter.close()

    staff = browser.new_context(java_script_enabled=True)
    staff_page = staff_login(staff, site)
    watcher = Watcher(staff_page, site.url)
    staff_page.goto(f"{site.url}/staff/cases/{case_id(site)}")
    text = staff_page.locator("body").inner_text()
    for fragment in (
        "<script>alert('what')</script>",
        "onerror=",
        "<svg onload=alert('svg')></svg>",
        "srcdoc=",
    ):
        assert fragment in text
    assert staff_page.locator("main script, main img, main svg, main iframe").count() == 0
    assert staff_page.locator("[onerror], [onload], [srcdoc]").count() == 0
    staff_page.wait_for_timeout(300)
    assert watcher.dialogs == []
    staff.close()

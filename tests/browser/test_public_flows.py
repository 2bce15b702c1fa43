"""The submitter's flows that lose work or send twice, in headless Chromium against a real server:
Back after sending, Reload of the receipt, an expired follow-up, a validation error with files, and the
report read back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select

from endwatch.db import utcnow
from endwatch.models import User
from grievance.models import Case, CaseMessage, FollowupSession
from tests.browser.conftest import check_page, open_page
from tests.grievance import samples
from tests.grievance.conftest import prepare_intake

pytestmark = pytest.mark.browser
WHAT = "Our phones were tracked after the march on the square."
CONTACT = "signal: +1 555 0142"
PHOTO = {"name": "square-photo.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_with_gps()}
NOTES = {"name": "notes from the day.txt", "mimeType": "text/plain", "buffer": b"About forty of us.\n"}


@pytest.fixture
def site(live_server):  # type: ignore[no-untyped-def]
    with live_server.session() as session:
        member, _recovery = prepare_intake(session)
    live_server.member = member
    return live_server


def count(site: Any, model: Any) -> int:
    with site.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def fill_report(page: Any, site: Any, what: str = WHAT) -> None:
    page.goto(f"{site.url}/report")
    if what:
        page.fill("textarea[name=what]", what)
    page.fill("textarea[name=who]", "The city police")
    page.select_option("select[name=country]", "KE")
    page.select_option("select[name=period]", "past_month")
    page.check("input[name=rights][value=assembly]")
    page.fill("textarea[name=contact]", CONTACT)
    page.set_input_files("input[name=attachments]", files=[PHOTO, NOTES])


def send_report(page: Any, site: Any) -> str:
    fill_report(page, site)
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_url("**/report/received")
    return page.locator("#receipt").inner_text().strip()


def form_state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
          what: document.querySelector('textarea[name=what]').value,
          who: document.querySelector('textarea[name=who]').value,
          contact: document.querySelector('textarea[name=contact]').value,
          country: document.querySelector('select[name=country]').value,
          rights: [...document.querySelectorAll('input[name=rights]:checked')].map(e => e.value),
          files: [...document.querySelector('input[name=attachments]').files].map(f => f.name),
        })"""
    )


def test_back_after_sending_shows_an_empty_form(browser, site):
    page = open_page(browser, "wide", "en")
    try:
        send_report(page, site)
        page.go_back()
        page.wait_for_url("**/report")
        state = form_state(page)
        assert state == {"what": "", "who": "", "contact": "", "country": "", "rights": [], "files": []}
        assert WHAT not in page.content() and CONTACT not in page.content()
        assert count(site, Case) == 1
    finally:
        page.context.close()


def test_reload_and_back_forward_on_the_receipt_create_no_second_case(browser, site):
    page = open_page(browser, "wide", "en")
    try:
        receipt = send_report(page, site)
        assert count(site, Case) == 1
        page.reload()
        assert page.locator("#received-again").is_visible()
        assert page.locator("#receipt").count() == 0 and receipt not in page.content()
        page.go_back()
        page.go_forward()
        page.reload()
        assert count(site, Case) == 1
    finally:
        page.context.close()


def test_an_expired_followup_keeps_the_typed_message(browser, site):
    page = open_page(browser, "wide", "en")
    typed = "They came back to my house on Tuesday; two cars, no plates."
    try:
        receipt = send_report(page, site)
        page.goto(f"{site.url}/followup")
        page.fill("input[name=receipt]", receipt)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/followup/case")
        page.fill("textarea[name=body]", typed)
        with site.session() as session:  # the visit idles out while they type
            idle = FollowupSession.__table__.update().values(last_seen_at=utcnow() - timedelta(days=1))
            session.execute(idle)
            session.commit()
        page.locator("form.panel button[type=submit]").click()
        assert page.locator("#session-ended").is_visible()
        assert page.locator("textarea[name=carried_body]").input_value() == typed
        assert count(site, CaseMessage) == 0
        page.fill("input[name=receipt]", receipt)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/followup/case")
        assert typed in page.locator("ol.messages").inner_text()
        assert count(site, CaseMessage) == 1
    finally:
        page.context.close()


@pytest.mark.mat2
def test_a_validation_error_with_files_says_which_files_to_choose_again(browser, site):
    page = open_page(browser, "narrow", "en")
    try:
        fill_report(page, site, what="")
        page.locator("form.report-form button[type=submit]").click()
        names = page.locator("#files-again").inner_text()
        assert "square-photo.jpg" in names and "notes from the day.txt" in names
        state = form_state(page)
        assert state["who"] == "The city police" and state["contact"] == CONTACT
        assert state["country"] == "KE" and state["rights"] == ["assembly"] and state["files"] == []
        assert count(site, Case) == 0
        page.fill("textarea[name=what]", WHAT)
        page.set_input_files("input[name=attachments]", files=[PHOTO, NOTES])
        page.locator("form.report-form button[type=submit]").click()
        page.wait_for_url("**/report/received")
        assert page.locator("li.file").count() == 2 and count(site, Case) == 1
    finally:
        page.context.close()


@pytest.mark.mat2
def test_the_submitter_reads_the_report_back_and_adds_a_correction(browser, site):
    page = open_page(browser, "wide", "en")
    try:
        receipt = send_report(page, site)
        page.goto(f"{site.url}/followup")
        page.fill("input[name=receipt]", receipt)
        page.locator("main button[type=submit]").click()
        report = page.locator("#your-report").inner_text()
        for text in (WHAT, "The city police", CONTACT, "Kenya", "In the past month", "assembly"):
            assert text in report, text
        assert "square-photo.jpg" in report and "notes from the day.txt" in report
        page.fill("textarea[name=body]", "Correction: it was the march on the 12th, not the 11th.")
        page.locator("form.panel button[type=submit]").click()
        page.locator("ol.messages li").first.wait_for()
        assert "Correction: it was the march" in page.locator("ol.messages").inner_text()
        page.reload()  # the message was posted, then redirected: Reload does not send it again
        page.go_back()  # the page the message was typed on comes back empty
        assert page.locator("textarea[name=body]").input_value() == ""
        page.go_forward()
        assert page.locator("ol.messages li").count() == 1 and count(site, CaseMessage) == 1
    finally:
        page.context.close()


@pytest.mark.mat2
def test_a_file_on_a_staff_reply_reaches_the_submitter(browser, site, axe_source):
    submitter = open_page(browser, "narrow", "ar")
    staff = open_page(browser, "wide", "en")
    try:
        receipt = send_report(submitter, site)
        with site.session() as session:
            case_id = session.scalars(select(Case.id)).one()
            session.execute(User.__table__.update().values(last_totp_step=0))
            session.commit()
        staff.goto(f"{site.url}/staff/login")
        staff.fill("input[name=email]", site.member.user.email)
        staff.fill("input[name=password]", site.member.password)
        staff.fill("input[name=code]", pyotp.TOTP(site.member.totp_secret).now())
        staff.click("button[type=submit]:has-text('Log in')")
        staff.goto(f"{site.url}/staff/cases/{case_id}")
        reply = staff.locator("section.reply form")
        reply.locator("textarea[name=body]").fill("Here is what the customer answered.")
        refused = {"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}
        reply.locator("input[name=attachments]").set_input_files(files=[refused])
        reply.locator("button[type=submit]").click()
        staff.locator("text=nothing was done").wait_for()
        assert "tool.exe" in staff.content()
        assert staff.locator("textarea[name=body]").input_value() == "Here is what the customer answered."
        check_page(staff, axe_source, "flow-staff-reply-refused-en-wide")
        letter = {
            "name": "answer.jpg",
            "mimeType": "image/jpeg",
            "buffer": samples.jpeg_with_gps("CANARYREPLY"),
        }
        staff.locator("input[name=attachments]").set_input_files(files=[letter])
        staff.locator("form button[type=submit]:has-text('Send again')").click()
        staff.wait_for_url(f"**/staff/cases/{case_id}")

        submitter.goto(f"{site.url}/followup")
        submitter.fill("input[name=receipt]", receipt)
        submitter.locator("main button[type=submit]").click()
        submitter.wait_for_url("**/followup/case")
        check_page(submitter, axe_source, "flow-followup-reply-file-ar-narrow")
        with submitter.expect_download() as download:
            submitter.locator("ol.messages a:has-text('answer.jpg')").click()
        data = download.value.path().read_bytes()
        assert download.value.suggested_filename == "answer.jpg"
        assert data.startswith(b"\xff\xd8") and b"CANARYREPLY" not in data
    finally:
        submitter.context.close()
        staff.context.close()

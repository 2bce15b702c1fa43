"""No lost work and no second report: post-redirect-get, the receipt shown once, text kept through an
expired follow-up and a validation error, the report read back, staff files on replies, and the outcome's
internal reason kept internal."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from endwatch import crypto
from endwatch.db import utcnow
from grievance.models import Case, CaseMessage, FollowupSession
from grievance.triage import services as triage
from tests.conftest import csrf_token, login
from tests.grievance import samples
from tests.grievance.conftest import (
    latest_case,
    open_followup,
    post_multipart,
    private_key_of,
    read_case,
    receipt_in,
    report_fields,
    table_bytes,
)


def cases(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Case))


def form_token(page: str) -> str:
    match = re.search(r'<input[^>]*name="form_token"[^>]*>', page)
    assert match, page[:1000]
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value
    return value.group(1)


def post_report(client, token: str | None = None, files=(), **fields):  # type: ignore[no-untyped-def]
    page = client.get("/report").get_data(as_text=True)
    data = report_fields(csrf_token=csrf_token(client, "/report"), **fields)
    data["form_token"] = token if token is not None else form_token(page)
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    return post_multipart(client, "/report", data)


# -- post-redirect-get -----------------------------------------------------------------------------


def test_a_report_answers_303_and_its_receipt_is_shown_once(client, reader, session):
    response = post_report(client, what="They followed the march with drones.")
    assert response.status_code == 303 and response.location.endswith("/report/received")
    assert cases(session) == 1
    first = client.get("/report/received")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    receipt = receipt_in(first)
    assert [len(group) for group in receipt.split()] == [5] * 6
    again = client.get("/report/received").get_data(as_text=True)
    assert 'id="receipt"' not in again and 'id="received-again"' in again
    for word in receipt.split():
        assert word not in again
    assert cases(session) == 1
    case = latest_case(session)
    open_followup(client, receipt)
    assert case.reference and client.get("/followup/case").status_code == 200


def test_the_cookie_between_the_post_and_the_receipt_page_never_holds_the_receipt(client, reader):
    response = post_report(client)
    cookie = client.get_cookie("endwatch")
    assert response.status_code == 303 and cookie is not None
    decoded = crypto.base64.urlsafe_b64decode(cookie.value.split(".")[0] + "==")
    receipt = receipt_in(client.get(response.location))
    for word in receipt.split():
        assert word.encode() not in decoded and word not in cookie.value


def test_the_same_form_sent_again_stores_no_second_report(client, reader, session):
    page = client.get("/report").get_data(as_text=True)
    token = form_token(page)
    assert post_report(client, token, what="Sent once.").status_code == 303
    client.get("/report/received")
    resent = post_report(client, token, what="Sent once.")
    assert resent.status_code == 303 and cases(session) == 1
    assert 'id="received-again"' in client.get(resent.location).get_data(as_text=True)
    # A new form (a fresh token) is a new report.
    assert post_report(client, what="A second, different report.").status_code == 303
    assert cases(session) == 2


def test_form_pages_are_not_kept_by_the_browser(client, reader, submit_report):
    page = client.get("/report")
    assert page.headers["Cache-Control"] == "no-store"
    assert re.search(r'<form[^>]*report-form[^>]*autocomplete="off"', page.get_data(as_text=True))
    open_followup(client, submit_report())
    case_page = client.get("/followup/case")
    assert case_page.headers["Cache-Control"] == "no-store"
    assert re.search(r'<form[^>]*multipart[^>]*autocomplete="off"', case_page.get_data(as_text=True))


# -- a validation error keeps what can be kept -----------------------------------------------------


@pytest.mark.mat2
def test_a_validation_error_keeps_text_and_choices_and_names_the_files(client, reader, session):
    files = [(samples.jpeg_with_gps(), "march-photo.jpg"), (b"%PDF-1.4 junk", "letter to the unit.pdf")]
    response = post_report(
        client, files=files, what="  ", who="Unit 7 of the police", rights=["privacy", "life"]
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and cases(session) == 0
    assert "Unit 7 of the police" in page
    assert re.search(r'value="privacy"[^>]*checked|checked[^>]*value="privacy"', page)
    assert re.search(r'value="life"[^>]*checked|checked[^>]*value="life"', page)
    again = page[page.index('id="files-again"') :]
    assert "march-photo.jpg" in again and "letter to the unit.pdf" in again


@pytest.mark.mat2
def test_a_refused_file_keeps_the_text_and_names_the_files(client, reader, session):
    files = [(samples.jpeg_with_gps(), "good.jpg"), (b"MZ\x90\x00 not a document", "tool.exe")]
    response = post_report(client, files=files, what="Kept after the refusal.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and cases(session) == 0
    assert "Kept after the refusal." in page
    again = page[page.index('id="files-again"') :]
    assert "good.jpg" in again and "tool.exe" in again


# -- the follow-up visit ended while they typed ----------------------------------------------------


def expire_visits(session) -> None:  # type: ignore[no-untyped-def]
    session.execute(FollowupSession.__table__.update().values(last_seen_at=utcnow() - timedelta(days=1)))  # type: ignore[attr-defined]
    session.flush()


def test_an_expired_followup_keeps_the_message_and_sends_it_after_the_receipt(
    client, reader, session, submit_report
):
    receipt = submit_report()
    open_followup(client, receipt)
    token = csrf_token(client, "/followup/case")
    expire_visits(session)
    typed = "CANARY-TYPED They came back to my house on Tuesday."
    response = post_multipart(
        client,
        "/followup/case",
        {"csrf_token": token, "body": typed, "attachments": [(io.BytesIO(b"hello"), "evidence.txt")]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert 'name="receipt"' in page and 'name="carried_body"' in page and typed in page
    assert 'id="files-dropped"' in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(CaseMessage)) == 0
    assert b"CANARY-TYPED" not in table_bytes(session)
    # A wrong receipt keeps the text too.
    token = csrf_token(client, "/followup")
    wrong = client.post(
        "/followup", data={"csrf_token": token, "receipt": "wrong words", "carried_body": typed}
    )
    assert wrong.status_code == 401 and typed in wrong.get_data(as_text=True)
    sent = client.post("/followup", data={"csrf_token": token, "receipt": receipt, "carried_body": typed})
    assert sent.status_code == 302 and sent.location.endswith("/followup/case")
    assert typed in client.get("/followup/case").get_data(as_text=True)
    case = latest_case(session)
    assert [m.body for m in read_case(session, case, reader).messages] == [typed]
    assert b"CANARY-TYPED" not in table_bytes(session)


def test_an_ended_visit_still_sends_a_plain_reload_to_the_receipt_page(
    client, reader, session, submit_report
):
    open_followup(client, submit_report())
    expire_visits(session)
    response = client.get("/followup/case")
    assert response.status_code == 302 and response.location.endswith("/followup")


# -- the submitter reads the report back -----------------------------------------------------------


@pytest.mark.mat2
def test_the_submitter_reads_back_the_report_with_its_file_names(client, reader, session, submit_report):
    receipt = submit_report(
        files=[(samples.jpeg_with_gps(), "street-corner.jpg")],
        what="Cameras at the square recognised us.",
        who="The city police",
        contact="signal: +1 555 0100",
        country="BY",
        period="past_month",
        rights=["assembly", "privacy"],
    )
    open_followup(client, receipt)
    page = client.get("/followup/case").get_data(as_text=True)
    report = page[page.index('id="your-report"') :]
    for text in (
        "Cameras at the square recognised us.",
        "The city police",
        "signal: +1 555 0100",
        "Belarus",
        "In the past month",
        "Freedom of assembly and association",
        "Privacy",
        "street-corner.jpg",
    ):
        assert text in report, text


# -- files on staff replies ------------------------------------------------------------------------


@pytest.mark.mat2
def test_staff_attach_a_cleaned_file_to_a_reply_and_only_that_submitter_downloads_it(
    app, client, reader, session, submit_report
):
    receipt = submit_report(files=[(samples.jpeg_with_gps(), "mine.jpg")])
    other = submit_report()
    case = latest_case(session)
    staff = app.test_client()
    assert login(staff, reader, session).status_code == 302
    first = session.scalars(select(Case).order_by(Case.id)).first()
    assert first is not None and first.id != case.id
    token = csrf_token(staff, f"/staff/cases/{first.id}")
    response = post_multipart(
        staff,
        f"/staff/cases/{first.id}/reply",
        {
            "csrf_token": token,
            "body": "Here is the letter we sent.",
            "attachments": [(io.BytesIO(samples.jpeg_with_gps("CANARYSTAFF")), "letter scan.jpg")],
        },
    )
    assert response.status_code == 303
    session.expire_all()
    stored = [a for a in first.attachments if a.message_id is not None]
    assert len(stored) == 1 and stored[0].metadata_removed
    mine = next(a for a in first.attachments if a.message_id is None)

    open_followup(client, receipt)
    page = client.get("/followup/case").get_data(as_text=True)
    link = f"/followup/files/{stored[0].id}"
    assert link in page and "letter scan.jpg" in page
    download = client.get(link)
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert "letter" in download.headers["Content-Disposition"]
    assert download.data.startswith(b"\xff\xd8") and b"CANARYSTAFF" not in download.data
    assert client.get(f"/followup/files/{mine.id}").status_code == 404

    someone_else = app.test_client()
    open_followup(someone_else, other)
    assert someone_else.get(link).status_code == 404
    assert app.test_client().get(link).status_code == 302


def test_a_refused_staff_file_keeps_the_reply_text(app, reader, session, submit_report):
    submit_report()
    case = latest_case(session)
    staff = app.test_client()
    assert login(staff, reader, session).status_code == 302
    token = csrf_token(staff, f"/staff/cases/{case.id}")
    response = post_multipart(
        staff,
        f"/staff/cases/{case.id}/reply",
        {
            "csrf_token": token,
            "body": "Reply kept after refusal",
            "attachments": [(io.BytesIO(b"MZ\x90\x00"), "tool.exe")],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Reply kept after refusal" in page and "tool.exe" in page
    assert 'enctype="multipart/form-data"' in page
    session.expire_all()
    assert [m for m in case.messages] == []


# -- internal reasons stay internal (issue 11) -----------------------------------------------------


def test_the_conclusion_reason_never_reaches_a_public_page(app, client, reader, session, submit_report):
    reason = "CANARY-REASON the customer is our largest account"
    receipt = submit_report()
    case = latest_case(session)
    triage.reply(session, case, reader.user, private_key_of(reader), "We looked into it.", feedback=True)
    triage.conclude(session, case, reader.user, private_key_of(reader), "unsubstantiated", reason)
    session.flush()
    assert read_case(session, case, reader).outcome_reason == reason
    open_followup(client, receipt)
    seen = []
    for url in (
        "/",
        "/report",
        "/followup",
        "/followup/case",
        "/report/received",
        "/transparency",
        "/no-such",
    ):
        response = client.get(url, follow_redirects=True)
        seen.append(response.get_data(as_text=True) + str(response.headers))
    page = client.get("/followup/case").get_data(as_text=True)
    assert 'id="outcome">Not substantiated' in page and "We looked into it." in page
    token = csrf_token(client, "/followup/case")
    sent = client.post("/followup/case", data={"csrf_token": token, "body": "Why?"}, follow_redirects=True)
    seen.append(sent.get_data(as_text=True))
    for text in seen:
        assert "CANARY-REASON" not in text


# -- a lost cookie (browser restarted): the CSRF token fails, the text stays ---------------------


def test_a_report_sent_with_a_lost_cookie_comes_back_filled_in_under_a_fresh_token(app, reader, session):
    lost = app.test_client()
    data = report_fields(csrf_token="gone", what="CANARY-LOST what happened", who="the unit", rights=["life"])
    data["attachments"] = [(io.BytesIO(b"hello"), "diary.txt")]
    response = post_multipart(lost, "/report", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="form-expired"' in page
    assert "CANARY-LOST what happened" in page and "the unit" in page and "diary.txt" in page
    assert re.search(r'value="life"[^>]*checked|checked[^>]*value="life"', page)
    assert cases(session) == 0
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    again = report_fields(
        csrf_token=token.group(1), what="CANARY-LOST what happened", form_token=form_token(page)
    )
    assert post_multipart(lost, "/report", again).status_code == 303 and cases(session) == 1


def test_a_message_sent_with_a_lost_cookie_is_kept_for_the_receipt(app, reader, session, submit_report):
    receipt = submit_report()
    lost = app.test_client()
    response = lost.post("/followup/case", data={"csrf_token": "gone", "body": "CANARY-LOST message"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and 'name="carried_body"' in page and "CANARY-LOST message" in page
    assert b"CANARY-LOST" not in table_bytes(session)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    data = {"csrf_token": token.group(1), "receipt": receipt, "carried_body": "CANARY-LOST message"}
    assert lost.post("/followup", data=data).status_code == 302
    assert [m.body for m in read_case(session, latest_case(session), reader).messages] == [
        "CANARY-LOST message"
    ]


def test_ten_long_file_names_still_fit_the_cookie_that_carries_the_receipt(client, reader, session):
    names = [f"{n} " + "صورة من المظاهرة في الساحة الكبيرة " * 7 + ".txt" for n in range(10)]
    assert all(len(name) > 200 for name in names)
    response = post_report(client, files=[(f"note {n}\n".encode(), name) for n, name in enumerate(names)])
    assert response.status_code == 303 and cases(session) == 1
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("endwatch="))
    assert len(cookie) < 4000, len(cookie)
    page = client.get(response.location)
    receipt_in(page)
    assert page.get_data(as_text=True).count('class="file"') == 10

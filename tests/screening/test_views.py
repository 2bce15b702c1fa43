"""Staff review hits and lists in the browser's terms: pages, CSRF-protected decisions, roles."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import assessment
from contracts import checklist as checklists
from contracts.models import Customer, CustomerKind, RedFlag
from screening import lists, services
from screening.models import HitStatus, ListFormat, ScreeningHit
from tests.conftest import csrf_token
from tests.screening.support import ftm_line, write_ftm


@pytest.fixture
def hit(session: Session, tmp_path: Path) -> ScreeningHit:
    customer = Customer(name="Kestrel Signal Analytics", aliases=[], country="GB", kind=CustomerKind.PRIVATE)
    session.add(customer)
    path = write_ftm(
        tmp_path / "list.json", ftm_line("kes", "KESTREL SIGNAL ANALYTICS LTD", countries=("gb",))
    )
    lists.import_list(
        session, "UK sanctions", str(path), ListFormat.FTM, lambda *a, **k: None, lists.list_limits(True)
    )
    services.run(session)
    return session.scalars(select(ScreeningHit)).one()


def test_the_hit_pages_show_the_hit_and_why(client, logged_in, hit: ScreeningHit) -> None:
    logged_in("auditor")
    page = client.get("/staff/screening/").get_data(as_text=True)
    assert "Kestrel Signal Analytics [GB]" in page and "KESTREL SIGNAL ANALYTICS LTD" in page
    detail = client.get(f"/staff/screening/hits/{hit.id}").get_data(as_text=True)
    assert "same country: GB" in detail and "UK sanctions" in detail
    assert "Confirm: this is the listed party" not in detail  # auditors read, they do not decide


def test_confirming_flags_the_customer_raises_its_tier_and_makes_a_review_due(
    client, logged_in, session: Session, hit: ScreeningHit, app
) -> None:
    config = app.config["ENDWATCH"]
    checklist = checklists.load(config)
    before = assessment.assess(hit.customer, checklist).tier
    logged_in("triager")
    url = f"/staff/screening/hits/{hit.id}"
    response = client.post(
        url + "/confirm", data={"csrf_token": csrf_token(client, url), "note": "same company"}
    )
    assert response.status_code == 302
    session.expire_all()
    decided = session.get(ScreeningHit, hit.id)
    assert (
        decided is not None
        and decided.status == HitStatus.CONFIRMED
        and decided.decision_note == "same company"
    )
    flag = session.scalars(select(RedFlag).where(RedFlag.customer_id == hit.customer_id)).one()
    assert flag.code == "restricted_party" and "UK sanctions" in flag.source_note
    after = assessment.assess(decided.customer, checklist)
    assert after.tier == "high" and before != "high"
    due, reason = assessment.next_review(
        decided.customer, assessment.last_review(session, decided.customer), checklist
    )
    assert "restricted party" in reason.lower() or "red flag" in reason.lower()


def test_dismissing_needs_a_note_and_is_kept(client, logged_in, session: Session, hit: ScreeningHit) -> None:
    logged_in("triager")
    url = f"/staff/screening/hits/{hit.id}"
    refused = client.post(url + "/dismiss", data={"csrf_token": csrf_token(client, url), "note": ""})
    assert refused.status_code == 302
    session.expire_all()
    assert session.get(ScreeningHit, hit.id).status == HitStatus.NEW  # type: ignore[union-attr]
    client.post(url + "/dismiss", data={"csrf_token": csrf_token(client, url), "note": "another Kestrel"})
    session.expire_all()
    assert session.get(ScreeningHit, hit.id).status == HitStatus.DISMISSED  # type: ignore[union-attr]
    again = client.post(url + "/confirm", data={"csrf_token": csrf_token(client, url)})
    assert again.status_code == 302
    session.expire_all()
    assert session.get(ScreeningHit, hit.id).status == HitStatus.DISMISSED  # type: ignore[union-attr]


def test_an_auditor_cannot_decide_and_a_post_without_csrf_is_refused(
    client, logged_in, session: Session, hit: ScreeningHit
) -> None:
    logged_in("auditor")
    url = f"/staff/screening/hits/{hit.id}"
    assert client.post(url + "/confirm", data={"csrf_token": csrf_token(client, url)}).status_code == 403
    logged_in("triager")
    assert client.post(url + "/confirm", data={}).status_code == 400
    session.expire_all()
    assert session.get(ScreeningHit, hit.id).status == HitStatus.NEW  # type: ignore[union-attr]


def test_the_list_page_shows_versions_and_delistings(
    client, logged_in, session: Session, hit: ScreeningHit, tmp_path: Path
) -> None:
    write_ftm(tmp_path / "list.json", ftm_line("zz", "Zulu Unrelated Holdings", countries=("fr",)))
    report = lists.import_list(
        session,
        "UK sanctions",
        str(tmp_path / "list.json"),
        ListFormat.FTM,
        lambda *a, **k: None,
        lists.list_limits(True),
    )
    services.mark_delisted(session, report.delisted_pks)
    session.flush()
    logged_in("auditor")
    page = client.get(f"/staff/screening/lists/{hit.list_id}").get_data(as_text=True)
    assert "delisted" in page and "KESTREL SIGNAL ANALYTICS LTD" in page
    detail = client.get(f"/staff/screening/hits/{hit.id}").get_data(as_text=True)
    assert 'id="delisted"' in detail

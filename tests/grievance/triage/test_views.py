from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from endwatch.db import utcnow
from endwatch.models import AuditRecord
from grievance.errors import BadCursor
from grievance.models import Case, CaseState
from grievance.triage import links, queue
from grievance.triage import services as triage
from grievance.triage.models import CaseLink, CaseNote
from tests.conftest import csrf_token, login
from tests.grievance.triage.fixtures import *  # noqa: F403 - triage fixtures and tables
from tests.grievance.triage.fixtures import CANARY


def actions(session, case):
    return [
        r.action for r in session.scalars(select(AuditRecord).where(AuditRecord.target == f"case:{case.id}"))
    ]


def signed_in(client, session, member):
    response = login(client, member.member, session)
    assert response.status_code == 302
    return csrf_token(client, "/staff/cases/")


def test_queue_shows_clear_fields_and_no_content(client, session, staff, new_case):
    member = staff()
    case = new_case(country="BY")
    signed_in(client, session, member)
    page = client.get("/staff/cases/").get_data(as_text=True)
    assert case.reference in page and "BY" in page and "Acknowledge receipt" in page
    assert CANARY not in page
    assert "case.decrypt" not in actions(session, case)


def test_queue_filters_and_flags_overdue_cases(client, session, staff, new_case):
    member = staff()
    fresh = new_case(country="BY")
    late = new_case(country="IR")
    late.created_at = utcnow() - timedelta(days=8)
    session.flush()
    signed_in(client, session, member)
    overdue_page = client.get("/staff/cases/?overdue=y").get_data(as_text=True)
    assert late.reference in overdue_page and fresh.reference not in overdue_page
    assert "overdue</span>" in overdue_page
    by_country = client.get("/staff/cases/?country=by").get_data(as_text=True)
    assert fresh.reference in by_country and late.reference not in by_country
    triage.change_state(session, fresh, member.user, CaseState.ASSESSING)
    session.flush()
    assessing = client.get("/staff/cases/?state=assessing").get_data(as_text=True)
    assert fresh.reference in assessing and late.reference not in assessing
    old = client.get("/staff/cases/?age=7").get_data(as_text=True)
    assert late.reference in old and fresh.reference not in old


def test_queue_filters_by_customer_assignee_severity_and_item(session, staff, new_case, customer):
    lead = staff("admin")
    a, b, c = new_case(), new_case(), new_case(product_id=None)
    ministry = customer()
    links.link(session, a, lead.user, "customer", ministry.id)
    triage.assign(session, b, lead.user, lead.key, lead.user)
    triage.rate(session, c, lead.user, 4, 1)
    from contracts.models import Product

    product = Product(name="Interceptor X")
    session.add(product)
    session.flush()
    c.product_id = product.id
    session.flush()
    now = utcnow()

    def refs(**filters):
        page = queue.page(session, queue.QueueFilters(**filters), lead.user, now, 365)
        return {row.case.reference for row in page.rows}

    assert refs(customer_id=ministry.id) == {a.reference}
    assert refs(assignee="me") == {b.reference}
    assert b.reference not in refs(assignee="none")
    assert refs(min_severity=3) == {c.reference}
    assert refs(product_id=product.id) == {c.reference}


@pytest.mark.parametrize("oldest_first", [False, True])
def test_keyset_pagination_visits_every_case_once(session, staff, new_case, oldest_first):
    member = staff()
    made = [new_case() for _ in range(7)]
    for index, case in enumerate(made):
        case.created_at = utcnow() - timedelta(hours=index % 3)  # ties on created_at, broken by id
    session.flush()
    filters = queue.QueueFilters(oldest_first=oldest_first)
    seen, cursor = [], None
    while True:
        page = queue.page(session, filters, member.user, utcnow(), 365, cursor, size=3)
        seen += [row.case.id for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(c.id for c in made) and len(seen) == len(set(seen))
    with pytest.raises(BadCursor):
        queue.page(session, filters, member.user, utcnow(), 365, "not-a-cursor")


def test_opening_a_case_decrypts_it_and_audits_the_read(client, session, staff, new_case):
    member = staff()
    case = new_case()
    signed_in(client, session, member)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert CANARY in page
    assert actions(session, case).count("case.decrypt") == 1
    client.get(f"/staff/cases/{case.id}")
    assert actions(session, case).count("case.decrypt") == 2


def test_auditors_see_clear_fields_and_trail_but_no_content(client, session, staff, new_case):
    auditor = staff("auditor")
    case = new_case()
    signed_in(client, session, auditor)
    response = client.get(f"/staff/cases/{case.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert case.reference in page and CANARY not in page and "Audit trail" in page
    assert "case.decrypt" not in actions(session, case)


def test_illegal_transition_is_refused_with_a_message(client, session, staff, new_case):
    member = staff()
    case = new_case()
    token = signed_in(client, session, member)
    response = client.post(
        f"/staff/cases/{case.id}/state",
        data={"csrf_token": token, "state": "addressing"},
        follow_redirects=True,
    )
    assert "cannot go from received to addressing" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Case, case.id).state == CaseState.RECEIVED


def test_conclusion_through_the_form_needs_outcome_and_reason(client, session, staff, new_case):
    member = staff()
    case = new_case()
    token = signed_in(client, session, member)
    response = client.post(
        f"/staff/cases/{case.id}/conclude",
        data={"csrf_token": token, "outcome": "substantiated", "reason": ""},
        follow_redirects=True,
    )
    assert "Give the reason" in response.get_data(as_text=True)
    data = {"csrf_token": token, "outcome": "substantiated", "reason": "confirmed by audit"}
    asked = client.post(f"/staff/cases/{case.id}/conclude", data=data)
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "This cannot be undone." in question
    assert "confirmed by audit" in question and 'name="outcome" value="substantiated"' in question
    session.expire_all()
    assert session.get(Case, case.id).state == CaseState.RECEIVED  # not before it is confirmed
    client.post(f"/staff/cases/{case.id}/conclude", data={**data, "confirmed": "yes"})
    session.expire_all()
    assert session.get(Case, case.id).state == CaseState.CONCLUDED


def test_notes_replies_and_links_through_the_forms(client, session, staff, new_case, customer):
    member = staff()
    case = new_case()
    ministry = customer()
    token = signed_in(client, session, member)
    base = f"/staff/cases/{case.id}"
    assert (
        client.post(f"{base}/notes", data={"csrf_token": token, "body": f"note {CANARY}"}).status_code == 303
    )
    assert client.post(f"{base}/reply", data={"csrf_token": token, "body": "thank you"}).status_code == 303
    data = {"csrf_token": token, "picked": f"customer:{ministry.id}"}
    assert client.post(f"{base}/links", data=data).status_code == 303
    note = session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).one()
    assert CANARY.encode() not in note.body_enc
    page = client.get(base).get_data(as_text=True)
    assert f"note {CANARY}" in page and "thank you" in page
    assert f'<a href="/staff/contracts/customers/{ministry.id}"><bdi>{ministry.name} [XA]</bdi></a>' in page


def test_case_bundle_holds_content_files_and_trail_and_is_audited(client, session, staff, new_case):
    member = staff()
    case = new_case(files=True)
    token = signed_in(client, session, member)
    response = client.post(f"/staff/cases/{case.id}/bundle", data={"csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    document = json.loads(bundle.read("case.json"))
    assert CANARY in document["what"] and document["reference"] == case.reference
    [file_name] = [n for n in bundle.namelist() if n.startswith("attachments/")]
    assert CANARY.encode() in bundle.read(file_name)
    trail = json.loads(bundle.read("audit.json"))
    assert "case.exported" in [r["action"] for r in trail]
    assert "case.exported" in actions(session, case)


def test_queue_csv_has_no_content_and_is_audited(client, session, staff, new_case):
    member = staff("auditor")
    case = new_case()
    signed_in(client, session, member)
    response = client.get("/staff/cases/queue.csv?state=received")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert case.reference in body and CANARY not in body
    exported = session.scalars(select(AuditRecord).where(AuditRecord.action == "cases.exported_csv")).all()
    assert len(exported) == 1 and "state" in exported[0].details


def test_assigning_through_the_form_grants_access(client, session, staff, new_case):
    lead = staff("admin")
    case = new_case()
    newcomer = staff()
    token = signed_in(client, session, lead)
    client.post(
        f"/staff/cases/{case.id}/assign", data={"csrf_token": token, "assign-member": str(newcomer.user.id)}
    )
    session.expire_all()
    assert session.get(Case, case.id).assignee_id == newcomer.user.id
    assert triage.holds_key(session, session.get(Case, case.id), newcomer.user)


# -- recusal: every route that touches a case ---------------------------------------------------------


def case_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("triage.") and "case_id" in rule.arguments
    ]


def test_a_recused_member_cannot_reach_the_case_by_any_route(app, client, session, staff, new_case, customer):
    lead = staff("admin")
    member = staff("admin")  # the strongest role: recusal must still win
    case = new_case(files=True)
    target = new_case()
    triage.add_note(session, case, lead.user, lead.key, "note")
    link = links.link(session, case, lead.user, "customer", customer().id)
    triage.recuse(session, case, lead.user, member.user)
    session.flush()
    token = signed_in(client, session, member)
    before = session.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1))
    values = {
        "case_id": case.id,
        "attachment_id": case.attachments[0].id,
        "link_id": link.id,
        "user_id": lead.user.id,
    }
    forms = {
        "triage.change_state": {"state": "assessing"},
        "triage.conclude": {"outcome": "unsubstantiated", "reason": "x"},
        "triage.rate": {"severity": "2", "likelihood": "2"},
        "triage.assign": {"assign-member": str(member.user.id)},
        "triage.grant": {"grant-member": str(member.user.id)},
        "triage.recuse": {"recuse-member": str(lead.user.id)},
        "triage.add_note": {"body": "sneaky"},
        "triage.reply": {"body": "sneaky"},
        "triage.merge": {"target": target.reference},
        "triage.add_link": {"reference": "alert 1"},
        "triage.propose_safeguard": {"deployment_id": "1", "kind": "suspend", "reason": "x"},
    }
    tried = []
    for rule in case_rules(app):
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token, **forms.get(rule.endpoint, {})})
            tried.append(rule.endpoint)
            assert response.status_code == 403, (rule.endpoint, response.status_code)
            assert CANARY not in response.get_data(as_text=True)
    assert {
        "triage.case",
        "triage.bundle",
        "triage.reply",
        "triage.add_link",
        "triage.add_note",
        "triage.attachment",
        "triage.merge",
        "triage.propose_safeguard",
    } <= set(tried)
    # nothing was decrypted, changed or recorded on the member's behalf
    after = session.scalars(select(AuditRecord).where(AuditRecord.seq > before)).all()
    assert [r for r in after if r.actor == member.user.email and r.action.startswith("case.")] == []
    session.expire_all()
    assert session.get(Case, case.id).state == CaseState.RECEIVED
    assert len(session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).all()) == 1
    assert session.scalars(select(CaseLink).where(CaseLink.case_id == case.id)).all() == [link]
    # and the case is not in their queue or their CSV
    assert case.reference not in client.get("/staff/cases/").get_data(as_text=True)
    assert case.reference not in client.get("/staff/cases/queue.csv").get_data(as_text=True)


def test_a_recused_member_cannot_be_the_merge_target_route_either(client, session, staff, new_case):
    lead = staff("admin")
    member = staff()
    mine, theirs = new_case(), new_case()
    triage.recuse(session, theirs, lead.user, member.user)
    token = signed_in(client, session, member)
    response = client.post(
        f"/staff/cases/{mine.id}/merge",
        data={"csrf_token": token, "target": theirs.reference},
        follow_redirects=True,
    )
    assert "recused" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Case, mine.id).state == CaseState.RECEIVED


def test_links_take_references_and_a_refusal_keeps_what_was_typed(client, session, staff, new_case, customer):
    member = staff()
    case = new_case()
    ministry = customer("Ministry of Roads")
    token = signed_in(client, session, member)
    base = f"/staff/cases/{case.id}"
    page = client.get(base).get_data(as_text=True)
    assert f'<option value="customer:{ministry.id}">Customer: Ministry of Roads [XA]</option>' in page
    refused = client.post(f"{base}/links", data={"csrf_token": token, "reference": "Ministry of Rodas"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "No deployment, contract, customer or alert matches" in text
    assert 'value="Ministry of Rodas"' in text and f'action="{base}/links"' in text  # typed text kept
    assert session.scalars(select(CaseLink).where(CaseLink.case_id == case.id)).first() is None
    typed = client.post(f"{base}/links", data={"csrf_token": token, "reference": "  ministry of roads "})
    assert typed.status_code == 303
    [row] = session.scalars(select(CaseLink).where(CaseLink.case_id == case.id)).all()
    assert (row.kind, row.ref_id) == ("customer", ministry.id)


def test_a_refused_safeguard_proposal_keeps_its_reason(client, session, staff, new_case):
    member = staff()
    case = new_case()
    token = signed_in(client, session, member)
    data = {"csrf_token": token, "deployment_id": "", "kind": "suspend", "reason": "Phones tapped in Mombasa"}
    refused = client.post(f"/staff/cases/{case.id}/safeguard", data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Choose the deployment the action is for." in text
    assert "Phones tapped in Mombasa</textarea>" in text


def test_saving_a_rating_says_so(client, session, staff, new_case):
    member = staff()
    case = new_case()
    token = signed_in(client, session, member)
    response = client.post(
        f"/staff/cases/{case.id}/rate",
        data={"csrf_token": token, "severity": "3", "likelihood": ""},
        follow_redirects=True,
    )
    assert "Rating saved: severity 3, likelihood not rated." in response.get_data(as_text=True)


def test_merge_and_recusal_ask_first_and_change_nothing_until_confirmed(client, session, staff, new_case):
    lead, member = staff("admin"), staff()
    duplicate, original = new_case(), new_case()
    token = signed_in(client, session, lead)
    target = {"csrf_token": token, "target": original.reference}
    merge = client.post(f"/staff/cases/{duplicate.id}/merge", data=target)
    assert "This cannot be undone." in merge.get_data(as_text=True)
    recuse = {"csrf_token": token, "recuse-member": str(member.user.id)}
    asked = client.post(f"/staff/cases/{duplicate.id}/recuse", data=recuse).get_data(as_text=True)
    assert f"Recuse {member.user.email} from case {duplicate.reference}?" in asked
    session.expire_all()
    assert session.get(Case, duplicate.id).state == CaseState.RECEIVED
    assert not triage.is_recused(session, duplicate.id, member.user.id)
    client.post(f"/staff/cases/{duplicate.id}/recuse", data={**recuse, "confirmed": "yes"})
    assert triage.is_recused(session, duplicate.id, member.user.id)


def test_attachments_download_under_their_own_name_and_type(client, session, staff, new_case):
    member = staff()
    case = new_case(files=True)
    signed_in(client, session, member)
    [attachment] = case.attachments
    response = client.get(f"/staff/cases/{case.id}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.mimetype == attachment.media_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"case-{case.reference}" not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("stored", "header"),
    [
        ("report.pdf", "attachment; filename=report.pdf"),
        ('a"b;c.txt', 'attachment; filename="a\\"b;c.txt"'),
        ("صورة.jpg", "attachment; filename=.jpg; filename*=UTF-8''%D8%B5%D9%88%D8%B1%D8%A9.jpg"),
        ("../../etc/passwd\r\nSet-Cookie: x=1", 'attachment; filename="_.._etc_passwd_Set-Cookie: x=1"'),
        ("...", "attachment; filename=case-C-TEST01-1"),
    ],
)
def test_download_names_are_safe_in_the_header(app, stored, header):
    from flask import send_file

    from grievance.triage.export import download_name

    with app.test_request_context():
        name = download_name(stored, "case-C-TEST01-1")
        response = send_file(io.BytesIO(b"x"), as_attachment=True, download_name=name, etag=False)
    assert response.headers["Content-Disposition"] == header


def test_case_and_queue_show_labels_not_codes(client, session, staff, new_case):
    from contracts.models import Product

    member = staff()
    product = Product(name="Spectre Intercept 7")
    session.add(product)
    session.flush()
    case = new_case(country="KE")
    case.product_id, case.category, case.incident_period = product.id, "privacy;assembly", "past_6_months"
    session.flush()
    signed_in(client, session, member)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Spectre Intercept 7" in page and "Item #" not in page
    assert "Privacy, Freedom of assembly and association" in page and "Kenya (KE)" in page
    assert "In the past six months" in page
    queue_page = client.get("/staff/cases/").get_data(as_text=True)
    assert "Spectre Intercept 7" in queue_page
    assert "Privacy, Freedom of assembly and association" in queue_page
    assert f'<option value="{product.id}">Spectre Intercept 7</option>' in queue_page  # a pick list

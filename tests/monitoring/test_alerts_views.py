"""Staff pages for alerts and feeds: roles, CSRF, filters, decisions, health."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from endwatch import keyring
from grievance.models import Case
from monitoring.ingest import ingest_feed
from monitoring.models import Alert, AlertStatus, Feed, SuppressionRule
from tests.conftest import csrf_token
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, add_feed, parsed


@pytest.fixture
def alert(session) -> Alert:
    add_customer(session, "Corvane Systems", kind="private")
    add_customer(session, "Aquila Aerial", kind="private")
    feed = add_feed(session, "Lantern")
    ingest_feed(
        session, feed, parsed(CRACKDOWN, Item("Aquila Aerial opens an office in the capital", "", guid="aq"))
    )
    return session.scalars(select(Alert).where(Alert.matched.like("Corvane%"))).one()


# templates/grievance/public.html builds its language links with url_for(request.endpoint, lang=...),
# which cannot build routes that take arguments: error pages on /alerts/<id> fail until it passes view_args.


def post(client, target: str, page: str, **data):
    return client.post(target, data={"csrf_token": csrf_token(client, page), **data})


def test_anonymous_visitors_are_sent_to_login(client, alert):
    for url in (
        "/staff/monitoring/alerts",
        f"/staff/monitoring/alerts/{alert.id}",
        "/staff/monitoring/feeds",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login" in response.location


def test_alert_list_filters_by_level_status_and_customer(client, logged_in, alert):
    logged_in("auditor")
    page = client.get("/staff/monitoring/alerts").get_data(as_text=True)
    assert "Corvane Systems" in page and "Aquila Aerial" in page
    page = client.get("/staff/monitoring/alerts?level=critical").get_data(as_text=True)
    assert "Corvane Systems" in page and "opens an office" not in page
    page = client.get(f"/staff/monitoring/alerts?customer={alert.customer_id}&status=new").get_data(
        as_text=True
    )
    assert CRACKDOWN.title in page and "opens an office" not in page
    page = client.get("/staff/monitoring/alerts?status=dismissed").get_data(as_text=True)
    assert "No alerts match" in page
    assert client.get("/staff/monitoring/alerts?level=bogus&customer=x").status_code == 200


def test_alert_list_sorts_by_level_customer_and_date_and_filters_by_date(client, logged_in, session, alert):
    others = session.scalars(select(Alert).where(Alert.id != alert.id)).all()
    assert others and all(other.level != alert.level for other in others)
    alert.created_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    for other in others:
        other.created_at = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    session.flush()
    logged_in("auditor")

    def ids(query: str) -> list[int]:
        page = client.get("/staff/monitoring/alerts?" + query).get_data(as_text=True)
        return [int(n) for n in re.findall(r'<td><a href="/staff/monitoring/alerts/(\d+)">', page)]

    assert ids("sort=level")[0] == alert.id  # the critical one first
    assert ids("sort=oldest")[0] == alert.id and ids("sort=newest")[-1] == alert.id
    names = [session.get(Alert, n).customer.name for n in ids("sort=customer")]
    assert names == sorted(names)
    assert ids("from=2026-03-01&to=2026-03-01") == [alert.id]  # whole UTC days, both ends included
    assert alert.id not in ids("from=2026-03-02")
    page = client.get("/staff/monitoring/alerts?from=March&sort=level").get_data(as_text=True)
    assert "is not a date such as 2026-03-31" in page and ids("from=March&sort=level")[0] == alert.id
    assert re.search(r'href="/staff/monitoring/alerts\?[^"]*sort=customer', page)  # headings sort too


def test_alert_detail_explains_itself(client, logged_in, alert):
    logged_in("auditor")
    page = client.get(f"/staff/monitoring/alerts/{alert.id}").get_data(as_text=True)
    assert "<mark>" in page and alert.matched in page
    for reason in alert.reasons:
        assert reason.replace('"', "&#34;") in page or reason in page
    assert CRACKDOWN.link in page and "Lantern" in page and "credibility 0.90" in page
    assert "Acknowledge" not in page  # auditors read only


def test_auditors_cannot_decide(client, logged_in, alert):
    logged_in("auditor")
    for action in ("acknowledge", "dismiss", "escalate"):
        url = f"/staff/monitoring/alerts/{alert.id}/{action}"
        assert post(client, url, "/staff/monitoring/alerts").status_code == 403
    assert alert.status == AlertStatus.NEW


def test_a_triager_acknowledges_then_escalates(client, logged_in, session, alert):
    keyring.ensure_recovery_key(session)
    session.flush()
    member = logged_in("triager")
    detail = f"/staff/monitoring/alerts/{alert.id}"
    response = post(client, f"{detail}/acknowledge", detail, note="looking into it")
    assert response.status_code == 302
    session.refresh(alert)
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.decided_by == member.user.email
    response = post(client, f"{detail}/escalate", detail)
    session.refresh(alert)
    assert alert.status == AlertStatus.ESCALATED
    page = client.get(detail).get_data(as_text=True)
    assert "escalated" in page and alert.case_ref and alert.case_ref.startswith("case:")
    case = session.get(Case, int(alert.case_ref.removeprefix("case:")))
    assert f'<a href="/staff/cases/{case.id}">{case.reference}</a>' in page  # a link, by reference


def test_dismissing_asks_first_on_a_page_of_its_own_and_changes_nothing_until_confirmed(
    client, logged_in, session, alert
):
    logged_in("triager")
    detail = f"/staff/monitoring/alerts/{alert.id}"
    response = post(client, f"{detail}/dismiss", detail, suppress="feed", note="A namesake <b>firm</b>")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This cannot be undone." in page
    assert 'name="confirmed" value="yes"' in page and 'name="suppress" value="feed"' in page
    assert "A namesake &lt;b&gt;firm&lt;/b&gt;" in page  # the typed note is shown again, escaped
    assert f'href="{detail}"' in page  # cancel goes back
    session.refresh(alert)
    assert alert.status == AlertStatus.NEW
    assert session.scalars(select(SuppressionRule)).first() is None


def test_dismissing_can_create_a_suppression_rule(client, logged_in, session, alert):
    logged_in("triager")
    detail = f"/staff/monitoring/alerts/{alert.id}"
    assert post(client, f"{detail}/dismiss", detail, suppress="feed", confirmed="yes").status_code == 302
    session.refresh(alert)
    assert alert.status == AlertStatus.DISMISSED
    rule = session.scalars(select(SuppressionRule)).one()
    assert rule.customer_id == alert.customer_id and rule.feed_id == alert.entry.feed_id


def test_decisions_need_a_csrf_token(client, logged_in, session, alert):
    logged_in("triager")
    assert client.post(f"/staff/monitoring/alerts/{alert.id}/acknowledge").status_code == 400
    session.refresh(alert)
    assert alert.status == AlertStatus.NEW


def test_unknown_alerts_are_404(client, logged_in):
    logged_in("triager")
    assert client.get("/staff/monitoring/alerts/999999").status_code == 404
    assert (
        post(client, "/staff/monitoring/alerts/999999/dismiss", "/staff/monitoring/alerts").status_code == 404
    )


def test_feed_list_shows_health(client, logged_in, session):
    ok = add_feed(session, "Healthy Wire")
    broken = add_feed(session, "Broken Wire")
    broken.consecutive_failures, broken.last_error = 3, "HTTP 500 Internal Server Error"
    session.flush()
    logged_in("auditor")
    page = client.get("/staff/monitoring/feeds").get_data(as_text=True)
    assert ok.name in page and "healthy" in page
    assert "failing (3 in a row)" in page and "HTTP 500" in page
    assert "Add a feed" not in page


def test_a_triager_adds_a_feed_from_the_form(client, logged_in, session):
    logged_in("triager")
    response = post(
        client,
        "/staff/monitoring/feeds/new",
        "/staff/monitoring/feeds",
        name="Port Elmar Herald",
        url="https://herald.example.org/rss",
        credibility="0.6",
    )
    assert response.status_code == 302
    feed = session.scalars(select(Feed)).one()
    assert (feed.name, feed.credibility) == ("Port Elmar Herald", 0.6)


@pytest.mark.parametrize(
    ("url", "credibility", "message"),
    [
        ("ftp://x.example/rss", "0.5", "http"),
        ("https://x.example/rss", "2", "between"),
        ("https://x.example/rss", "", ""),
    ],
)
def test_bad_feed_forms_are_refused(client, logged_in, session, url, credibility, message):
    logged_in("admin")
    response = post(
        client,
        "/staff/monitoring/feeds/new",
        "/staff/monitoring/feeds",
        name="X",
        url=url,
        credibility=credibility,
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalars(select(Feed)).all() == []

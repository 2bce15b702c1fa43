"""The staff dashboard: open cases by state and age, overdue deadlines, alerts, feeds, gaps, reviews due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from contracts.models import Customer, CustomerKind, Deployment, DeploymentStatus, Product
from grievance.models import Case, CaseState, Outcome
from grievance.triage.models import CaseRecusal
from monitoring.models import Alert, AlertLevel, Entry, Feed, Story
from reporting import dashboard

NOW = datetime.now(UTC)
_count = iter(range(1, 100_000))


def add_case(
    session: Session, age: timedelta, state: CaseState, acknowledged: timedelta | None = None
) -> Case:
    n = next(_count)
    case = Case(
        reference=f"D{n:06d}", receipt_digest=f"dash-{n}", submitter_key=b"k", content_enc=b"c",
        created_at=NOW - age, state=state,
        acknowledged_at=NOW - acknowledged if acknowledged is not None else None,
    )
    if state == CaseState.CONCLUDED:
        case.outcome, case.concluded_at, case.feedback_given_at = Outcome.SUBSTANTIATED, NOW, NOW
    session.add(case)
    return case


def add_alert(session: Session, customer: Customer, feed: Feed, age: timedelta, level: AlertLevel) -> None:
    n = next(_count)
    story = Story(key=f"dash-story-{n}", title=f"Story {n}")
    entry = Entry(key_hash=f"dash-entry-{n}", title="t", text="t", feed=feed, story=story)
    session.add(Alert(customer=customer, story=story, entry=entry, score=0.8, level=level, matched="x",
                      snippet="...", created_at=NOW - age))


@pytest.fixture
def busy(session: Session) -> dict[str, object]:
    fresh = add_case(session, timedelta(days=2), CaseState.RECEIVED)
    unacknowledged = add_case(session, timedelta(days=10), CaseState.RECEIVED)
    no_feedback = add_case(
        session, timedelta(days=130), CaseState.ASSESSING, acknowledged=timedelta(days=125)
    )
    add_case(session, timedelta(days=40), CaseState.ADDRESSING, acknowledged=timedelta(days=39))
    add_case(session, timedelta(days=200), CaseState.CONCLUDED, acknowledged=timedelta(days=199))

    watched = Customer(name="Directorate of Signals", country="EG", kind=CustomerKind.GOVERNMENT)
    other = Customer(name="City Police", country="BR", kind=CustomerKind.GOVERNMENT)
    healthy = Feed(name="Healthy feed", url="https://ok.example/feed", credibility=0.8)
    failing = Feed(name="Broken feed", url="https://broken.example/feed", credibility=0.5,
                   consecutive_failures=3, last_error="HTTP 503")
    product = Product(name="Lawful Intercept Suite", capabilities=["internet_surveillance"])
    deployment = Deployment(ref="DEP-GAP", customer=watched, product=product, status=DeploymentStatus.ACTIVE)
    session.add_all([watched, other, healthy, failing, product, deployment])
    session.flush()
    for age, level in [(0, AlertLevel.CRITICAL), (0, AlertLevel.INFO), (1, AlertLevel.WARNING)]:
        add_alert(session, watched, healthy, timedelta(hours=age), level)
    add_alert(session, other, healthy, timedelta(weeks=3), AlertLevel.WARNING)
    add_alert(session, other, healthy, timedelta(weeks=20), AlertLevel.CRITICAL)
    session.flush()
    return {"fresh": fresh, "unacknowledged": unacknowledged, "no_feedback": no_feedback}


def test_open_cases_are_counted_by_state_and_age(session, busy):
    counts = dashboard.open_cases(session, NOW)
    assert counts["received"] == {
        "under 7 days": 1, "7 to 30 days": 1, "1 to 3 months": 0, "over 3 months": 0
    }
    assert counts["assessing"]["over 3 months"] == 1
    assert counts["addressing"]["1 to 3 months"] == 1
    assert "concluded" not in counts


def test_overdue_deadlines_list_the_late_cases_only(session, busy):
    overdue, total = dashboard.overdue_cases(session, NOW)
    assert total == 2
    assert {(o.reference, o.deadline.kind) for o in overdue} == {
        (busy["unacknowledged"].reference, "acknowledgement"),  # type: ignore[attr-defined]
        (busy["no_feedback"].reference, "feedback"),  # type: ignore[attr-defined]
    }


def test_overdue_cases_leave_out_those_the_viewer_is_recused_from(session, busy, make_member):
    member = make_member("triager")
    session.add(CaseRecusal(case_id=busy["unacknowledged"].id, user_id=member.user.id))
    session.flush()
    overdue, total = dashboard.overdue_cases(session, NOW, member.user.id)
    assert total == 1
    assert [o.reference for o in overdue] == [busy["no_feedback"].reference]


def test_alerts_are_counted_per_week_and_level(session, busy):
    weeks = dashboard.alerts_per_week(session, NOW)
    assert len(weeks) == dashboard.WEEKS
    this_week = weeks[0][1]
    assert this_week["critical"] == 1 and this_week["info"] == 1
    assert sum(sum(counts.values()) for _, counts in weeks) == 4  # the 20-week-old alert is out of range
    top = dashboard.top_customers(session, NOW)
    assert [(customer.name, count) for customer, count in top] == [
        ("Directorate of Signals", 3), ("City Police", 1)
    ]


def test_dashboard_needs_a_staff_login(client):
    response = client.get("/staff/dashboard")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["auditor", "triager", "admin"])
def test_every_role_reads_the_dashboard(client, logged_in, busy, role):
    logged_in(role)
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert "Open cases by state and age (4)" in page
    assert "Overdue deadlines (2)" in page
    assert busy["unacknowledged"].reference in page  # type: ignore[attr-defined]
    assert busy["fresh"].reference not in page  # type: ignore[attr-defined]
    assert "Broken feed" in page and "failing" in page and "HTTP 503" in page
    assert "DEP-GAP" in page  # an active deployment with no contract lacks every safeguard
    assert "Audit rights" in page and "audit_rights" not in page  # safeguards by label, not by code
    assert "Directorate of Signals" in page
    assert "Reassessments due within 30 days" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    assert "style=" not in page and "<script" not in page


def test_staff_menu_links_the_dashboard(client, logged_in):
    logged_in("auditor")
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert 'href="/staff/dashboard"' in page

"""Report figures against a year computed by hand, built with the other domains' models directly."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.models import (
    ActionKind,
    ActionStatus,
    Customer,
    CustomerKind,
    Deployment,
    EnforcementAction,
    Product,
    Reassessment,
)
from grievance.models import Case, CaseState, Outcome
from monitoring.models import Alert, AlertLevel, AlertStatus, Entry, Feed, Story
from reporting import figures
from reporting.suppression import FEWER_THAN, PUBLISHED

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
_serial = itertools.count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add_case(
    session: Session,
    created: str,
    *,
    category: str = "",
    country: str = "",
    state: CaseState = CaseState.RECEIVED,
    outcome: Outcome | None = None,
    ack: str | None = None,
    feedback: str | None = None,
    concluded: str | None = None,
) -> Case:
    n = next(_serial)
    case = Case(
        reference=f"R{n:06d}", receipt_digest=f"digest-{n}", submitter_key=b"k", content_enc=b"c",
        created_at=at(created), category=category, country=country, state=state, outcome=outcome,
        acknowledged_at=at(ack) if ack else None, feedback_given_at=at(feedback) if feedback else None,
        concluded_at=at(concluded) if concluded else None,
    )
    session.add(case)
    return case


def build_year(session: Session, make_member) -> None:  # type: ignore[no-untyped-def]
    """Six reports in 2025 (and one either side), alerts, safeguard actions and reviews; see the test."""
    add_case(session, "2025-01-10T10:00", category="privacy", country="FR", state=CaseState.CONCLUDED,
             outcome=Outcome.SUBSTANTIATED, ack="2025-01-12T10:00", feedback="2025-03-01T10:00",
             concluded="2025-03-01T10:00")
    add_case(session, "2025-02-01T00:00", category="privacy", country="DE", state=CaseState.CONCLUDED,
             outcome=Outcome.UNSUBSTANTIATED, ack="2025-02-11T00:00", feedback="2025-04-01T00:00",
             concluded="2025-04-01T00:00")
    add_case(session, "2025-03-01T00:00", category="expression;assembly", country="BR",
             state=CaseState.ASSESSING, ack="2025-03-04T00:00")
    add_case(session, "2025-12-30T00:00")
    add_case(session, "2025-06-15T00:00", category="privacy", country="NG", state=CaseState.ADDRESSING,
             ack="2025-06-16T00:00", feedback="2025-07-01T00:00")
    add_case(session, "2025-07-01T00:00", category="liberty", country="CN", state=CaseState.CONCLUDED,
             outcome=Outcome.OUTSIDE_SCOPE, ack="2025-07-02T00:00", feedback="2025-07-11T00:00",
             concluded="2025-07-11T00:00")
    add_case(session, "2024-12-31T23:00", category="privacy", country="FR")
    add_case(session, "2026-01-01T00:00", category="privacy", country="FR")

    customer = Customer(name="Ministry of Interior", country="EG", kind=CustomerKind.GOVERNMENT)
    product = Product(name="Interceptor")
    deployment = Deployment(ref="DEP-1", customer=customer, product=product)
    feed = Feed(name="NGO feed", url="https://ngo.example/feed", credibility=0.9)
    session.add_all([customer, product, deployment, feed])
    session.flush()
    for n, (status, decided) in enumerate([
        (AlertStatus.ESCALATED, "2025-05-01T00:00"),
        (AlertStatus.ESCALATED, "2025-11-30T00:00"),
        (AlertStatus.ACKNOWLEDGED, "2025-05-02T00:00"),
        (AlertStatus.ESCALATED, "2024-06-01T00:00"),
    ]):
        story = Story(key=f"story-{n}", title=f"Story {n}")
        entry = Entry(key_hash=f"entry-{n}", title="t", text="t", feed=feed, story=story)
        session.add(Alert(customer=customer, story=story, entry=entry, score=0.9, level=AlertLevel.CRITICAL,
                          matched="Ministry", snippet="...", status=status, decided_at=at(decided)))

    proposer, approver = make_member("triager"), make_member("admin")
    actions = [(ActionKind.DENY_UPDATES, ActionStatus.APPROVED, f"2025-0{m}-01T00:00") for m in range(1, 6)]
    actions += [
        (ActionKind.SUSPEND, ActionStatus.APPROVED, "2025-08-01T00:00"),
        (ActionKind.TERMINATE, ActionStatus.PROPOSED, None),
        (ActionKind.TERMINATE, ActionStatus.APPROVED, "2024-08-01T00:00"),
        (ActionKind.REINSTATE, ActionStatus.REJECTED, "2025-09-01T00:00"),
    ]
    for kind, status, decided in actions:
        session.add(EnforcementAction(
            deployment=deployment, kind=kind, status=status, reason="evidence",
            proposed_by_id=proposer.user.id,
            decided_by_id=approver.user.id if decided else None, decided_at=at(decided) if decided else None,
        ))
    for month in (1, 2, 3, 4, 5, 6, 7):
        session.add(Reassessment(customer=customer, reviewed_on=date(2025, month, 3), reviewer="a@b.example",
                                 tier="high", outcome="continue", next_due=date(2026, month, 3)))
    session.add(Reassessment(customer=customer, reviewed_on=date(2024, 12, 31), reviewer="a@b.example",
                             tier="high", outcome="continue", next_due=date(2025, 12, 31)))
    session.flush()


@pytest.fixture
def year_2025(session, make_member) -> figures.Figures:  # type: ignore[no-untyped-def]
    build_year(session, make_member)
    return figures.figures(session, 2025, AS_OF)


def test_counts_match_the_hand_computed_year(year_2025):
    f = year_2025
    assert f.received == 6
    assert {k: v for k, v in f.by_category.items() if v} == {
        "privacy": 3, "liberty": 1, "several": 1, "not_stated": 1
    }
    assert {k: v for k, v in f.by_region.items() if v} == {
        "europe": 2, "americas": 1, "africa": 1, "asia": 1, "not_stated": 1
    }
    assert {k: v for k, v in f.by_outcome.items() if v} == {
        "substantiated": 1, "unsubstantiated": 1, "outside_scope": 1, "open": 3
    }
    # Late acknowledgement: the case acknowledged after 10 days and the one never acknowledged.
    assert f.acknowledgement == {"on_time": 4, "late": 2, "not_yet_due": 0}
    # Late feedback: the case acknowledged on 4 March 2025 and still waiting; 30 December is not due yet.
    assert f.feedback == {"on_time": 4, "late": 1, "not_yet_due": 1}
    assert sorted(f.days_to_acknowledge) == [1, 1, 2, 3, 10]
    assert sorted(f.days_to_conclude) == [10, 50, 59]
    assert f.alerts_escalated == 2
    assert f.actions_by_type == {"deny_updates": 5, "suspend": 1, "terminate": 0, "reinstate": 0}
    assert f.reassessments_done == 7


def test_with_k_1_everything_is_published_as_counted(year_2025):
    published = figures.publish(year_2025, 1)
    assert published.received == figures.Cell(6, PUBLISHED)
    assert published.tables["region"].cell("europe") == figures.Cell(2, PUBLISHED)
    assert published.shares == {"acknowledgement": 67, "feedback": 80}
    assert published.medians == {"days_to_acknowledge": 2.0, "days_to_conclude": 50.0}


def test_with_k_5_small_counts_and_their_complements_are_hidden(year_2025):
    published = figures.publish(year_2025, 5)
    assert published.received == figures.Cell(6, PUBLISHED)
    category = published.tables["category"]
    assert category.cell("privacy") == figures.Cell(None, FEWER_THAN)
    assert category.cell("life") == figures.Cell(0, PUBLISHED)
    assert published.tables["acknowledgement"].cell("on_time") == figures.Cell(None, FEWER_THAN)
    # Shares would give the small counts away; five acknowledged cases are enough for a median.
    assert published.shares == {"acknowledgement": None, "feedback": None}
    assert published.medians == {"days_to_acknowledge": 2.0, "days_to_conclude": None}
    assert published.tables["feedback"].cell("not_yet_due") == figures.Cell(None, FEWER_THAN)


def test_the_companys_own_decisions_are_exact_however_small(year_2025):
    """Issue 15: small-count protection is for people, not for the company's decisions."""
    published = figures.publish(year_2025, 5)
    assert published.alerts_escalated == figures.Cell(2, PUBLISHED)
    assert published.reassessments_done == figures.Cell(7, PUBLISHED)
    actions = published.tables["actions"]
    assert actions.cell("suspend") == figures.Cell(1, PUBLISHED)
    assert actions.cell("deny_updates") == figures.Cell(5, PUBLISHED)
    assert actions.cell("terminate") == figures.Cell(0, PUBLISHED)
    assert actions.total == figures.Cell(6, PUBLISHED)
    assert not actions.withheld_whole
    # ...while counts of reports as small as these stay hidden in the same report.
    assert published.tables["category"].cell("liberty") == figures.Cell(None, FEWER_THAN)
    assert published.tables["region"].cell("europe") == figures.Cell(None, FEWER_THAN)


def test_cases_opened_from_monitoring_alerts_are_not_reports(session, make_member, year_2025):
    """Issue 11: a case staff open from an alert is not a grievance and is not counted as one."""
    before = year_2025
    alert = session.scalars(select(Alert).where(Alert.status == AlertStatus.ACKNOWLEDGED)).one()
    case = add_case(session, "2025-05-02T00:00", category="privacy", country="EG")
    session.flush()
    alert.case_ref, alert.status = f"case:{case.id}", AlertStatus.ESCALATED
    session.flush()
    after = figures.figures(session, 2025, AS_OF)
    assert after.received == before.received == 6
    assert after.by_category == before.by_category and after.by_region == before.by_region
    assert after.alerts_escalated == before.alerts_escalated + 1
    # The same case without the alert is counted: the rule reads the alert, not the case's content.
    alert.case_ref = None
    session.flush()
    assert figures.figures(session, 2025, AS_OF).received == 7


def test_json_report_publishes_no_small_number(year_2025):
    document = figures.as_json(figures.publish(year_2025, 5), {})
    assert document["grievances"]["received"] == 6
    assert document["grievances"]["by_region"]["europe"] == "fewer than 5"
    assert document["safeguard_actions"] == {
        "by_type": {"deny_updates": 5, "suspend": 1, "terminate": 0, "reinstate": 0},
        "total": 6,
    }
    assert document["alerts_escalated"] == 2
    assert document["timeliness"]["acknowledged_within_7_days"]["percent"] is None

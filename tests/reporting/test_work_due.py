"""The staff home page lists the work due, each row a link to where it is done."""

from __future__ import annotations

from datetime import timedelta

from contracts.models import ActionEvidence, ActionKind, ActionStatus, EnforcementAction
from endwatch.db import utcnow
from grievance.models import CaseState
from grievance.triage.models import CaseRecusal
from monitoring.models import AlertLevel
from tests.reporting.test_dashboard import add_case, busy  # noqa: F401 - the dashboard's fixture


def test_home_lists_late_and_soon_due_cases_new_alerts_and_pending_approvals(
    client, session, logged_in, make_member, busy  # noqa: F811
):
    due_soon = add_case(session, timedelta(days=3), CaseState.RECEIVED)  # acknowledgement in 4 days
    proposer = make_member("triager")
    action = EnforcementAction(
        deployment_id=busy_deployment(session), kind=ActionKind.SUSPEND, status=ActionStatus.PROPOSED,
        reason="Arrests", proposed_by_id=proposer.user.id, proposed_at=utcnow(), decision_note="",
        evidence=[ActionEvidence(kind="case", ref_id=busy["unacknowledged"].id)],
    )
    session.add(action)
    session.flush()
    me = logged_in("admin")
    session.add(CaseRecusal(case_id=busy["no_feedback"].id, user_id=me.user.id))
    session.flush()

    page = client.get("/staff/").get_data(as_text=True)
    late = busy["unacknowledged"]
    assert f'<a href="/staff/cases/{late.id}"><bdi>{late.reference}</bdi></a>' in page
    assert "overdue: Acknowledge receipt by" in page
    assert f'<a href="/staff/cases/{due_soon.id}">' in page and busy["fresh"].reference in page
    assert busy["no_feedback"].reference not in page  # recused: not this member's work
    assert f'href="/staff/monitoring/alerts?level={AlertLevel.CRITICAL.value}&amp;status=new"' in page
    assert f'href="/staff/contracts/actions#action-{action.id}"' in page
    assert f"proposed by {proposer.user.email}" in page


def busy_deployment(session) -> int:
    from sqlalchemy import select

    from contracts.models import Deployment

    return session.scalars(select(Deployment.id).where(Deployment.ref == "DEP-GAP")).one()

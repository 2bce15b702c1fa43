"""Published snapshots, tried as a visitor polling the public pages and as staff publishing them.

A visitor who polls /transparency must learn nothing when a report arrives or a case concludes: the
public pages show only snapshots of closed years, frozen when staff published them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from contracts.models import ActionKind, ActionStatus, Deployment, EnforcementAction
from endwatch.db import utcnow
from endwatch.models import AuditRecord
from grievance.models import Case, CaseState, Outcome
from monitoring import alerts as alert_service
from monitoring.models import Alert, AlertStatus
from reporting import figures, snapshots
from reporting.models import ReportSnapshot, SnapshotFrozen
from tests.conftest import csrf_token
from tests.grievance.conftest import submit
from tests.reporting.test_figures import add_case, build_year

PUBLIC = [
    "/transparency",
    "/transparency?lang=ar",
    "/transparency/2025",
    "/transparency/2025?lang=ru",
    "/transparency/2025.json",
    "/transparency/2024",
    "/transparency/2026",
    f"/transparency/{datetime.now(UTC).year}",
]


def poll(client) -> dict[str, tuple[int, bytes]]:  # type: ignore[no-untyped-def]
    """Every public report URL, each from a fresh visitor (no language cookie carried between them)."""
    fetched = {}
    for url in PUBLIC:
        response = client.application.test_client().get(url)
        fetched[url] = (response.status_code, response.get_data())
    return fetched


def snapshot_rows(session) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [(s.period, s.figures, s.digest) for s in session.scalars(select(ReportSnapshot))]


def audit_count(session, action: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == action))


@pytest.fixture
def year_2025(app, session, make_member, recovery_key):  # type: ignore[no-untyped-def]
    build_year(session, make_member)
    session.flush()
    return snapshots.publish(
        session, app.config["ENDWATCH"], snapshots.Period(2025), actor="test", now=utcnow()
    )


# -- a visitor polling the public pages -----------------------------------------------------------------


def test_polling_learns_nothing_when_a_report_arrives_or_a_case_concludes(client, session, year_2025):
    before = poll(client)
    assert before["/transparency"][0] == 200 and before["/transparency/2026"][0] == 404
    cases = session.scalar(select(func.count(Case.id)))

    # A report arrives through the real form...
    submit(client, what="They followed us after the march.", country="FR", rights=["assembly"])
    assert session.scalar(select(func.count(Case.id))) == cases + 1
    assert poll(client) == before

    # ...cases of the published year conclude, one more is recorded late, a measure is approved...
    for case in session.scalars(select(Case).where(Case.state != CaseState.CONCLUDED)):
        case.state, case.outcome, case.concluded_at = CaseState.CONCLUDED, Outcome.SUBSTANTIATED, utcnow()
        case.acknowledged_at = case.acknowledged_at or utcnow()
    add_case(session, "2025-11-11T00:00", category="privacy", country="FR")
    deployment = session.scalars(select(Deployment)).first()
    approver = session.scalars(select(EnforcementAction)).first()
    assert deployment is not None and approver is not None
    session.add(EnforcementAction(
        deployment=deployment, kind=ActionKind.TERMINATE, status=ActionStatus.APPROVED, reason="r",
        proposed_by_id=approver.proposed_by_id, decided_by_id=approver.decided_by_id,
        decided_at=datetime(2025, 12, 1, tzinfo=UTC),
    ))
    session.flush()
    # (the live figures did change: the snapshot is what keeps them from the page)
    assert figures.figures(session, 2025, utcnow()).received == 7
    assert figures.figures(session, 2025, utcnow()).actions_by_type["terminate"] == 1

    # ...and an alert is escalated to a case.
    alert = session.scalars(select(Alert).where(Alert.status == AlertStatus.ACKNOWLEDGED)).one()
    config = client.application.config["ENDWATCH"]
    this_year = figures.figures(session, utcnow().year, utcnow())
    opened = session.scalar(select(func.count(Case.id)))
    alert_service.escalate(session, alert.id, actor="test", config=config)
    session.flush()
    # The escalation opened a case, which the report does not count as a report received.
    assert session.scalar(select(func.count(Case.id))) == opened + 1
    after = figures.figures(session, utcnow().year, utcnow())
    assert after.received == this_year.received and after.by_region == this_year.by_region
    assert after.alerts_escalated == this_year.alerts_escalated + 1

    assert poll(client) == before


def test_a_published_snapshot_keeps_its_bytes_in_every_language(client, session, year_2025):
    pages = {code: client.get(f"/transparency/2025?lang={code}").get_data() for code in ("en", "ar")}
    for case in session.scalars(select(Case)):
        case.state, case.outcome, case.concluded_at = CaseState.CONCLUDED, Outcome.DUPLICATE, utcnow()
    session.flush()
    assert {code: client.get(f"/transparency/2025?lang={code}").get_data() for code in pages} == pages
    # The stored figures are only what was published: no count behind a "fewer than k".
    stored = json.loads(year_2025.figures)
    assert stored["tables"]["category"]["rows"][0] == ["privacy", None, "fewer_than"]
    assert "days_to_acknowledge" not in json.dumps(stored["tables"])


def test_a_snapshot_cannot_be_changed_or_deleted(session, year_2025):
    original = year_2025.figures
    with pytest.raises(SnapshotFrozen), session.begin_nested():
        year_2025.figures = original.replace('"received":[6', '"received":[60')
        session.flush()
    with pytest.raises(SnapshotFrozen), session.begin_nested():
        session.delete(year_2025)
        session.flush()
    assert snapshot_rows(session) == [("2025", original, year_2025.digest)]


def test_a_snapshot_whose_figures_were_altered_in_the_database_is_not_shown(session, year_2025):
    session.execute(
        ReportSnapshot.__table__.update().values(  # type: ignore[attr-defined]
            figures=year_2025.figures.replace('"received":[6', '"received":[60')
        )
    )
    session.expire_all()
    with pytest.raises(ValueError, match="does not match its digest"):
        snapshots.report_of(session.scalars(select(ReportSnapshot)).one())


def test_a_publication_racing_another_is_refused_by_the_database(app, session, year_2025, monkeypatch):
    """Two members publishing the same year at once: the unique period refuses the second, whole."""
    monkeypatch.setattr(snapshots, "find", lambda *_args: None)  # the other's row not seen yet
    with pytest.raises(snapshots.PublishRefused, match="published a moment ago"):
        snapshots.publish(session, app.config["ENDWATCH"], snapshots.Period(2025), actor="b", now=utcnow())
    assert snapshot_rows(session) == [("2025", year_2025.figures, year_2025.digest)]
    assert audit_count(session, "report.publish") == 1


# -- publishing from the command line -------------------------------------------------------------------


def test_cli_publishes_a_closed_year_once(cli, session, make_member):
    build_year(session, make_member)
    session.flush()
    result = cli("report", "publish", "2025")
    assert result.exit_code == 0, result.output
    rows = snapshot_rows(session)
    assert [period for period, _, _ in rows] == ["2025"]
    assert rows[0][2] in result.output and "/transparency/2025" in result.output
    assert audit_count(session, "report.publish") == 1
    record = session.scalars(select(AuditRecord).where(AuditRecord.action == "report.publish")).one()
    assert json.loads(record.details)["digest"] == rows[0][2] and record.target == "report:2025"

    again = cli("report", "publish", "2025")
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        f"Error: not published: 2025 was already published on {utcnow():%Y-%m-%d}: "
        "a published report never changes"
    ]
    assert snapshot_rows(session) == rows and audit_count(session, "report.publish") == 1

    # `report --year` prints the published figures, not the live ones.
    add_case(session, "2025-03-03T00:00", category="privacy", country="FR")
    session.flush()
    document = json.loads(cli("report", "--year", "2025", "--format", "json").output)
    assert document["grievances"]["received"] == 6
    assert document["published"] == utcnow().date().isoformat()
    preview = json.loads(cli("report", "--year", "2024", "--format", "json").output)
    assert preview["published"] is None


@pytest.mark.parametrize(
    "period, message",
    [
        (str(datetime.now(UTC).year), "has not ended yet: its report can be published from"),
        ("2025-Q3", "is not a period: reports cover a calendar year (UTC)"),
        ("1999", "is not a year this report can cover"),
        (str(datetime.now(UTC).year + 1), "is not a year this report can cover"),
    ],
)
def test_cli_refuses_an_open_or_malformed_period_with_one_line(cli, session, period, message):
    result = cli("report", "publish", period)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and message in result.output
    assert snapshot_rows(session) == [] and audit_count(session, "report.publish") == 0


def test_report_without_year_or_subcommand_says_what_is_needed(cli):
    result = cli("report")
    assert result.exit_code == 1 and "--year is required" in result.output


# -- publishing from the staff pages --------------------------------------------------------------------


def test_staff_publish_through_a_confirmation_page(client, session, logged_in, make_member):
    build_year(session, make_member)
    session.flush()
    logged_in("admin")
    page = client.get("/staff/transparency").get_data(as_text=True)
    year = datetime.now(UTC).year
    assert f"Open until {year + 1}-01-01" in page and "Ended, not published" in page
    assert f'action="/staff/transparency/{year}/publish"' not in page
    token = csrf_token(client, "/staff/transparency")

    asked = client.post("/staff/transparency/2025/publish", data={"csrf_token": token})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "This cannot be undone." in text
    assert 'name="confirmed" value="yes"' in text and "<script" not in text
    assert snapshot_rows(session) == []

    done = client.post("/staff/transparency/2025/publish", data={"csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/staff/transparency")
    rows = snapshot_rows(session)
    assert [r[0] for r in rows] == ["2025"] and audit_count(session, "report.publish") == 1
    listed = client.get("/staff/transparency").get_data(as_text=True)
    assert "is published at /transparency/2025" in listed and rows[0][2] in listed

    again = client.post("/staff/transparency/2025/publish", data={"csrf_token": token, "confirmed": "yes"})
    assert again.status_code == 409
    assert "already published" in again.get_data(as_text=True)
    assert snapshot_rows(session) == rows and audit_count(session, "report.publish") == 1


def test_staff_cannot_publish_an_open_year(client, session, logged_in):
    logged_in("admin")
    token = csrf_token(client, "/staff/transparency")
    year = datetime.now(UTC).year
    response = client.post(
        f"/staff/transparency/{year}/publish", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert response.status_code == 409
    assert f"{year} has not ended yet" in response.get_data(as_text=True)
    assert snapshot_rows(session) == [] and audit_count(session, "report.publish") == 0


@pytest.mark.parametrize("role", ["triager", "auditor"])
def test_only_admins_publish_but_staff_may_preview(client, session, logged_in, make_member, role):
    build_year(session, make_member)
    session.flush()
    logged_in(role)
    page = client.get("/staff/transparency").get_data(as_text=True)
    assert "An admin publishes." in page and "Publish 2025" not in page
    preview = client.get("/staff/transparency/2025/preview?lang=ar")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "not published" in text
    assert '<div class="preview" lang="ar" dir="rtl">' in text
    assert re.search(r'<span class="big">6</span>', text)
    assert client.get("/transparency/2025").status_code == 404  # the preview is not public
    token = csrf_token(client, "/staff/transparency")
    denied = client.post("/staff/transparency/2025/publish", data={"csrf_token": token, "confirmed": "yes"})
    assert denied.status_code == 403 and snapshot_rows(session) == []


def test_the_staff_pages_need_a_login(client):
    for url in ("/staff/transparency", "/staff/transparency/2025/preview"):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.post("/staff/transparency/2025/publish").status_code in (302, 400, 401)


# -- the demo -------------------------------------------------------------------------------------------


def test_the_demo_publishes_last_year(app, client, session, recovery_key):
    from grievance import demo as grievance_demo
    from reporting import demo

    last_year = utcnow().year - 1
    grievance_demo.load_past_year(session, app.config["ENDWATCH"], last_year, count=20)
    lines = demo.load_demo(session, app.config["ENDWATCH"])
    session.flush()
    assert [r[0] for r in snapshot_rows(session)] == [str(last_year)] and "/transparency" in lines[0]
    page = client.get("/transparency").get_data(as_text=True)
    assert f"<h1>Transparency report {last_year}</h1>" in page
    assert re.search(r'<span class="big">20</span>', page)
    assert demo.load_demo(session, app.config["ENDWATCH"]) == []  # run twice, published once

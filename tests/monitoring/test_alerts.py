"""Staff decisions on alerts and the export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from endwatch import keyring
from endwatch.models import AuditRecord
from grievance.models import Case
from grievance.triage.models import CaseLink
from monitoring import alerts
from monitoring.errors import AlertAlreadyDecided, AlertNotFound, MonitoringError
from monitoring.ingest import ingest_feed
from monitoring.models import Alert, AlertStatus, SuppressionRule
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, add_feed, parsed


@pytest.fixture
def alert(session) -> Alert:
    add_customer(session, "Corvane Systems", ["Corvane Group"], kind="private")
    ingest_feed(session, add_feed(session, "Lantern"), parsed(CRACKDOWN))
    return session.scalars(select(Alert)).one()


def actions(session) -> list[str]:
    return session.scalars(select(AuditRecord.action).order_by(AuditRecord.seq)).all()


def test_acknowledging_records_who_and_when(session, alert):
    alerts.acknowledge(session, alert.id, actor="a@x.example", note="seen")
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.decided_by == "a@x.example"
    assert alert.decided_at is not None and alert.decision_note == "seen"
    assert "alert.acknowledge" in actions(session)
    with pytest.raises(AlertAlreadyDecided):
        alerts.acknowledge(session, alert.id, actor="b@x.example")


def test_dismissing_with_a_phrase_rule_stops_the_same_false_positive(session, alert):
    _, rule = alerts.dismiss(session, alert.id, actor="a@x.example", suppress="phrase")
    assert alert.status == AlertStatus.DISMISSED
    assert rule.phrase and rule.customer_id == alert.customer_id and rule.feed_id is None
    other = add_feed(session, "Another")
    again = Item("Corvane Systems named again in a report on detained journalists", "", guid="again")
    assert ingest_feed(session, other, parsed(again)).alerts == 0


def test_dismissing_with_a_feed_rule_only_silences_that_feed(session, alert):
    _, rule = alerts.dismiss(session, alert.id, actor="a@x.example", suppress="feed")
    assert rule.feed_id == alert.entry.feed_id and rule.phrase is None
    again = Item("Corvane Systems named again in a report on detained journalists", "", guid="again")
    assert ingest_feed(session, alert.entry.feed, parsed(again)).alerts == 0
    assert ingest_feed(session, add_feed(session, "Another"), parsed(again)).alerts == 0  # same story
    fresh = Item("Corvane Systems spyware found on phones of exiled activists", "", guid="fresh")
    assert ingest_feed(session, add_feed(session, "Third"), parsed(fresh)).alerts == 1


def test_dismissing_without_a_rule_creates_none(session, alert):
    alerts.dismiss(session, alert.id, actor="a@x.example")
    assert session.scalars(select(SuppressionRule)).all() == []
    with pytest.raises(MonitoringError):
        alerts.dismiss(session, alert.id, actor="a@x.example", suppress="everything")


def test_escalating_without_a_recovery_key_changes_nothing(app, session, alert):
    with pytest.raises(MonitoringError, match="recovery key"):
        alerts.escalate(session, alert.id, config=app.config["ENDWATCH"], actor="a@x.example")
    assert alert.status == AlertStatus.NEW
    assert session.scalars(select(Case)).all() == []


def test_escalating_opens_a_sealed_case_linked_to_the_alert(app, session, alert):
    keyring.ensure_recovery_key(session)
    alerts.escalate(
        session, alert.id, config=app.config["ENDWATCH"], actor="a@x.example", note="needs a case"
    )
    case = session.scalars(select(Case)).one()
    assert alert.case_ref == f"case:{case.id}"
    links = {(link.kind, link.ref_id) for link in session.scalars(select(CaseLink))}
    assert links == {("alert", alert.id), ("customer", alert.customer_id)}
    assert alert.matched.encode() not in case.content_enc  # the evidence is encrypted like any report
    assert "case.opened_from_alert" in actions(session)
    with pytest.raises(AlertAlreadyDecided):
        alerts.escalate(session, alert.id, config=app.config["ENDWATCH"], actor="a@x.example")


def test_escalating_is_recorded_on_the_alert_and_audited(app, session, alert):
    keyring.ensure_recovery_key(session)
    alerts.escalate(
        session, alert.id, config=app.config["ENDWATCH"], actor="a@x.example", note="needs a case"
    )
    assert alert.status == AlertStatus.ESCALATED
    assert "alert.escalate" in actions(session)
    with pytest.raises(AlertAlreadyDecided):
        alerts.dismiss(session, alert.id, actor="a@x.example")


def test_unknown_alerts_are_refused(session):
    with pytest.raises(AlertNotFound):
        alerts.acknowledge(session, 999_999, actor="a@x.example")


def test_filters_by_level_status_and_customer(session, alert):
    other = add_customer(session, "Aquila Aerial", kind="private")
    ingest_feed(session, alert.entry.feed, parsed(Item("Aquila Aerial opens an office", "", guid="aq")))
    everything = alerts.list_alerts(session, alerts.AlertFilter())
    assert len(everything) == 2
    assert [a.id for a in alerts.list_alerts(session, alerts.AlertFilter(level=alert.level))] == [alert.id]
    assert [a.customer_id for a in alerts.list_alerts(session, alerts.AlertFilter(customer_id=other.id))] == [
        other.id
    ]
    alerts.acknowledge(session, alert.id, actor="a@x.example")
    assert [a.id for a in alerts.list_alerts(session, alerts.AlertFilter(status=AlertStatus.NEW))] != [
        alert.id
    ]


def test_export_objects_carry_the_documented_fields(session, alert):
    rows = json.loads(alerts.export_json(session))
    assert len(rows) == 1
    row = rows[0]
    assert row["customer"] == "Corvane Systems"
    assert row["entry_id"] == "crackdown-1"
    assert row["link"] == CRACKDOWN.link
    assert row["title"] == CRACKDOWN.title
    assert row["feed"] == "Lantern"
    assert 0 <= row["score"] <= 1 and row["level"] == "critical"
    assert "Corvane" in row["matched"]
    assert isinstance(row["reasons"], list) and all(isinstance(r, str) for r in row["reasons"])
    table = list(csv.DictReader(io.StringIO(alerts.export_csv(session))))
    assert table[0]["reasons"] == "; ".join(row["reasons"])
    assert {k: table[0][k] for k in ("customer", "entry_id", "feed", "level")} == {
        k: str(row[k]) for k in ("customer", "entry_id", "feed", "level")
    }

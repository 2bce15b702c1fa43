"""Storing entries once, grouping syndicated copies, matching and raising alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from endwatch.events import customers_changed
from monitoring.ingest import ingest_feed, rematch_recent
from monitoring.models import Alert, AlertLevel, Entry, Story, SuppressionRule
from monitoring.text import fold
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, add_feed, parsed


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_an_entry_naming_a_customer_raises_one_explained_alert(session):
    customer = add_customer(session, "Corvane Systems", ["Corvane"], kind="private")
    feed = add_feed(session)
    report = ingest_feed(session, feed, parsed(CRACKDOWN))
    assert (report.entries, report.alerts) == (1, 1)
    alert = session.scalars(select(Alert)).one()
    assert alert.customer_id == customer.id
    assert alert.level == AlertLevel.CRITICAL
    assert "Corvane" in alert.matched
    assert "Corvane" in alert.snippet
    assert any("journalists" in reason for reason in alert.reasons)
    entry = session.get(Entry, alert.entry_id)
    assert entry.guid == "crackdown-1"
    assert "<strong>" not in entry.text and "Corvane Systems were used" in entry.text


def test_ingesting_the_same_feed_twice_stores_nothing_new(session):
    add_customer(session, "Corvane Systems", kind="private")
    feed = add_feed(session)
    document = parsed(CRACKDOWN, Item("Quiet day", "Nothing happened.", guid="quiet"))
    first = ingest_feed(session, feed, document)
    second = ingest_feed(session, feed, document)
    assert (first.entries, first.alerts) == (2, 1)
    assert (second.entries, second.duplicates, second.alerts) == (0, 2, 0)
    assert count(session, Entry) == 2 and count(session, Alert) == 1


def test_entries_are_deduplicated_by_guid_then_link_then_content(session):
    feed = add_feed(session)
    other = add_feed(session, "Other Wire")
    items = [
        Item("Guid item", "a", guid="g-1", link="https://a.example/1"),
        Item("Link item", "b", link="https://a.example/2"),
        Item("Bare item", "c"),
    ]
    ingest_feed(session, feed, parsed(*items))
    # The same guid with another link, the same link, the same content: all already stored.
    again = [
        Item("Guid item (updated)", "a2", guid="g-1", link="https://a.example/changed"),
        Item("Link item", "b", link="https://a.example/2"),
        Item("Bare item", "c"),
    ]
    report = ingest_feed(session, other, parsed(*again))
    assert report.entries == 0 and report.duplicates == 3
    assert count(session, Entry) == 3


_RANK = {AlertLevel.INFO: 0, AlertLevel.WARNING: 1, AlertLevel.CRITICAL: 2}


def test_syndicated_copies_share_a_story_and_raise_one_alert_per_customer(session):
    add_customer(session, "Corvane Systems", kind="private")
    wire, paper = add_feed(session, "Wire", credibility=0.2), add_feed(session, "Paper", credibility=0.9)
    copy = Item(
        CRACKDOWN.title.upper() + "!", CRACKDOWN.body, guid="paper-77", link="https://paper.example/77"
    )
    ingest_feed(session, wire, parsed(Item(CRACKDOWN.title, CRACKDOWN.body, guid="wire-1")))
    first = session.scalars(select(Alert)).one()
    weaker = (_RANK[first.level], first.score)
    report = ingest_feed(session, paper, parsed(copy))
    assert report.entries == 1 and report.alerts == 0
    assert count(session, Entry) == 2 and count(session, Story) == 1
    alert = session.scalars(select(Alert)).one()
    # The more credible copy makes the one alert stronger (a higher level, or the same level with a higher
    # score: a report this plain can take the score to its ceiling from any source) and points at it.
    assert (_RANK[alert.level], alert.score) > weaker
    assert session.get(Entry, alert.entry_id).guid == "paper-77"


def test_short_generic_titles_do_not_merge_different_stories(session):
    feed = add_feed(session)
    ingest_feed(
        session,
        feed,
        parsed(
            Item("Weekly digest", "Export licences were granted.", guid="d1"),
            Item("Weekly digest", "A court ruled on spyware.", guid="d2"),
        ),
    )
    assert count(session, Story) == 2


def test_text_is_taken_from_html_with_entities_decoded(session):
    feed = add_feed(session)
    ingest_feed(
        session,
        feed,
        parsed(Item("A &amp; B", "<p>Caf&eacute; <b>Pol&iacute;cia</b>&nbsp;raid</p>", guid="h")),
    )
    entry = session.scalars(select(Entry)).one()
    assert entry.text == "A & B\n\nCafé Polícia raid"


def test_suppression_rules_stop_alerts_for_that_phrase_or_feed(session):
    customer = add_customer(session, "Corvane Systems", ["Corvane Group"], kind="private")
    feed, other = add_feed(session), add_feed(session, "Other")
    session.add(SuppressionRule(customer_id=customer.id, phrase=fold("Corvane Group"), created_by="t"))
    session.add(SuppressionRule(customer_id=customer.id, feed_id=other.id, created_by="t"))
    session.flush()
    ingest_feed(
        session, feed, parsed(Item("Corvane Group spyware used on detained journalists", "", guid="s1"))
    )
    ingest_feed(session, other, parsed(CRACKDOWN))
    assert count(session, Alert) == 0
    ingest_feed(
        session,
        feed,
        parsed(Item("Corvane Systems sold spyware used on detained journalists", "", guid="s3")),
    )
    assert session.scalars(select(Alert.matched)).one() == "Corvane Systems"


def test_adding_a_customer_rematches_recent_entries(session):
    feed = add_feed(session)
    ingest_feed(session, feed, parsed(CRACKDOWN))
    old = Item("Corvane Systems spyware used on detained journalists in 2019", "", guid="old")
    ingest_feed(session, feed, parsed(old), now=datetime.now(UTC) - timedelta(days=90))
    session.execute(Entry.__table__.update().where(Entry.guid == "old").values(published_at=None))
    assert count(session, Alert) == 0
    customer = add_customer(session, "Corvane Systems", kind="private")
    customers_changed.send(session, customer_ids=[customer.id])
    alerts = session.scalars(select(Alert)).all()
    assert [a.customer_id for a in alerts] == [customer.id]
    assert session.get(Entry, alerts[0].entry_id).guid == "crackdown-1"


def test_rematching_twice_raises_nothing_new(session):
    feed = add_feed(session)
    ingest_feed(session, feed, parsed(CRACKDOWN))
    customer = add_customer(session, "Corvane Systems", kind="private")
    assert len(rematch_recent(session, [customer.id])) == 1
    assert rematch_recent(session, [customer.id]) == []


def test_a_generic_name_of_another_country_raises_nothing(session):
    add_customer(session, "Ministry of Interior", country="VA")
    feed = add_feed(session)
    ingest_feed(
        session,
        feed,
        parsed(
            Item("France: Ministry of Interior spyware used on detained journalists in Paris", "", guid="fr")
        ),
    )
    assert count(session, Alert) == 0


def test_demo_loads_the_sample_feeds_without_network_and_raises_alerts(session, app):
    from monitoring.demo import load_demo

    add_customer(session, "Kestrel Signal Analytics", ["Kestrel"], country="GB", kind="private")
    lines = load_demo(session, app.config["ENDWATCH"])
    assert count(session, Entry) > 15 and count(session, Alert) >= 1
    assert "6 sample feeds" in lines[0]
    before = (count(session, Entry), count(session, Alert))
    load_demo(session, app.config["ENDWATCH"])  # twice is harmless
    assert (count(session, Entry), count(session, Alert)) == before


def test_copies_of_a_story_in_one_feed_raise_one_alert_at_the_stronger_copy(session):
    customer = add_customer(session, "Corvane Systems", kind="private")
    title = "Corvane Systems contract questioned by lawmakers"
    weak = Item(title, "Corvane Systems opened an office in the capital.", guid="weak")
    strong = Item(title, "Corvane Systems spyware was used against detained journalists.", guid="strong")
    report = ingest_feed(session, add_feed(session), parsed(weak, strong, Item(title, "", guid="bare")))
    assert (report.entries, report.alerts) == (3, 1)
    alert = session.scalars(select(Alert)).one()
    assert report.alert_ids == [alert.id] and alert.customer_id == customer.id
    assert session.get(Entry, alert.entry_id).guid == "strong"
    assert alert.level == AlertLevel.CRITICAL and any("journalists" in r for r in alert.reasons)
    assert count(session, Story) == 1
    # Written as rows, read back as objects: the feed and story are the ones of the entries.
    entries = session.scalars(select(Entry).order_by(Entry.id)).all()
    assert [e.guid for e in entries] == ["weak", "strong", "bare"]
    assert {e.story_id for e in entries} == {alert.story_id}
    assert entries[0].feed.entry_count == 3


def test_matching_leaves_the_cycle_collector_as_it_found_it(session, monkeypatch):
    import gc

    from monitoring.matching import Matcher

    add_customer(session, "Corvane Systems", kind="private")
    feed = add_feed(session)
    seen: list[bool] = []
    scan = Matcher.scan

    def watching(self, text):
        seen.append(gc.isenabled())
        return scan(self, text)

    monkeypatch.setattr(Matcher, "scan", watching)
    assert gc.isenabled()
    ingest_feed(session, feed, parsed(CRACKDOWN))
    assert seen == [False] and gc.isenabled()

    def failing(self, text):
        raise RuntimeError("scan failed")

    monkeypatch.setattr(Matcher, "scan", failing)
    with pytest.raises(RuntimeError):
        ingest_feed(session, feed, parsed(Item("Corvane Systems again", "", guid="again")))
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(Matcher, "scan", watching)
        ingest_feed(session, feed, parsed(Item("Corvane Systems once more", "", guid="more")))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_rows_written_together_get_the_ids_of_their_own_rows(session):
    names = ["Corvane Systems", "Ixtalon Labs", "Brizanor Group", "Velumsar Technologies", "Quodarix GmbH"]
    customers = {add_customer(session, name, kind="private").id: name for name in names}
    items = [
        Item(
            f"Report {number} on {name} and the crackdown",
            f"{name} spyware was used on journalists.",
            guid=name,
        )
        for number, name in enumerate(reversed(names))
    ]
    report = ingest_feed(session, add_feed(session), parsed(*items))
    alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
    assert report.alert_ids == [alert.id for alert in alerts] and len(alerts) == len(names)
    for alert in alerts:
        entry = session.get(Entry, alert.entry_id)
        assert entry.guid == customers[alert.customer_id] and entry.story_id == alert.story_id
        assert session.get(Story, entry.story_id).title == entry.title

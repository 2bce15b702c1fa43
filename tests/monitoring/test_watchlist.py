"""The watchlist is read without ORM objects and the built matcher is kept across runs, signed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts.models import Customer, CustomerKind
from monitoring import watchlist
from monitoring.evaluation import entry_text, load_entries, load_watchlist
from monitoring.matching import Matcher, WatchName
from monitoring.models import Alert
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, rss


@pytest.fixture(autouse=True)
def no_matcher_kept_in_this_process(monkeypatch):
    monkeypatch.setattr(watchlist, "_kept", {})


def _ingest(cli, tmp_path: Path, *items: Item, name: str = "feed"):
    path = tmp_path / f"{name}.rss"
    path.write_bytes(rss(*items))
    return cli("feeds", "ingest", str(path), "--name", name, "--credibility", "0.9")


def _kept(home: Path) -> list[Path]:
    return sorted(p for p in (home / "data" / "matcher").iterdir() if not p.name.startswith("."))


def _builds(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = Matcher.build.__func__

    def counting(cls, names):
        calls.append(1)
        return original(cls, names)

    monkeypatch.setattr(Matcher, "build", classmethod(counting))
    return calls


def test_customers_are_read_as_plain_rows(session):
    add_customer(session, "Corvane Systems", ["Corvane"], kind="private")
    session.expunge_all()
    names = watchlist.watch_names(session)
    assert [(n.name, n.aliases, n.kind) for n in names] == [("Corvane Systems", ("Corvane",), "private")]
    assert not [o for o in session.identity_map.values() if isinstance(o, Customer)]


def test_the_next_run_loads_the_kept_matcher_instead_of_building_it(
    cli, session, home, tmp_path, monkeypatch
):
    add_customer(session, "Corvane Systems", kind="private")
    session.flush()
    builds = _builds(monkeypatch)
    assert _ingest(cli, tmp_path, CRACKDOWN, name="first").exit_code == 0
    assert len(builds) == 1 and len(_kept(home)) == 1
    monkeypatch.setattr(watchlist, "_kept", {})  # a new process
    later = Item("Corvane Systems spyware found on the phones of exiled activists", guid="later")
    assert _ingest(cli, tmp_path, later, name="second").exit_code == 0
    assert len(builds) == 1
    assert len(session.scalars(select(Alert)).all()) == 2


def test_a_kept_matcher_someone_else_wrote_is_not_used(cli, session, home, tmp_path, monkeypatch):
    add_customer(session, "Corvane Systems", kind="private")
    session.flush()
    assert _ingest(cli, tmp_path, CRACKDOWN, name="first").exit_code == 0
    (kept,) = _kept(home)
    # An attacker who can write to ENDWATCH_HOME/data but lacks the key renames the customer away.
    state = json.loads((kept / "state.json").read_text())
    state["aliases"] = [a.replace("Corvane Systems", "Nobody At All") for a in state["aliases"]]
    (kept / "state.json").write_text(json.dumps(state))
    monkeypatch.setattr(watchlist, "_kept", {})
    builds = _builds(monkeypatch)
    later = Item("Corvane Systems spyware found on the phones of exiled activists", guid="later")
    assert _ingest(cli, tmp_path, later, name="second").exit_code == 0
    assert len(builds) == 1  # rebuilt from the database
    assert len(session.scalars(select(Alert)).all()) == 2
    (rewritten,) = _kept(home)
    assert "Corvane Systems" in (rewritten / "state.json").read_text()


def test_a_changed_watchlist_is_a_new_version(session):
    add_customer(session, "Corvane Systems", kind="private")
    before = watchlist.version(watchlist.watch_rows(session))
    add_customer(session, "Ostrava Dynamics", kind="private")
    assert watchlist.version(watchlist.watch_rows(session)) != before


def test_rows_read_from_the_cursor_are_the_customers_the_orm_reads(session):
    add_customer(session, "Служба безопасности Dorto", ["SBD", "Dorto Security"], country="KZ")
    add_customer(session, "Corvane Systems", kind="private")
    add_customer(session, 'Ostrava "Dynamics" GmbH', ["Ostrava", "أوسترافا"], country="CZ", kind="reseller")
    session.flush()
    through_orm = [
        (c.id, c.name, tuple(c.aliases or ()), c.country, c.kind)
        for c in session.scalars(select(Customer).order_by(Customer.id))
    ]
    names = watchlist.watch_names(session)
    assert [(n.customer_id, n.name, n.aliases, n.country, n.kind) for n in names] == through_orm
    assert all(isinstance(n.kind, CustomerKind) for n in names)
    some = watchlist.watch_names(session, [through_orm[1][0]])
    assert [n.name for n in some] == ["Corvane Systems"]


def test_a_changed_customer_builds_a_new_matcher_on_the_next_run(cli, session, home, tmp_path, monkeypatch):
    customer = add_customer(session, "Corvane Systems", kind="private")
    session.flush()
    builds = _builds(monkeypatch)
    assert _ingest(cli, tmp_path, CRACKDOWN, name="first").exit_code == 0
    customer.aliases = ["Halberd Networks"]
    session.flush()
    monkeypatch.setattr(watchlist, "_kept", {})  # a new process
    later = Item("Halberd Networks spyware found on the phones of exiled activists", guid="later")
    assert _ingest(cli, tmp_path, later, name="second").exit_code == 0
    assert len(builds) == 2 and len(_kept(home)) == 2
    assert session.scalars(select(Alert.matched).order_by(Alert.id)).all() == [
        "Corvane Systems",
        "Halberd Networks",
    ]


def test_a_kept_matcher_signed_with_another_key_is_not_used(cli, session, home, tmp_path, monkeypatch):
    add_customer(session, "Corvane Systems", kind="private")
    session.flush()
    assert _ingest(cli, tmp_path, CRACKDOWN, name="first").exit_code == 0
    (kept,) = _kept(home)
    # Someone who can write the data folder builds their own matcher (another customer only) and signs
    # it with a key of their own.
    other = WatchName(1, "Nobody At All", (), "VA", CustomerKind.PRIVATE)
    watchlist._save(Matcher.build([other]), tmp_path / "forged", b"not the server key")
    for part in ("automaton.bin", "state.json", "signature"):
        (kept / part).write_bytes((tmp_path / "forged" / part).read_bytes())
    monkeypatch.setattr(watchlist, "_kept", {})
    builds = _builds(monkeypatch)
    later = Item("Corvane Systems spyware found on the phones of exiled activists", guid="later")
    assert _ingest(cli, tmp_path, later, name="second").exit_code == 0
    assert len(builds) == 1
    assert len(session.scalars(select(Alert)).all()) == 2


def test_a_kept_matcher_finds_what_a_built_one_finds(tmp_path):
    corpus = Path(__file__).parent / "realworld"
    built = Matcher.build(load_watchlist(corpus))
    key = b"k" * 32
    watchlist._save(built, tmp_path / "kept", key)
    kept = watchlist._load(tmp_path / "kept", key)
    assert kept is not None
    texts = [entry_text(e) for e in load_entries(corpus, ["train"])]
    mentions = [built.scan(text) for text in texts]
    assert sum(map(len, mentions)) > 100
    assert any("form:misspelt" in m.features for found in mentions for m in found)
    assert [kept.scan(text) for text in texts] == mentions
    assert [kept.candidates(text) for text in texts[:40]] == [built.candidates(text) for text in texts[:40]]


def test_changed_monitoring_code_is_a_new_version(tmp_path, monkeypatch):
    rows = [(1, "Corvane Systems", '["Corvane"]', "VA", "private")]
    code = tmp_path / "monitoring"
    code.mkdir()
    (code / "matching.py").write_text("# the matcher\n")
    monkeypatch.setattr(watchlist, "_CODE", code)
    watchlist._code_version.cache_clear()
    try:
        before = watchlist.version(rows)
        (code / "matching.py").write_text("# the matcher, changed\n")
        watchlist._code_version.cache_clear()
        assert watchlist.version(rows) != before
        assert watchlist.version([(1, "Corvane Systems", '["Corvane", "CS"]', "VA", "private")]) != before
    finally:
        watchlist._code_version.cache_clear()


def test_only_the_newest_kept_matchers_stay_on_disk(tmp_path):
    key = b"k" * 32
    folder = tmp_path / "matcher"
    abandoned = folder / ".building-crashed"
    abandoned.mkdir(parents=True)
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    fresh = folder / ".building-now"  # another process writing at this moment
    fresh.mkdir()
    for number in range(5):
        matcher = Matcher.build([WatchName(1, f"Corvane Systems {number}", (), "VA", CustomerKind.PRIVATE)])
        watchlist._save(matcher, folder / f"version-{number}", key)
        os.utime(folder / f"version-{number}", (1_000_000 + number, 1_000_000 + number))
    latest = Matcher.build([WatchName(1, "Corvane Systems", (), "VA", CustomerKind.PRIVATE)])
    watchlist._save(latest, folder / "version-latest", key)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [".building-now", "version-3", "version-4", "version-latest"]
    assert watchlist._load(folder / "version-latest", key) is not None


def test_a_name_holding_a_field_separator_is_matched_but_not_kept(tmp_path):
    # The kept texts' separators are private-use characters (JSON writes them as they are).
    odd = WatchName(1, "Corvane\ue01fSystems", ("Corvane\ue01eGroup", "Halberd"), "VA", CustomerKind.PRIVATE)
    matcher = Matcher.build([odd])
    watchlist._save(matcher, tmp_path / "kept", b"k" * 32)
    assert not (tmp_path / "kept").exists()
    assert [m.matched for m in matcher.scan("Halberd spyware was used against detained journalists")] == [
        "Halberd"
    ]


def test_a_version_kept_by_another_process_first_is_left_as_it_is(tmp_path):
    key = b"k" * 32
    matcher = Matcher.build([WatchName(1, "Corvane Systems", (), "VA", CustomerKind.PRIVATE)])
    watchlist._save(matcher, tmp_path / "matcher" / "v1", key)
    signature = (tmp_path / "matcher" / "v1" / "signature").read_text()
    watchlist._save(matcher, tmp_path / "matcher" / "v1", key)  # a second writer of the same version
    assert [p.name for p in (tmp_path / "matcher").iterdir()] == ["v1"]  # no staging folder left
    assert (tmp_path / "matcher" / "v1" / "signature").read_text() == signature
    assert watchlist._load(tmp_path / "matcher" / "v1", key) is not None

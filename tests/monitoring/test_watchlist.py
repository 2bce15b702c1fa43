"""The watchlist is read without ORM objects and the built matcher is kept across runs, signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts.models import Customer
from monitoring import watchlist
from monitoring.matching import Matcher
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

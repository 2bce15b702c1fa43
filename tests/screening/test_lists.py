"""Lists load as versions: the same file twice changes nothing, a new file records what changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitoring.fetch import fetch_feed
from screening import lists
from screening.errors import ScreeningError
from screening.models import ChangeKind, ListChange, ListEntity, ListFormat, ListVersion, ScreeningList
from screening.parsers import ListFormatError
from tests.screening.support import FIXTURES, ListServer, ftm_line, write_ftm

LIMITS = lists.list_limits(allow_private=True)


def load(session: Session, name: str, source: str | Path, fmt: ListFormat) -> lists.LoadReport:
    return lists.import_list(session, name, str(source), fmt, fetch_feed, LIMITS)


def entity(session: Session, list_name: str, entity_id: str) -> ListEntity:
    return session.scalars(
        select(ListEntity)
        .join(ScreeningList)
        .where(ScreeningList.name == list_name, ListEntity.entity_id == entity_id)
    ).one()


def test_each_format_loads_its_parties(session: Session) -> None:
    assert load(session, "OpenSanctions", FIXTURES / "entities.ftm.json", ListFormat.FTM).entity_count == 5
    assert load(session, "CSL json", FIXTURES / "consolidated.json", ListFormat.CSL).entity_count == 4
    assert load(session, "CSL csv", FIXTURES / "consolidated.csv", ListFormat.CSL).entity_count == 4
    assert load(session, "SDN", FIXTURES / "sdn", ListFormat.SDN).entity_count == 3
    assert load(session, "SDN by file", FIXTURES / "sdn" / "sdn.csv", ListFormat.SDN).entity_count == 3
    assert entity(session, "SDN", "32479").data["programs"] == ["CYBER2", "RUSSIA-EO14024"]


def test_loading_the_same_file_again_records_no_version(session: Session) -> None:
    first = load(session, "OS", FIXTURES / "entities.ftm.json", ListFormat.FTM)
    again = load(session, "OS", FIXTURES / "entities.ftm.json", ListFormat.FTM)
    assert (first.version, first.added, again.unchanged, again.version) == (1, 5, True, 1)
    assert session.scalar(select(func.count()).select_from(ListVersion)) == 1


def test_a_new_file_records_added_changed_and_removed_and_keeps_what_the_listing_said(
    session: Session, tmp_path: Path
) -> None:
    path = write_ftm(
        tmp_path / "list.json",
        ftm_line("a", "Alpha Interception Ltd", countries=("cy",)),
        ftm_line("b", "Bravo Signals", countries=("ae",)),
        ftm_line("c", "Charlie Vision", countries=("cn",)),
    )
    load(session, "Test list", path, ListFormat.FTM)
    write_ftm(
        path,
        ftm_line("a", "Alpha Interception Ltd", countries=("cy",)),
        ftm_line("b", "Bravo Signals", aliases=("Bravo Signals FZE",), countries=("ae",)),
        ftm_line("d", "Delta Tracking", countries=("ru",)),
    )
    report = load(session, "Test list", path, ListFormat.FTM)
    assert (report.version, report.added, report.changed, report.removed) == (2, 1, 1, 1)
    changes = {
        (c.entity.entity_id, c.kind): c
        for c in session.scalars(select(ListChange).join(ListVersion).where(ListVersion.number == 2))
    }
    assert set(changes) == {("d", ChangeKind.ADDED), ("b", ChangeKind.CHANGED), ("c", ChangeKind.REMOVED)}
    previous = changes[("b", ChangeKind.CHANGED)].previous or {}
    assert previous["name"] == "Bravo Signals" and "aliases" not in previous
    assert entity(session, "Test list", "b").aliases == ["Bravo Signals FZE"]
    removed = entity(session, "Test list", "c")
    assert removed.delisted_version == 2 and removed.delisted_at is not None
    assert changes[("c", ChangeKind.REMOVED)].previous["name"] == "Charlie Vision"  # type: ignore[index]


def test_a_malformed_file_changes_nothing_and_names_its_line(session: Session, tmp_path: Path) -> None:
    path = write_ftm(
        tmp_path / "list.json", ftm_line("a", "Alpha Interception Ltd"), ftm_line("b", "Bravo Signals")
    )
    load(session, "Test list", path, ListFormat.FTM)
    session.flush()
    path.write_text(
        ftm_line("a", "Alpha Renamed") + "\n{broken\n" + ftm_line("z", "Zulu") + "\n", encoding="utf-8"
    )
    with pytest.raises(ListFormatError, match="list.json line 2: not a JSON entity"):
        with session.begin_nested():
            load(session, "Test list", path, ListFormat.FTM)
    session.expire_all()
    assert entity(session, "Test list", "a").name == "Alpha Interception Ltd"
    assert session.scalar(select(func.count()).select_from(ListEntity)) == 2
    assert session.scalars(select(ScreeningList)).one().version == 1


def test_a_list_keeps_its_format_and_a_missing_file_is_refused(session: Session, tmp_path: Path) -> None:
    load(session, "OS", FIXTURES / "entities.ftm.json", ListFormat.FTM)
    with pytest.raises(ScreeningError, match="is in the ftm format, not csl"):
        load(session, "OS", FIXTURES / "consolidated.json", ListFormat.CSL)
    with pytest.raises(ScreeningError, match="no such file"):
        load(session, "Other", tmp_path / "missing.json", ListFormat.FTM)
    with pytest.raises(ScreeningError, match="alt.csv, add.csv missing"):
        (tmp_path / "sdn.csv").write_bytes((FIXTURES / "sdn" / "sdn.csv").read_bytes())
        load(session, "SDN", tmp_path / "sdn.csv", ListFormat.SDN)


def test_a_list_url_is_polled_with_a_conditional_get(session: Session, list_server: ListServer) -> None:
    list_server.files["/os/entities.ftm.json"] = (FIXTURES / "entities.ftm.json").read_bytes()
    url = list_server.url + "/os/entities.ftm.json"
    first = load(session, "OpenSanctions", url, ListFormat.FTM)
    lst = session.scalars(select(ScreeningList)).one()
    assert first.added == 5 and lst.is_url and lst.etag
    again = lists.refresh_one(session, lst, fetch_feed, LIMITS)
    assert again.unchanged and list_server.not_modified == 1 and list_server.full == 1
    list_server.files["/os/entities.ftm.json"] += (ftm_line("new", "Echo Intercept SA") + "\n").encode()
    changed = lists.refresh_one(session, lst, fetch_feed, LIMITS)
    assert (changed.version, changed.added) == (2, 1)


def test_the_sdn_trio_is_fetched_from_beside_the_sdn_url(session: Session, list_server: ListServer) -> None:
    for name in ("SDN.CSV", "ALT.CSV", "ADD.CSV"):
        list_server.files[f"/ofac/{name}"] = (FIXTURES / "sdn" / name.lower()).read_bytes()
    report = load(session, "OFAC SDN", list_server.url + "/ofac/SDN.CSV", ListFormat.SDN)
    assert report.entity_count == 3
    assert "AO POSITIVE TECHNOLOGIES" in entity(session, "OFAC SDN", "32479").aliases


def test_an_unreachable_url_is_refused_with_the_reason(session: Session, list_server: ListServer) -> None:
    with pytest.raises(ScreeningError, match="cannot fetch .*HTTP 404"):
        load(session, "Gone", list_server.url + "/missing.json", ListFormat.FTM)

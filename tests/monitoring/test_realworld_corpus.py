"""Integrity of the real-world labelled corpus in tests/monitoring/realworld/ (data only, no matcher)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parent / "realworld"
KINDS = {"government", "soe", "private", "distributor", "reseller"}
LEVELS = {"info", "warning", "critical"}
SPLITS = {"train", "dev", "test", "test2", "test3", "test4", "test5", "test6", "test7", "test8"}
ENTRY_KEYS = {
    "id",
    "language",
    "title",
    "body",
    "html",
    "source",
    "site",
    "credibility",
    "split",
    "mentions",
    "levels",
    "alerts",
    "decoy",
}
LANG_FILE = re.compile(r"^[a-z]{2}\.json$")


def _watchlist() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((CORPUS / "watchlist.json").read_text(encoding="utf-8"))
    return rows


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.json") if LANG_FILE.match(p.name))


def _entries() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in _corpus_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name} is not a JSON list"
        out.extend((path.stem, entry) for entry in data)
    return out


def test_watchlist_has_unique_ids_valid_kinds_and_countries() -> None:
    rows = _watchlist()
    assert len(rows) >= 45
    ids = [r["customer_id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate customer_id"
    for r in rows:
        assert isinstance(r["customer_id"], int)
        assert r["name"].strip()
        assert isinstance(r["aliases"], list) and all(isinstance(a, str) and a.strip() for a in r["aliases"])
        assert re.fullmatch(r"[A-Z]{2}", r["country"]), r
        assert r["kind"] in KINDS, r


def test_every_language_file_parses_and_has_entries() -> None:
    files = _corpus_files()
    assert len(files) >= 6
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data, f"{path.name} is empty"


def test_entry_ids_are_unique_and_every_entry_is_complete() -> None:
    seen: set[str] = set()
    for lang, e in _entries():
        assert ENTRY_KEYS <= set(e), f"{e.get('id')}: missing {ENTRY_KEYS - set(e)}"
        assert e["id"] not in seen, f"duplicate id {e['id']}"
        seen.add(e["id"])
        assert e["language"] == lang, e["id"]
        assert e["id"].startswith(f"rw-{lang}-"), e["id"]
        assert e["title"].strip() and e["body"].strip(), e["id"]
        assert e["source"].startswith(("http://", "https://")), e["id"]
        assert e["site"] and e["site"] in e["source"].lower(), e["id"]
        assert isinstance(e["html"], bool) and isinstance(e["decoy"], bool), e["id"]
        assert 0.0 <= e["credibility"] <= 1.0, e["id"]


def test_mentions_are_watchlist_customers_and_levels_cover_exactly_the_mentions() -> None:
    known = {r["customer_id"] for r in _watchlist()}
    for _, e in _entries():
        mentions = e["mentions"]
        assert len(mentions) == len(set(mentions)), e["id"]
        assert set(mentions) <= known, f"{e['id']}: unknown ids {set(mentions) - known}"
        assert {int(k) for k in e["levels"]} == set(mentions), e["id"]
        assert set(e["levels"].values()) <= LEVELS, e["id"]


def test_alerts_are_exactly_the_warning_and_critical_levels() -> None:
    for _, e in _entries():
        expected = {int(k) for k, level in e["levels"].items() if level != "info"}
        assert set(e["alerts"]) == expected, e["id"]


def test_levels_respect_the_credibility_rule() -> None:
    for _, e in _entries():
        for level in e["levels"].values():
            if e["credibility"] < 0.4:
                assert level == "info", e["id"]
            if level == "critical":
                assert e["credibility"] >= 0.6, e["id"]


def test_decoys_have_no_mentions_and_are_at_least_a_quarter_of_all_entries() -> None:
    entries = [e for _, e in _entries()]
    for e in entries:
        if e["decoy"]:
            assert not e["mentions"], e["id"]
    assert sum(e["decoy"] for e in entries) >= 0.25 * len(entries)


def test_splits_are_valid_and_no_site_is_in_two_splits() -> None:
    split_of_site: dict[str, str] = {}
    for _, e in _entries():
        assert e["split"] in SPLITS, e["id"]
        first = split_of_site.setdefault(e["site"], e["split"])
        assert first == e["split"], f"site {e['site']} is in {first} and {e['split']} ({e['id']})"


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_every_split_has_positives_and_decoys(split: str) -> None:
    entries = [e for _, e in _entries() if e["split"] == split]
    assert any(e["alerts"] for e in entries)
    assert any(e["decoy"] for e in entries)

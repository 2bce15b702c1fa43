"""The labelled screening sets parse as scripts/eval_screening reads them, and each blind set was new when
built; the second to the eighth, now seen, are split by the entity hash rule like the first."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

QUALITY = Path(__file__).parent / "quality"
ENTITY_COLUMNS = ["key", "schema", "source", "name", "aliases", "countries"]
PAIR_COLUMNS = "pair_id split kind label entity_key customer_name customer_aliases customer_country".split()
OTHER_SETS = [("entities.csv", "pairs.csv"), ("blind_entities.csv", "blind_pairs.csv")]
MATCH_KINDS = {
    "legal_form",
    "transliteration",
    "translation",
    "word_order",
    "abbreviation",
    "alias",
    "spelling",
} | {"former_name"}
MISS_KINDS = {"same_words_other_body", "same_name_other_country", "similar_spelling", "same_group_other_body"}


def rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(QUALITY / name, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def names(row: dict[str, str], first: str, rest: str) -> list[str]:
    return [row[first], *filter(None, row[rest].split(";"))]


def norm(name: str) -> str:
    """Case, accents and punctuation folded, so a copy written a little differently counts as the same."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKD", name).casefold()))


def split_of(entity_key: str) -> str:
    """The rule of the quality README for a set that has been seen: 0-5 train, 6-9 dev."""
    return "train" if int(hashlib.sha256(entity_key.encode()).hexdigest(), 16) % 10 <= 5 else "dev"


def test_blind2_files_have_the_columns_the_eval_script_reads() -> None:
    entity_columns, entities = rows("blind2_entities.csv")
    pair_columns, pairs = rows("blind2_pairs.csv")
    assert entity_columns == [*ENTITY_COLUMNS, "reference"]
    assert pair_columns == PAIR_COLUMNS
    assert rows("blind_entities.csv")[0] == ENTITY_COLUMNS and rows("blind_pairs.csv")[0] == PAIR_COLUMNS
    keys = [row["key"] for row in entities]
    assert len(keys) == len(set(keys)) >= 120
    assert len({row["pair_id"] for row in pairs}) == len(pairs) >= 250
    by_key = {row["key"]: row for row in entities}
    for row in entities:
        assert row["schema"] in {"organization", "person"} and row["source"] in {"SDN", "UN"}, row
        assert row["name"].strip() and row["reference"].strip(), row
        assert all(re.fullmatch(r"[A-Z]{2}", code) for code in filter(None, row["countries"].split(";"))), row
    for row in pairs:
        assert row["entity_key"] in by_key, row
        assert row["split"] == split_of(row["entity_key"]) and row["customer_name"].strip(), row
        assert re.fullmatch(r"[A-Z]{2}", row["customer_country"]), row
        expected = MATCH_KINDS if row["label"] == "1" else MISS_KINDS
        assert row["label"] in {"0", "1"} and row["kind"] in expected, row


def test_blind2_keeps_near_misses_at_about_two_in_five_and_every_listing_has_a_match() -> None:
    pairs = rows("blind2_pairs.csv")[1]
    labels = Counter(row["label"] for row in pairs)
    assert 0.40 <= labels["0"] / len(pairs) <= 0.45
    matched = {row["entity_key"] for row in pairs if row["label"] == "1"}
    assert matched == {row["key"] for row in rows("blind2_entities.csv")[1]}


def assert_shares_nothing_with(blind: str, older: list[tuple[str, str]]) -> None:
    """No listing key, and no listed or customer name (folded), of `blind`'s files is in the older sets."""
    seen_keys: set[str] = set()
    seen_names: set[str] = set()
    for entities_file, pairs_file in older:
        for row in rows(entities_file)[1]:
            seen_keys.add(row["key"])
            seen_names.update(norm(name) for name in names(row, "name", "aliases"))
        for row in rows(pairs_file)[1]:
            seen_names.update(norm(name) for name in names(row, "customer_name", "customer_aliases"))
    entities = rows(f"{blind}_entities.csv")[1]
    assert not {row["key"] for row in entities} & seen_keys
    listed = {norm(name) for row in entities for name in names(row, "name", "aliases")}
    pairs = rows(f"{blind}_pairs.csv")[1]
    customers = {norm(name) for row in pairs for name in names(row, "customer_name", "customer_aliases")}
    assert not listed & seen_names
    assert not customers & seen_names


SEEN_BLIND_SIZES = {
    "blind3": (200, 500),
    "blind4": (110, 350),
    "blind5": (120, 300),
    "blind6": (120, 300),
    "blind7": (120, 300),
    "blind8": (120, 300),
    "blind9": (115, 300),
    "blind10": (110, 300),
}


@pytest.mark.parametrize("blind", sorted(SEEN_BLIND_SIZES))
def test_seen_blind_sets_parse_as_the_eval_script_reads_them_and_each_listing_has_a_match(blind: str) -> None:
    entity_columns, entities = rows(f"{blind}_entities.csv")
    pair_columns, pairs = rows(f"{blind}_pairs.csv")
    assert entity_columns == [*ENTITY_COLUMNS, "reference"] and pair_columns == PAIR_COLUMNS
    by_key = {row["key"]: row for row in entities}
    least_listings, least_pairs = SEEN_BLIND_SIZES[blind]
    assert len(by_key) == len(entities) >= least_listings
    assert len({row["pair_id"] for row in pairs}) == len(pairs) >= least_pairs
    for row in entities:
        assert row["schema"] in {"organization", "person"}, row
        assert row["source"] in {"SDN", "UN", "SEMA", "JVCFOR"}, row  # JVCFOR: Canada's Magnitsky-law list
        assert row["name"].strip() and row["reference"].strip(), row
    for row in pairs:
        assert row["entity_key"] in by_key and row["customer_name"].strip(), row
        assert row["split"] == split_of(row["entity_key"]), row
        expected = MATCH_KINDS if row["label"] == "1" else MISS_KINDS
        assert row["label"] in {"0", "1"} and row["kind"] in expected, row
    assert 0.40 <= Counter(row["label"] for row in pairs)["0"] / len(pairs) <= 0.45
    assert {row["entity_key"] for row in pairs if row["label"] == "1"} == set(by_key)


@pytest.mark.parametrize("number", range(2, 11))
def test_each_blind_set_shares_no_listing_or_customer_with_the_sets_before_it(number: int) -> None:
    older = [(f"blind{n}_entities.csv", f"blind{n}_pairs.csv") for n in range(2, number)]
    assert_shares_nothing_with(f"blind{number}", [*OTHER_SETS, *older])

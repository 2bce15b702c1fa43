"""Name matching as a compliance officer needs it: legal forms, scripts, order, abbreviations, countries."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from screening.matching import THRESHOLD, CustomerIndex, Party, entity_keys, score

QUALITY = Path(__file__).parent / "quality"


def match(
    customer: list[str], country: str, listed: list[str], countries: list[str], person: bool = False
) -> float:
    result = score(Party.build(customer, [country]), Party.build(listed, countries, person=person))
    return result.score if result else 0.0


@pytest.mark.parametrize(
    ("customer", "listed"),
    [
        ("NSO Group Technologies Limited", "NSO Group"),  # legal form and a common word
        ("АО «Позитив Текнолоджиз»", "POSITIVE TECHNOLOGIES"),  # another script
        ("Cytrox A.D.", "CYTROX AD"),  # a legal form written with dots
        ("Rostec State Corporation", "STATE CORPORATION ROSTEC"),  # word order
        ("ZTE", "Zhongxing Telecommunication Equipment Corporation"),  # initials
        ("Hik Vision Digital Technology Co Ltd", "Hangzhou Hikvision Digital Technology Co., Ltd."),  # a join
    ],
)
def test_the_same_body_written_differently_matches(customer: str, listed: str) -> None:
    assert match([customer], "", [listed], []) >= THRESHOLD


def test_a_person_matches_without_middle_name_and_in_another_order() -> None:
    assert match(["Tal Dilian"], "IL", ["DILIAN, Tal Jonathan"], ["IL"], person=True) >= THRESHOLD
    assert (
        match(["Gennady Timchenko"], "RU", ["TIMCHENKO, Gennadiy Nikolayevich"], ["RU"], person=True)
        >= THRESHOLD
    )


def test_the_same_words_for_another_kind_of_body_do_not_match() -> None:
    assert (
        match(["Myanmar Economic Bank"], "MM", ["MYANMAR ECONOMIC CORPORATION LIMITED"], ["MM"]) < THRESHOLD
    )
    assert match(["NSO Logistics GmbH"], "DE", ["NSO Group"], ["IL"]) < THRESHOLD
    assert (
        match(
            ["China Electronics Corporation"],
            "CN",
            ["CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"],
            ["CN"],
        )
        < THRESHOLD
    )


def test_the_same_name_in_another_country_is_held_below_the_threshold_and_says_why() -> None:
    here = score(Party.build(["Ravin Academy"], ["IR"]), Party.build(["RAVIN ACADEMY"], ["IR"]))
    there = score(Party.build(["Ravin Academy"], ["US"]), Party.build(["RAVIN ACADEMY"], ["IR"]))
    assert here is not None and there is not None
    assert here.score >= THRESHOLD > there.score
    assert "country differs: customer US, listing IR" in there.reasons
    assert "same country: IR" in here.reasons


def test_reasons_say_how_the_names_were_matched() -> None:
    result = score(
        Party.build(["Позитив Текнолоджиз АО"], ["RU"]), Party.build(["AO POZITIV TEKNOLODZHIZ"], ["RU"])
    )
    assert result is not None
    text = " | ".join(result.reasons)
    assert 'listed name "AO POZITIV TEKNOLODZHIZ"' in text
    assert "compared in Latin transliteration" in text
    assert "legal forms set aside: ao" in text


def test_the_index_finds_a_customer_by_any_distinctive_key_and_not_by_a_common_word() -> None:
    parties = {
        1: Party.build(["Gulf Secure Distribution FZE"], ["AE"]),
        2: Party.build(["Kestrel Signal Analytics"]),
    }
    parties.update({10 + i: Party.build([f"Zorblat{i} Digital Technology Group"]) for i in range(20)})
    index = CustomerIndex(parties)
    assert index.candidates(entity_keys(Party.build(["GULF SECURE DISTRIBUTION"]))) == {1}
    assert index.candidates(entity_keys(Party.build(["Kestrel Signal"]))) == {2}
    assert index.candidates(entity_keys(Party.build(["Digital Technology Group Ltd"]))) == set()


def test_initials_meet_the_one_word_name_they_stand_for_and_not_other_initials() -> None:
    index = CustomerIndex({1: Party.build(["ZTE"]), 2: Party.build(["Zorba Tirana Export"])})
    assert index.candidates(entity_keys(Party.build(["Zhongxing Telecommunication Equipment"]))) == {1}
    assert index.candidates(entity_keys(Party.build(["ZTE Corp"]))) == {1, 2}


def test_keys_common_among_listed_names_are_left_out_but_every_customer_keeps_one() -> None:
    index = CustomerIndex({1: Party.build(["Sberbank Leasing"]), 2: Party.build(["Sberbank"])})
    listed = entity_keys(Party.build(["Sberbank Leasing"]))
    counts = {
        key: 5000 for key in index.postings if any(w in key for w in ("sberbank", "sbrbnk", "sbarbank"))
    }
    index.prune(counts, max_listed=1000, max_customers=200)
    assert index.candidates(listed) == {1, 2}  # "leasing" still finds 1; 2 keeps its rarest key
    assert index.candidates(entity_keys(Party.build(["Sberbank Capital"]))) == {2}


def _labelled(
    files: tuple[tuple[str, str], ...] = (("entities.csv", "pairs.csv"),),
) -> list[tuple[dict[str, str], Party, Party]]:
    pairs = []
    for entities_file, pairs_file in files:
        pairs += _read(entities_file, pairs_file)
    return pairs


def _read(entities_file: str, pairs_file: str) -> list[tuple[dict[str, str], Party, Party]]:
    with open(QUALITY / entities_file, encoding="utf-8") as handle:
        entities = {row["key"]: row for row in csv.DictReader(handle)}
    pairs = []
    with open(QUALITY / pairs_file, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entity = entities[row["entity_key"]]
            listed = Party.build(
                [entity["name"], *filter(None, entity["aliases"].split(";"))],
                filter(None, entity["countries"].split(";")),
                person=entity["schema"] == "person",
            )
            customer = Party.build(
                [row["customer_name"], *filter(None, row["customer_aliases"].split(";"))],
                [row["customer_country"]],
            )
            pairs.append((row, customer, listed))
    return pairs


def test_the_labelled_pairs_keep_precision_and_recall_above_095() -> None:
    tp = fp = fn = 0
    for row, customer, listed in _labelled():
        result = score(customer, listed)
        hit = result is not None and result.score >= THRESHOLD
        tp += hit and row["label"] == "1"
        fp += hit and row["label"] == "0"
        fn += (not hit) and row["label"] == "1"
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95, (tp, fp, fn)


def test_blocking_finds_every_true_pair_of_the_labelled_set() -> None:
    pairs = _labelled()
    index = CustomerIndex({i: customer for i, (_, customer, _) in enumerate(pairs)})
    missed = [
        row["customer_name"]
        for i, (row, _, listed) in enumerate(pairs)
        if row["label"] == "1" and i not in index.candidates(entity_keys(listed))
    ]
    assert missed == []


def test_blocking_loses_no_pair_the_matcher_would_report() -> None:
    pairs = _labelled(
        (
            ("entities.csv", "pairs.csv"),
            ("blind_entities.csv", "blind_pairs.csv"),
            ("blind2_entities.csv", "blind2_pairs.csv"),
            ("blind3_entities.csv", "blind3_pairs.csv"),
        )
    )
    index = CustomerIndex({i: customer for i, (_, customer, _) in enumerate(pairs)})
    reported = [
        (i, row["customer_name"])
        for i, (row, customer, listed) in enumerate(pairs)
        if (found := score(customer, listed)) is not None and found.score >= THRESHOLD
    ]
    assert len(reported) > 200
    missed = [name for i, name in reported if i not in index.candidates(entity_keys(pairs[i][2]))]
    assert missed == []

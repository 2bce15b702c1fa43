"""Customers' English names found translated into the text's language (monitoring/lexicon `[glossary]`),
and acronyms in texts that speak of no security matter. Texts written for these tests, not from the corpus."""

from __future__ import annotations

import pytest

from contracts.models import CustomerKind
from monitoring.matching import Matcher, WatchName
from monitoring.translation import translated_names

GOVERNMENT = CustomerKind.GOVERNMENT


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(
        [
            WatchName(1, "Federal Security Service", ("FSB",), "RU", GOVERNMENT),
            WatchName(2, "Islamic Revolutionary Guard Corps", ("IRGC",), "IR", GOVERNMENT),
            WatchName(3, "Ministry of Interior", ("MUP",), "RS", GOVERNMENT),
            WatchName(4, "National Security Committee", ("KNB",), "KZ", GOVERNMENT),
            WatchName(5, "INSA", (), "ET", GOVERNMENT),
        ]
    )


def _found(matcher: Matcher, text: str) -> dict[int, str]:
    return {m.customer_id: m.matched for m in matcher.scan(text)}


@pytest.mark.parametrize(
    ("text", "customer_id", "matched"),
    [
        ("俄罗斯联邦安全局周二表示，已在莫斯科逮捕一名男子。", 1, "联邦安全局"),
        (
            "Les Gardiens de la Révolution iraniens ont arrêté un journaliste à Téhéran.",
            2,
            "Gardiens de la Révolution",
        ),
        ("Οι Φρουροί της Επανάστασης στο Ιράν συνέλαβαν δημοσιογράφο.", 2, "Φρουροί της Επανάστασης"),
        ("Die iranischen Revolutionsgarden haben einen Tanker beschlagnahmt.", 2, "Revolutionsgarden"),
        (
            "Ұлттық қауіпсіздік комитетінің Алматы облысы бойынша департаменті Қазақстан азаматын ұстады.",
            4,
            "Ұлттық қауіпсіздік комитетінің",
        ),
        (
            "Le ministère de l'Intérieur de la Serbie a interpellé des manifestants à Belgrade.",
            3,
            "ministère de l'Intérieur",
        ),
    ],
)
def test_an_english_name_is_found_as_the_texts_language_writes_it(matcher, text, customer_id, matched):
    assert _found(matcher, text).get(customer_id) == matched


def test_a_translated_generic_name_needs_the_customers_country(matcher):
    assert 3 not in _found(
        matcher, "Le ministère de l'Intérieur français a annoncé de nouvelles mesures à Paris."
    )


def test_translations_follow_each_languages_word_order():
    forms = set(translated_names("Ministry of Internal Affairs", "RU"))
    assert {"министерство внутренних дел", "内务部", "içişleri bakanlığı", "ministerio del Interior"} <= forms


def test_a_name_with_a_word_no_glossary_knows_is_not_translated():
    assert list(translated_names("Rapid Action Battalion", "BD")) == []


def test_a_name_naming_another_country_is_not_translated():
    assert list(translated_names("Security Service of Ukraine", "RU")) == []


def test_an_acronym_in_a_text_of_no_security_matter_is_weighed_as_such(matcher):
    quiet = dict(matcher.candidates("The INSA engineering school in Lyon celebrates its sixtieth year."))
    story = dict(matcher.candidates("INSA agents in Addis Ababa arrested a blogger and seized his phone."))
    assert "acronym&text:quiet" in quiet[5] and "acronym&text:quiet" not in story[5]
    assert 5 in _found(matcher, "INSA agents in Addis Ababa arrested a blogger and seized his phone.")
    assert 5 not in _found(matcher, "The INSA engineering school in Lyon celebrates its sixtieth year.")


def test_a_translated_name_says_so_in_its_reasons(matcher):
    (mention,) = matcher.scan("Οι Φρουροί της Επανάστασης στο Ιράν συνέλαβαν δημοσιογράφο.")
    assert any("translated word by word" in reason for reason in mention.reasons)

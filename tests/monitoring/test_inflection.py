"""Inflected and transliterated names: endings per language (monitoring.inflection), country words in
inflecting languages, Cyrillic names as other languages romanise them, Latin names written by ear in
other scripts (monitoring.phonetic), spelling variants and dotted acronyms in other scripts."""

from __future__ import annotations

import pytest

from contracts.models import CustomerKind
from monitoring.countries import country_mentions
from monitoring.inflection import inflects, kin, stem
from monitoring.judging import Alias, WatchName, _names_customer
from monitoring.matching import Matcher
from monitoring.phonetic import name_sounds, skeleton, word_sounds
from monitoring.text import fold_key, fold_text
from monitoring.variants import romanisations

FSB = WatchName(
    1,
    "Federal Security Service",
    ("FSB", "ФСБ", "Федеральная служба безопасности"),
    "RU",
    CustomerKind.GOVERNMENT,
)
RAB = WatchName(2, "Rapid Action Battalion", ("RAB", "র\u200d্যাব"), "BD", CustomerKind.GOVERNMENT)
EYP = WatchName(3, "National Intelligence Service (Greece)", ("EYP", "ΕΥΠ"), "GR", CustomerKind.GOVERNMENT)
NTMC = WatchName(4, "National Telecommunication Monitoring Centre", ("NTMC",), "BD", CustomerKind.GOVERNMENT)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build([FSB, RAB, EYP, NTMC])


def _found(matcher: Matcher, text: str) -> set[int]:
    return {customer for customer, _ in matcher.candidates(text)}


@pytest.mark.parametrize(
    ("language", "word", "base"),
    [
        ("pl", "rosji", "rosja"),
        ("pl", "polsce", "polska"),  # the base loses "ka" (`drop`)
        ("pl", "izraelski", "izrael"),
        ("hu", "oroszorszagban", "oroszorszag"),
        ("hu", "romaniaban", "romania"),
        ("el", "κυπρου", "κυπροσ"),
        ("el", "τουρκιασ", "τουρκια"),
        ("ru", "rossii", "rossiya"),
        ("uk", "ukrayini", "ukrayina"),
        ("sr", "srbiji", "srbija"),
        ("bn", "পাকিস্তানের", "পাকিস্তান"),
    ],
)
def test_a_word_with_an_ending_of_its_language_is_the_name(language, word, base):
    assert inflects(language, word, base)


@pytest.mark.parametrize(
    ("language", "word", "base"),
    [
        ("hu", "szam", "szamoa"),  # "szám" (number) is not Samoa
        ("hu", "roman", "romania"),
        ("hu", "liberdade", "liberia"),
        ("pl", "polonijny", "polska"),
    ],
)
def test_a_word_that_only_begins_like_the_name_is_not_it(language, word, base):
    assert not inflects(language, word, base)


def test_snowball_stems_where_snowball_has_the_language():
    assert stem("hu", "romaniaban") == stem("hu", "romania")
    assert stem("bn", "anything") is None  # no Snowball stemmer: the ending table alone decides


def test_endings_apply_in_texts_of_their_language_or_a_close_one():
    assert kin(None, "hu") and kin("hu", "hu") and kin("ru", "uk") and kin("hr", "sr")
    assert not kin("pt", "hu")


def _countries(text: str) -> list[str]:
    return [m.country for m in country_mentions(fold_text(text))]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Az FSZB letartóztatta Oroszországban az újságírót.", "RU"),
        ("A szerb rendőrség Szerbiában tüntetőket vert meg.", "RS"),
        ("পাকিস্তানের গোয়েন্দা সংস্থা এবং সেনাবাহিনী", "PK"),
        ("Agenci CBA pojechali do Rosji i Izraela.", "RU"),
        ("Υπάλληλος του προξενείου κατασκόπευε υπέρ της Τουρκίας και της Κύπρου.", "TR"),
    ],
)
def test_inflected_country_names_are_country_context(text, country):
    assert country in _countries(text)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("2019-ben jelentősen nőtt a kibertámadások száma az intézményekben.", "WS"),
        ("Os activistas foram colocados em liberdade por falta de provas.", "LR"),
        ("Servicio Bolivariano de Inteligencia en el Helicoide.", "BO"),
    ],
)
def test_words_that_only_begin_like_a_country_are_not_one(text, country):
    assert country not in _countries(text)


def test_cyrillic_acronyms_as_other_languages_write_them(matcher):
    assert "FSZB" in romanisations("ФСБ")  # Hungarian: с = sz
    assert {"Szojgu", "Schojgu"} <= set(romanisations("Шойгу"))  # Polish, German
    assert 1 in _found(matcher, "Az orosz Szövetségi Biztonsági Szolgálat (FSZB) letartóztatta a tudósítót.")


def test_latin_names_written_by_ear_in_bengali(matcher):
    assert skeleton("action") == "ksn" and skeleton("battalion") == "btln"
    assert name_sounds(fold_key("Rapid Action Battalion")) == "rpd ksn btln"
    assert name_sounds(fold_key("Huawei")) is None  # too short a skeleton to tell
    assert "btln" in word_sounds(fold_key("ব্যাটালিয়নের"))  # with the genitive ending, and without it
    assert 2 in _found(matcher, "২০০৪ সালে র‍্যাপিড একশন ব্যাটালিয়ন গঠন করা হয়েছিল")
    assert 4 in _found(matcher, "সরকার ন্যাশনাল টেলিকমিউনিকেশন মনিটরিং সেন্টার গঠন করেছে")
    assert not _found(matcher, "সরকার নতুন একটি কেন্দ্র গঠন করেছে")  # other Bengali words are not names


def test_a_kept_matcher_still_reads_names_by_ear(matcher):
    automaton, data = matcher.state()
    kept = Matcher.restore(automaton, data)
    assert 2 in _found(kept, "২০০৪ সালে র‍্যাপিড একশন ব্যাটালিয়ন গঠন করা হয়েছিল")


def test_bengali_ra_written_ba_with_nukta(matcher):
    assert 2 in _found(matcher, "মাদকবিরোধী যুদ্ধে ব়্যাব ও অন্যান্য বাহিনীর দায় রয়েছে")


def test_greek_acronym_with_dots(matcher):
    assert 3 in _found(matcher, "η έρευνα έγινε σε στενή συνεργασία με την Ε.Υ.Π. στη Ρόδο")


def test_a_spelled_out_acronym_transliterated_otherwise_is_the_same_body():
    alias = Alias(FSB, "FSB", "acronym", "latin")
    assert _names_customer(alias, "Federalnej Służby Bezpieczeństwa")  # Polish, not "sluzhba"
    assert not _names_customer(alias, "Financial Stability Board")


def test_an_inflected_name_is_found_whatever_the_length_of_its_first_word():
    # First stems of two letters are whole words to the automaton, longer ones begin words; a word is
    # looked at once for each first stem it begins with, as when every stem was looked for as a beginning.
    watched = [
        WatchName(1, "An Biuro Centralne", (), "PL", CustomerKind.GOVERNMENT),
        WatchName(2, "Ana Biuro Centralne", (), "PL", CustomerKind.GOVERNMENT),
        WatchName(3, "Analit Biuro Centralne", (), "PL", CustomerKind.GOVERNMENT),
    ]
    matcher = Matcher.build(watched)

    def found(text: str) -> list[int]:
        return [customer for customer, _ in matcher.candidates(f"Raport o {text} Biura Centralnego")]

    assert found("An") == [1]
    assert found("Anal") == [2, 2]  # "anal" begins the first stems "an" and "ana", and its stem is "ana"
    assert found("Analityk") == [3, 3, 3]  # "an", "ana" and "anali"
    assert found("Antena") == []


def test_a_five_letter_last_word_is_found_with_a_longer_ending():
    # The name's "Garda" is stemmed "gard"; a text word longer than five letters is stemmed to five
    # ("gardah"), so it is also looked up by its first four letters.
    matcher = Matcher.build([WatchName(1, "Nemzeti Garda", (), "HU", CustomerKind.GOVERNMENT)])

    def found(text: str) -> list[int]:
        return [customer for customer, _ in matcher.candidates(f"A rendőrség szerint {text} tegnap.")]

    assert found("a Nemzeti Gárdához fordult") == [1]
    assert found("a Nemzeti Gárdának") == [1]
    assert found("a Nemzeti Garázsban") == []

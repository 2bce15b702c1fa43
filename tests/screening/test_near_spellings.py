"""Near spellings of another body's one distinctive word kept apart (screening.near_spellings), and Persian
words of bodies' names as customers romanise them (org_words.tsv, fa-Latn)."""

from __future__ import annotations

import pytest

from screening.matching import THRESHOLD, Party, score
from screening.near_spellings import respelt
from screening.org_words import org_meanings


def _score(customer: str, listed: str, country: str = "IR") -> float:
    result = score(Party.build([customer], [country]), Party.build([listed], [country]))
    return result.score if result else 0.0


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("tamista", "tanista"),
        ("singsms", "sinsms"),
        ("panaceate", "panazeate"),
    ],
)
def test_one_consonant_put_in_or_changed_is_another_word(left: str, right: str) -> None:
    assert respelt(left, right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("haven", "havin"),  # vowels: romanisations differ in them
        ("kholding", "holding"),  # Russian kh for h
        ("aviacion", "aviation"),  # Spanish -cion
        ("nusrah", "nusra"),  # Arabic -ah
        ("gheshm", "qeshm"),  # q for gh
        ("nirou", "niroo"),  # a long vowel written two ways
        ("sanat", "sanaat"),
        ("esfahan", "isfahan"),  # vowels other than a for o
        ("metals", "metal"),  # a plural
        ("ira", "iza"),  # short words are compared letter for letter elsewhere
    ],
)
def test_romanisations_vowels_plurals_and_short_words_are_not_respelt(left: str, right: str) -> None:
    assert not respelt(left, right)


def test_a_body_whose_only_distinctive_word_differs_by_a_consonant_is_another_body() -> None:
    assert _score("Tamista Trading Co", "TANISTA TRADING CO") < THRESHOLD
    assert _score("Tamista Trading Co", "TAMISTA TRADING CO") >= THRESHOLD
    assert _score("Sorena Kholding", "SORENA HOLDING") >= THRESHOLD
    # Another word written in another romanisation does not hide the one respelt ("Sanat", "Sanaat").
    assert _score("Pars Tamista Sanat", "PARS TANISTA SANAAT") < THRESHOLD
    assert _score("Pars Tamista Sanat", "PARS TAMISTA SANAAT") >= THRESHOLD


@pytest.mark.parametrize(
    ("word", "meaning"),
    [("setad", "WHEADQUARTERS"), ("kol", "WGENERAL"), ("artesh", "WARMY"), ("tolid", "WPRODUCTION")],
)
def test_romanised_persian_words_of_bodies_names_have_their_meaning(word: str, meaning: str) -> None:
    assert meaning in org_meanings(word)


@pytest.mark.parametrize(
    ("customer", "listed"),
    [
        ("Setad-e Kol-e Artesh", "GENERAL STAFF OF THE ARMY"),
        ("Sherkat-e Bazargani-ye Kavosh", "KAVOSH TRADING COMPANY"),
        ("Khadamat-e Keshtirani-ye Kavosh", "KAVOSH SHIPPING SERVICES"),
        ("Sazman-e Sanaye Havafaza-ye Kavosh", "KAVOSH AEROSPACE INDUSTRIES ORGANIZATION"),
        ("سازمان صنایع هوافضای کاوش", "KAVOSH AEROSPACE INDUSTRIES ORGANIZATION"),
        ("Sandogh-e Bazneshastegi-ye Kavosh", "KAVOSH PENSION FUND"),
        ("مجتمع سوخت کاوش", "KAVOSH FUEL COMPLEX"),
        ("Pajuheshkadeh-ye Kavosh", "KAVOSH RESEARCH INSTITUTE"),
        ("Sanaye Havayi Kavosh", "KAVOSH AVIATION INDUSTRIES"),
        ("مجتمع تحقیقاتی کاوش", "KAVOSH RESEARCH COMPLEX"),
    ],
)
def test_a_persian_name_in_either_script_meets_its_english_translation(customer: str, listed: str) -> None:
    assert _score(customer, listed) >= THRESHOLD

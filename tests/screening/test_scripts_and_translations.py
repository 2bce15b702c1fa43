"""Names across scripts and languages: Persian and Arabic written without short vowels, Korean in Hangul
and in its two romanisations, organisation words translated; and near spellings kept apart."""

from __future__ import annotations

import pytest

from screening.matching import THRESHOLD
from tests.screening.support import scored as reasons


@pytest.mark.parametrize(
    ("customer", "country", "listed", "reason"),
    [
        ("Gilan Agricultural Bank", "IR", "BANK KESHAVARZI GILAN", "agricultural ~ keshavarzi"),
        ("بانک مسکن کرمان", "IR", "KERMAN HOUSING BANK", "mskn ~ housing"),
        ("조선백두무역회사", "KP", "KOREA PAEKTU TRADING CORPORATION", "muyok ~ trading"),
        ("Moscow Regional Road Bank PJSC", "RU", "MOSOBLDORBANK", "regional ~ obl"),
        ("Foreign Trade Bank of Tver", "RU", "TVERVNESHTORGBANK", "foreign ~ vnesh"),
        ("Kashtirani-e Jonoub Khat-e Dariush", "IR", "SOUTHERN SHIPPING LINES DARIUSH", "jonoub ~ southern"),
        ("لشکر زاگرسیون", "IR", "ZAGROSIYOUN DIVISION", "lshkr ~ division"),
    ],
)
def test_a_body_named_in_its_own_language_or_script_meets_its_listed_translation(
    customer: str, country: str, listed: str, reason: str
) -> None:
    similarity, why = reasons(customer, country, listed)
    assert similarity >= THRESHOLD
    assert reason in why


def test_arabic_script_writes_apart_what_a_latin_listing_joins() -> None:
    similarity, why = reasons("محمود جار الله", "JO", "JARALLAH, Mahmoud", person=True)
    assert similarity >= THRESHOLD
    assert "jarallh ~ jarallah" in why


def test_an_arabic_feminine_ending_meets_its_latin_spelling() -> None:
    assert reasons("سمير طرابلسية", "LB", "TARABLUSIA, Samir", person=True)[0] >= THRESHOLD


def test_korean_names_meet_in_both_romanisations_only_for_korean_parties() -> None:
    similarity, why = reasons("Pak Dong Chol", "KP", "PAK, Tong Chol", person=True)
    assert similarity >= THRESHOLD
    assert "dong ~ tong" in why
    # "Dong" and "Tong" are two Chinese family names.
    assert reasons("Pak Dong Chol", "CN", "PAK, Tong Chol", person=True)[0] < THRESHOLD


def test_names_one_unusual_vowel_or_an_ending_apart_stay_apart() -> None:
    assert reasons("Sergei Pokanov", "RU", "PIKANOV, Sergei", person=True)[0] < THRESHOLD
    assert reasons("Irvana Trading", "AE", "IRVINA TRADING LLC")[0] < THRESHOLD
    assert reasons("Nahal Gostar Company", "IR", "NAHAL GOSTARESH CO.")[0] < THRESHOLD
    # Vowels romanisations write for one another still meet ("a" for Russian unstressed "o").
    assert reasons("Tarmina Shipping", "AE", "TORMINA SHIPPING")[0] >= THRESHOLD


def test_a_person_with_another_family_name_on_each_side_is_another_person() -> None:
    similarity, why = reasons("Luis Paredes Quintero", "PE", "PAREDES SOLIS, Luis Alberto", person=True)
    assert similarity < THRESHOLD
    assert "another person's name: quintero" in why
    # Fewer names on the customer's side are still the person.
    assert reasons("Luis Alberto Paredes", "PE", "PAREDES SOLIS, Luis Alberto", person=True)[0] >= THRESHOLD


@pytest.mark.parametrize(
    ("customer", "country", "listed", "reason"),
    [
        ("Im Chol Nam", "KP", "RIM, Chol Nam", "im ~ rim"),  # the initial r South Korea drops
        ("Khalid Saeed Al-Marri", "QA", "ALMARRI, Khalid Saeed", "marri ~ almarri"),  # the article joined
    ],
)
def test_a_person_meets_a_listing_written_in_another_usual_spelling(
    customer: str, country: str, listed: str, reason: str
) -> None:
    similarity, why = reasons(customer, country, listed, person=True)
    assert similarity >= THRESHOLD
    assert reason in why


def test_vietnamese_legal_forms_are_set_aside() -> None:
    similarity, why = reasons("Công ty TNHH Hoàng Phát Đạt", "VN", "HOANG PHAT DAT COMPANY LIMITED")
    assert similarity >= THRESHOLD
    assert "cong ty tnhh" in why

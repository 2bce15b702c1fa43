"""Screening tells one body or person from another with a name spelled nearly alike, and finds translated and
transliterated names: organisations' common words in other languages, Arabic and Persian script, Russian
adjectives of place, acronyms in brackets and of Russian words, shortened words, Korean names in Hangul."""

from __future__ import annotations

from screening.matching import THRESHOLD, CustomerIndex, Party, entity_keys, score
from screening.names import analyse


def found(customer: str, listed: str, *, person: bool = False) -> tuple[float, str]:
    result = score(Party.build([customer]), Party.build([listed], person=person))
    return (result.score, " | ".join(result.reasons)) if result else (0.0, "")


def test_common_words_meet_their_translation() -> None:
    value, why = found("Demir Makina Sanayi ve Ticaret", "DEMIR MACHINERY INDUSTRY AND TRADE")
    assert value >= THRESHOLD and "makina ~ machinery" in why
    value, why = found("شرکت نفت پارس", "PARS OIL COMPANY")
    assert value >= THRESHOLD and "nft ~ oil" in why


def test_arabic_article_and_prepositions_are_cut_off() -> None:
    form = analyse("الشركة العربية للتجارة")
    assert form is not None and not any(token.startswith(("al", "ll")) for token in form.tokens)


def test_chinese_names_a_syllable_apart_are_other_bodies() -> None:
    assert found("Ningbo Jiasheng Trading Co", "NINGBO JIASHENG TRADING CO")[0] >= THRESHOLD
    assert found("Ningbo Jiasong Trading Co", "NINGBO JIASHENG TRADING CO")[0] < THRESHOLD


def test_a_letter_joined_by_a_hyphen_or_another_city_tells_another_body() -> None:
    assert found("Kvant LLC", "KVANT JSC")[0] >= THRESHOLD
    value, why = found("Kvant-M LLC", "KVANT JSC")
    assert value < THRESHOLD and "another body" in why
    assert found("Shenyang Institute of Automation", "SHENYANG INSTITUTE OF AUTOMATION")[0] >= THRESHOLD
    value, why = found("Tianjin Institute of Automation", "SHENYANG INSTITUTE OF AUTOMATION")
    assert value < THRESHOLD and "tianjin / shenyang" in why


def test_a_persons_name_with_an_ending_added_is_another_name() -> None:
    assert found("Eleni Konstantinou", "KONSTANTINOU, Eleni", person=True)[0] >= THRESHOLD
    assert found("Eleni Konstantinidou", "KONSTANTINOU, Eleni", person=True)[0] < THRESHOLD


def test_a_family_name_alone_does_not_match_a_listed_person() -> None:
    assert found("Georgios Papadopoulos", "PAPADOPOULOS, Georgios", person=True)[0] >= THRESHOLD
    assert found("Papadopoulos", "PAPADOPOULOS, Georgios", person=True)[0] < THRESHOLD


def test_an_acronym_in_brackets_is_a_name_of_the_listing() -> None:
    assert found("NPTC", "NATIONAL PETROCHEMICAL TRADING COMPANY (NPTC)")[0] >= THRESHOLD
    listed = Party.build(["NATIONAL PETROCHEMICAL TRADING COMPANY (NPTC)"])
    assert {form.original for form in listed.names} >= {"NPTC", "NATIONAL PETROCHEMICAL TRADING COMPANY"}


def test_a_russian_adjective_of_place_meets_its_place_in_blocking_too() -> None:
    value, why = found("Kamsky Commercial Bank", "KAMA COMMERCIAL BANK")
    assert value >= THRESHOLD and "kamsky ~ kama" in why
    index = CustomerIndex({1: Party.build(["Kama Commercial Bank"])})
    assert index.candidates(entity_keys(Party.build(["KAMSKY COMMERCIAL BANK"]))) == {1}


def test_russian_words_of_organisations_meet_their_english_translation() -> None:
    listed = "JOINT STOCK COMPANY TULSKY OPTIKO MEKHANICHESKY ZAVOD"
    assert found("Tula Optical and Mechanical Plant JSC", listed)[0] >= THRESHOLD
    english = "TULA OPTICAL AND MECHANICAL PLANT JSC"
    assert found("АО «Тульский оптико-механический завод»", english)[0] >= THRESHOLD
    assert found("Tula Optical Plant JSC", "TULA ELECTRONICS PLANT JSC")[0] < THRESHOLD


def test_an_acronym_of_russian_words_meets_the_english_listing_and_blocking_finds_it() -> None:
    listed = "JOINT STOCK COMPANY TULSKY OPTIKO MEKHANICHESKY FACTORY"
    value, why = found("AO TOMZ", listed)
    assert value >= THRESHOLD and "tomz read as the initials of" in why
    assert found("AO TOMS", listed)[0] < THRESHOLD
    index = CustomerIndex({1: Party.build(["AO TOMZ"]), 2: Party.build(["AO TOMS"])})
    assert 1 in index.candidates(entity_keys(Party.build([listed])))


def test_a_shortened_word_meets_the_word_it_shortens() -> None:
    assert found("Blue Ocean Shpg Co Ltd", "BLUE OCEAN SHIPPING CO LTD")[0] >= THRESHOLD
    assert found("Blue Ocean Constr. Ltd", "BLUE OCEAN CONSTRUCTION LIMITED")[0] >= THRESHOLD
    assert found("Blue Ocean Constr Ltd", "BLUE OCEAN CONSULTING LIMITED")[0] < THRESHOLD


def test_persons_one_consonant_or_a_final_vowel_apart_are_other_persons() -> None:
    listed = "SIDOROV, Ivan Petrovich"
    assert found("Ivan Petrovich Sidorov", listed, person=True)[0] >= THRESHOLD
    assert found("Ivan Petrovich Sidonov", listed, person=True)[0] < THRESHOLD
    assert found("Ivan Petrovich Sidorova", listed, person=True)[0] < THRESHOLD
    assert found("Ivan Mikalaevich Sidorov", "SIDOROV, Ivan Nikolaevich", person=True)[0] >= THRESHOLD


def test_korean_names_in_hangul_are_read_syllable_by_syllable_as_the_lists_romanise_them() -> None:
    form = analyse("김영남", person=True)
    assert form is not None and form.tokens == ("kim", "yong", "nam")
    assert found("김영남", "KIM YONG NAM", person=True)[0] >= THRESHOLD
    assert found("김영철", "KIM YONG NAM", person=True)[0] < THRESHOLD


def test_given_names_and_patronymics_meet_in_their_russian_ukrainian_and_belarusian_forms() -> None:
    listed = "LUKASHEVICH, Aleh Siarheevich"
    assert found("Oleg Sergeyevich Lukashevich", listed, person=True)[0] >= THRESHOLD
    # A patronymic is not a given name: the son is another person.
    assert found("Sergei Lukashevich", listed, person=True)[0] < THRESHOLD
    assert found("Pavel Sergeyevich Lukashevich", listed, person=True)[0] < THRESHOLD
    index = CustomerIndex({1: Party.build(["Oleh Serhiyovych Lukashevych"])})
    assert index.candidates(entity_keys(Party.build([listed], person=True))) == {1}


def test_two_bodies_whose_names_differ_in_the_kind_of_body_stay_apart() -> None:
    for customer, listed in (
        ("Federal News Service", "FEDERAL NEWS AGENCY"),
        ("Iranian Space Research Center", "IRANIAN SPACE AGENCY"),
        ("Kunlun Energy Company", "KUNLUN HOLDING COMPANY"),
    ):
        found = score(Party.build([customer], ["XX"]), Party.build([listed], ["XX"]))
        assert found is None or found.score < THRESHOLD, customer


def test_two_bodies_of_one_name_and_different_numbers_stay_apart() -> None:
    listed = Party.build(["77TH LIGHT INFANTRY DIVISION"])
    found = score(Party.build(["33rd Light Infantry Division"]), listed)
    assert found is None or found.score < THRESHOLD


def test_a_listed_name_is_also_read_without_the_words_it_carries_in_brackets() -> None:
    listed = Party.build(["SANAM Electronics Co. (Shahid Shahabady Industrial Complex)"], ["IR"])
    found = score(Party.build(["Sanam Electronics Company"], ["IR"]), listed)
    assert found is not None and found.score >= THRESHOLD

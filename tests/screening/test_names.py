"""Name normalisation for screening: legal forms in many scripts, Chinese words, meanings across languages,
acronyms, codes, Belarusian and Russian spellings, dedications, and the blocking keys that find them."""

from __future__ import annotations

import pytest

from screening.matching import THRESHOLD, CustomerIndex, Party, entity_keys, score
from screening.names import analyse
from screening.scripts import segment_han
from screening.spelling import skeleton


def similarity(customer: str, listed: str, *, person: bool = False) -> float:
    result = score(Party.build([customer]), Party.build([listed], person=person))
    return result.score if result else 0.0


def reasons(customer: str, listed: str) -> str:
    result = score(Party.build([customer]), Party.build([listed]))
    assert result is not None
    return " | ".join(result.reasons)


@pytest.mark.parametrize(
    ("name", "tokens", "form"),
    [
        ("RUE Tsentrkurort", ("tsentr", "kurort"), "rue"),
        ("РУП «Центркурорт»", ("tsentr", "kurort"), "rup"),
        ("REPUBLICAN UNITARY ENTERPRISE TSENTRKURORT", ("tsentr", "kurort"), "republican unitary enterprise"),
        ("ФГУП «Союз»", ("soyuz",), "fgup"),
        ("PMC Redut", ("redut",), "pmc"),
        ("ЧВК «Редут»", ("redut",), "chvk"),
        ("Телеком Србија а.д.", ("telekom", "srbija"), "ad"),
        ("Софарма ЕООД", ("sofarma",), "eood"),
        ("ПрАТ «Укрнафта»", ("ukrnafta",), "prat"),
        ("华为技术有限公司", ("huawei", "jishu"), "you xian gong si"),
        ("شرکت ملی نفت", ("mly", "nft"), "shrkt"),
        ("شركة الاتصالات ذ.م.م", ("atsalat",), "dhmm"),
    ],
)
def test_legal_forms_are_set_aside_in_their_own_script_and_in_latin(
    name: str, tokens: tuple[str, ...], form: str
) -> None:
    found = analyse(name)
    assert found is not None
    assert found.tokens == tokens
    assert form in found.legal_forms


def test_chinese_is_read_word_by_word_and_a_name_of_single_characters_stays_one_word() -> None:
    assert segment_han("哈尔滨工业大学").split() == ["哈尔滨", "工业", "大学"]
    assert analyse("国防科技大学").tokens == ("guofang", "keji", "daxue")  # type: ignore[union-attr]
    assert "huayinghaitai" in analyse("天津华盈海泰科技发展有限公司").tokens  # type: ignore[union-attr]


def test_words_of_one_meaning_meet_across_languages_and_scripts() -> None:
    assert similarity("国防科技大学", "Hunan Guofang Keji University") >= THRESHOLD
    assert (
        similarity(
            "天津华盈海泰科技发展有限公司",
            "Tianjin Huaying Haitai Science and Technology Development Co. Ltd",
        )
        >= THRESHOLD
    )
    assert (
        similarity("Trade Capital Bank CJSC", "BANK TORGOVOY KAPITAL ZAO") >= THRESHOLD
    )  # read back in Russian
    assert similarity("Industrial Capital Bank CJSC", "BANK TORGOVOY KAPITAL ZAO") < THRESHOLD
    # An abbreviation and the phrase it stands for; the body's own name must still agree.
    assert similarity("ООО «НПП «Прима»", "LLC RESEARCH & PRODUCTION ENTERPRISE PRIMA") >= THRESHOLD
    assert similarity("ООО «НПП «Прима»", "LLC RESEARCH & PRODUCTION ENTERPRISE PRIMUS") < THRESHOLD


def test_two_latin_words_of_one_field_are_not_one_word() -> None:
    assert (
        similarity("Persian Gulf Petrochemical Industries Company", "PERSIAN GULF STAR OIL COMPANY")
        < THRESHOLD
    )


def test_an_acronym_matches_the_words_it_is_made_of_and_says_so() -> None:
    listed = "FEDERAL STATE UNITARY ENTERPRISE FEDERAL CENTER OF DUAL TECHNOLOGIES SOYUZ"
    assert similarity("FCDT Soyuz", listed) >= THRESHOLD
    assert "fcdt read as the initials of: federal center dual technology" in reasons("FCDT Soyuz", listed)
    assert similarity("ABCD Soyuz", listed) < THRESHOLD
    assert similarity("Soyuz", listed) < THRESHOLD


def test_codes_and_numbers_differing_in_one_character_are_different_bodies() -> None:
    assert similarity("RFNC-VNIIEF", "RFNC-VNIITF") < THRESHOLD
    assert similarity("RFNC VNIITF", "RFNC-VNIITF") >= THRESHOLD
    assert similarity("140th Repair Plant JSC", "JOINT STOCK COMPANY 140 REPAIR PLANT") >= THRESHOLD
    assert similarity("141st Repair Plant JSC", "JOINT STOCK COMPANY 140 REPAIR PLANT") < THRESHOLD


def test_a_dedication_counts_little_but_two_different_ones_keep_bodies_apart() -> None:
    dedicated = analyse("Kazan Helicopter Plant named after M. L. Mil")
    assert dedicated is not None and dedicated.tokens[:3] == ("kazan", "helicopter", "plant")
    assert similarity("Kazan Helicopter Plant", "KAZAN HELICOPTER PLANT NAMED AFTER M.L. MIL") >= THRESHOLD
    assert similarity("Tractor Plant named after Lenin", "Tractor Plant named after Kirov") < THRESHOLD


def test_a_group_and_its_trading_company_are_different_bodies() -> None:
    assert similarity("Htoo Trading Company Limited", "HTOO GROUP OF COMPANIES") < THRESHOLD
    assert similarity("Htoo Group", "HTOO GROUP OF COMPANIES") >= THRESHOLD


def test_belarusian_and_russian_spellings_of_one_person_meet() -> None:
    assert skeleton("karpiankou") == skeleton("karpenkov")
    assert skeleton("aliaksei") == skeleton("aleksei")
    listed = "AURAMENKA, Aliaksei Mikalaevich"
    assert similarity("Алексей Николаевич Авраменко", listed, person=True) >= THRESHOLD
    assert similarity("Алексей Иванович Авраменко", listed, person=True) < THRESHOLD  # another father
    assert similarity("Yehia al-Sinwar", "SINWAR, Yahya", person=True) >= THRESHOLD  # vowels only


def test_a_name_written_without_short_vowels_is_found_and_matched() -> None:
    index = CustomerIndex(
        {
            1: Party.build(["بانک تجارت"]),
            2: Party.build(["Bank Tejarat"]),
            3: Party.build(["Tajrobeh Trading"]),
        }
    )
    assert index.candidates(entity_keys(Party.build(["BANK TEJARAT"]))) == {1, 2}
    assert index.candidates(entity_keys(Party.build(["بانک تجارت"]))) == {1, 2}
    assert similarity("بانک تجارت", "BANK TEJARAT") >= THRESHOLD
    assert similarity("بانک ملت", "BANK TEJARAT") < THRESHOLD


def test_blocking_finds_translations_and_words_written_together() -> None:
    index = CustomerIndex(
        {
            1: Party.build(["天津华盈海泰科技发展有限公司"]),
            2: Party.build(["Promcomplect Logistic"]),
            3: Party.build(["Carrie Lam Cheng Yuet-ngor"]),
        }
    )
    listed = Party.build(["Tianjin Huaying Haitai Science and Technology Development Co. Ltd"])
    assert index.candidates(entity_keys(listed)) == {1}
    assert index.candidates(entity_keys(Party.build(["PRIVATE COMPANY PROMCOMPLEKTLOGISTIC"]))) == {2}
    assert index.candidates(entity_keys(Party.build(["LAM, Carrie"], person=True))) == {3}


def test_a_word_with_the_prefix_co_hyphenated_is_one_word() -> None:
    found = analyse("Co-Ordination Council")
    assert found is not None and found.tokens == ("coordination", "council")

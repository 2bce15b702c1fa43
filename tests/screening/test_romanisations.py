"""Names written in other scripts and romanisations: Arabic bodies' common words, Korean names of bodies
written as one run of Hangul, Thai, letters one sound is written with in several romanisations, and
organisation words translated between Russian, Spanish, French, Persian and English; near spellings of other
bodies kept apart."""

from __future__ import annotations

import pytest

from screening.matching import THRESHOLD, Party, score
from screening.names import analyse
from screening.org_words import org_meanings


def reasons(customer: str, listed: str, *, person: bool = False, country: str = "") -> tuple[float, str]:
    countries = [country] if country else []
    result = score(Party.build([customer], countries), Party.build([listed], countries, person=person))
    return (result.score, "; ".join(result.reasons)) if result else (0.0, "")


@pytest.mark.parametrize(
    ("customer", "listed", "reason"),
    [
        ("قناة النور", "AL NOOR CHANNEL", "qnat ~ channel"),
        ("حركة الشباب", "AL-SHABAAB MOVEMENT", "hrkt ~ movement"),
        ("مجموعة النور للإعلام", "AL NOOR MEDIA GROUP", "alam ~ media"),
        ("선봉선박관리회사", "SONBONG SHIP MANAGEMENT COMPANY", "kwanri ~ management"),
        ("Northern Marine Bank", "SEVERNY MORSKOY BANK", "marine ~ morskoy"),
        ("Novomoskovsk Nitrogen", "NOVOMOSKOVSKY AZOT", "nitrogen ~ azot"),
        ("Martyr Beheshti Foundation", "BONYAD SHAHID BEHESHTI", "martyr ~ shahid"),
        ("Armée de libération", "LIBERATION ARMY", "armee ~ army"),
        ("Pacific Fruit Packers", "EMPACADORA DE FRUTAS PACIFIC", "packers ~ empacadora"),
        ("Upper Volga Trading", "VERKHNEVOLZHSKAYA TORGOVAYA KOMPANIYA", "upper ~ verkhne"),
        (
            "AO Kontsern Granit Elektronnye Sistemy",
            "CONCERN GRANIT ELECTRONIC SYSTEMS JSC",
            "elektronnye ~ electronic",
        ),
    ],
)
def test_a_body_meets_its_name_in_another_script_or_language(customer: str, listed: str, reason: str) -> None:
    similarity, why = reasons(customer, listed)
    assert similarity >= THRESHOLD
    assert reason in why


def test_a_one_syllable_korean_word_is_cut_off_only_at_the_end_of_a_body_s_name() -> None:
    # A name of common words only needs a country in common (see test_namesakes).
    similarity, why = reasons("무역성", "MINISTRY OF TRADE", country="KP")
    assert similarity >= THRESHOLD and "song ~ ministry" in why
    # 성 inside a person's name is a syllable of it, not "ministry".
    assert reasons("김성철", "KIM SONG CHOL", person=True)[0] >= THRESHOLD
    assert reasons("선봉무역회사", "SONBONG SHIP MANAGEMENT COMPANY")[0] < THRESHOLD


def test_thai_is_read_in_the_royal_thai_general_system() -> None:
    similarity, why = reasons("สมชาย วงศ์สวัสดิ์", "WONGSAWAT, Somchai", person=True)
    assert similarity >= THRESHOLD
    assert "smchay ~ somchai" in why
    found = analyse("บริษัท กรุงเทพ จำกัด")  # company ... limited around the name
    assert found is not None
    assert found.tokens == ("krungthep",)
    assert found.legal_forms == ("brisat", "chamkat")


@pytest.mark.parametrize(
    ("customer", "listed", "person"),
    [
        ("Chaker Trading", "SHAKER TRADING", False),
        ("Youssef Chahine", "SHAHINE, Youssef", True),
        ("Abdul Rahman Syafii", "SHAFII, Abdul Rahman", True),
        ("Hossein Bagheri", "BAQERI, Hossein", True),
        ("Eurotrans LLC", "EVROTRANS", False),
        ("Jean-Pierre Kalumb", "KALUMBA, Jean-Pierre", True),
        ("Boyle Chem", "BOYLE CHEMICAL", False),
    ],
)
def test_one_name_in_two_romanisations_matches(customer: str, listed: str, person: bool) -> None:
    assert reasons(customer, listed, person=person)[0] >= THRESHOLD


@pytest.mark.parametrize(
    ("customer", "listed", "person"),
    [
        ("Oleg Ryshkov", "RYCHKOV, Oleg", True),  # ch before a consonant is Russian ч, not sh
        ("Star Logistics Ltd", "STARI LOGISTICS LTD", False),  # a vowel added at the end of a short name
        ("Bingo Shipping", "INGO SHIPPING", False),  # a consonant put before a name
        ("Lower Volga Trading", "VERKHNEVOLZHSKAYA TORGOVAYA KOMPANIYA", False),  # lower is not upper
    ],
)
def test_near_spellings_of_other_names_stay_apart(customer: str, listed: str, person: bool) -> None:
    assert reasons(customer, listed, person=person)[0] < THRESHOLD


def test_urdu_letters_are_read_as_their_arabic_and_persian_sounds() -> None:
    similarity, why = reasons("ابراہیم لودھی", "LODHI, Ibrahim", person=True, country="PK")
    assert similarity >= THRESHOLD
    assert "abrahym ~ ibrahim" in why and "lwdhy ~ lodhi" in why


def test_armed_groups_words_meet_their_romanised_arabic() -> None:
    similarity, why = reasons("Furqan Battalion", "KATIBAT AL-FURQAN", country="SY")
    assert similarity >= THRESHOLD and "battalion ~ katibat" in why
    similarity, why = reasons("Liwa al-Qadisiyah", "QADISIYAH BRIGADE", country="IQ")
    assert similarity >= THRESHOLD and "liwa ~ brigade" in why


@pytest.mark.parametrize(
    ("customer", "listed", "reason"),
    [
        ("Министерство обороны", "MINISTRY OF DEFENCE", "oborony ~ defense"),
        (
            "Obyedinennaya Sudostroitelnaya Korporatsiya",
            "UNITED SHIPBUILDING CORPORATION",
            "obyedinennaya ~ united",
        ),
        ("وكالة الأنباء الوطنية", "NATIONAL NEWS AGENCY", "wtnyt ~ national"),
        ("مؤسسة الصناعات العسكرية", "MILITARY INDUSTRIES CORPORATION", "skryt ~ military"),
        (
            "المؤسسة العامة للصناعات الدفاعية",
            "GENERAL ESTABLISHMENT FOR DEFENCE INDUSTRIES",
            "dfayt ~ defense",
        ),
        ("Sharikat Naft al-Shamal", "NORTH OIL COMPANY", "shamal ~ north"),
        (
            "Vologda Optical and Mechanical Plant",
            "VOLOGODSKY OPTIKO MEKHANICHESKY FACTORY",
            "vologda ~ vologodsky",
        ),
        ("Banque centrale de Tunisie", "CENTRAL BANK OF TUNISIA", "banque ~ bank"),
    ],
)
def test_common_words_of_bodies_meet_across_languages_in_any_of_their_forms(
    customer: str, listed: str, reason: str
) -> None:
    similarity, why = reasons(customer, listed, country="XX")
    assert similarity >= THRESHOLD
    assert reason in why


@pytest.mark.parametrize(
    ("customer", "listed"),
    [
        ("Sergej Tschernyschow", "CHERNYSHOV, Sergei"),
        ("Boris Jelzin", "YELTSIN, Boris"),
        ("Georgi Schukow", "ZHUKOV, Georgy"),
        ("Sergei Glasjew", "GLAZYEV, Sergey"),
        ("Sergueï Choïgou", "SHOIGU, Sergei"),
        ("Dmitri Chostakovitch", "SHOSTAKOVICH, Dmitry"),
    ],
)
def test_a_russian_name_in_its_german_or_french_spelling_meets_the_listed_one(
    customer: str, listed: str
) -> None:
    assert reasons(customer, listed, person=True)[0] >= THRESHOLD


def test_a_french_reading_keeps_russian_ch_before_a_consonant() -> None:
    assert reasons("Andrey Sergeyevich Pushkov", "PUCHKOV, Andrey Sergeyevich", person=True)[0] < THRESHOLD


def test_arabic_script_joins_names_a_latin_listing_writes_apart() -> None:
    assert reasons("محمدرضا نقدی", "NAQDI, Mohammad Reza", person=True)[0] >= THRESHOLD


def test_a_latin_arabic_name_with_its_article_joined_and_french_letters_meets_the_arabic_script() -> None:
    similarity, why = reasons("الشويكي", "ALCHWIKI", country="SY")
    assert similarity >= THRESHOLD and "shwyky ~ alchwiki" in why


def test_a_russian_compound_may_begin_with_a_short_syllable_stem() -> None:
    similarity, why = reasons(
        "АО «Росэлектроника»", "OPEN JOINT STOCK COMPANY RUSSIAN ELECTRONICS", country="RU"
    )
    assert similarity >= THRESHOLD and "ros ~ russian" in why


def test_the_arabic_article_written_as_it_sounds_is_left_out_as_al_is() -> None:
    found = analyse("Jabhat an-Nusra")
    assert found is not None and found.tokens == ("jabhat", "nusra")


def test_a_latin_word_of_three_consonants_and_other_vowels_than_a_is_not_read_as_persian() -> None:
    assert org_meanings("razety") == frozenset()  # r, s, t: as ریاست (presidency) would be
    assert org_meanings("sanat")  # صنعت, industry

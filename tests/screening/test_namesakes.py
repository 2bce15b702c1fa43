"""Screening tells a listed body or person from namesakes the names alone cannot tell apart: a place or
country another body's name names, a Korean word a syllable apart, a listed person met by fewer of its names
with no country, a listed name of common words only, a short listed name with a line of business added."""

from __future__ import annotations

from screening.matching import THRESHOLD, Party, score


def found(
    customer: str,
    listed: list[str],
    *,
    country: str = "",
    listed_countries: tuple[str, ...] = (),
    person: bool = False,
) -> tuple[float, str]:
    result = score(
        Party.build([customer], [country] if country else []),
        Party.build(listed, listed_countries, person=person),
    )
    return (result.score, " | ".join(result.reasons)) if result else (0.0, "")


def test_a_country_another_name_of_the_listing_does_not_name_is_another_body() -> None:
    listed = ["SWORD OF FAITH IN MALI", "SWORD OF FAITH"]
    assert found("Sword of Faith in Mali", listed, country="ML")[0] >= THRESHOLD
    value, why = found("Sword of Faith in Niger", listed, country="NE")
    assert value < THRESHOLD and "other countries: NE" in why


def test_a_country_the_customer_is_not_in_tells_another_body_when_the_listing_gives_none() -> None:
    assert found("Workers Liberation Army of Peru", ["WORKERS LIBERATION ARMY"], country="PE")[0] >= THRESHOLD
    value, why = found("Workers Liberation Army of Peru", ["WORKERS LIBERATION ARMY"], country="BO")
    assert value < THRESHOLD and "other countries: PE" in why


def test_cities_on_either_side_tell_other_bodies() -> None:
    listed = ["MARTYRS BRIGADE IN SIRTE"]
    assert found("Martyrs Brigade Sirte", listed, country="LY")[0] >= THRESHOLD
    value, why = found("Martyrs Brigade in Tripoli", listed, country="LY")
    assert value < THRESHOLD and "tripoli / sirte" in why
    assert found("Martyrs Brigade", listed, country="LY")[0] >= THRESHOLD
    value, why = found("Martyrs Brigade", listed, country="YE")
    assert value < THRESHOLD and "other countries: LY" in why


def test_korean_words_a_syllable_apart_are_other_bodies() -> None:
    listed = ["RYONGBONG TRADING CORPORATION"]
    assert found("Ryongbong Trading Corp", listed, country="KP", listed_countries=("KP",))[0] >= THRESHOLD
    assert found("Ryongsong Trading Corp", listed, country="KP", listed_countries=("KP",))[0] < THRESHOLD


def test_a_listed_person_with_no_country_needs_all_the_names() -> None:
    listed = ["VOLKOV, Dmitri Arkadyevich"]
    assert found("Dmitri Arkadyevich Volkov", listed, country="RU", person=True)[0] >= THRESHOLD
    value, why = found("Dmitri Volkov", listed, country="RU", person=True)
    assert value < THRESHOLD and "namesake" in why
    assert found("Dmitri Volkov", listed, listed_countries=("RU",), country="RU", person=True)[0] >= THRESHOLD


def test_a_listed_name_of_common_words_needs_a_country_in_common() -> None:
    listed = ["DIGITAL NETWORK SERVICES"]
    value, why = found("Digital Network Services Ltd", listed, country="GB")
    assert value < THRESHOLD and "common words only" in why
    placed = found("Digital Network Services Ltd", listed, country="GB", listed_countries=("GB",))
    assert placed[0] >= THRESHOLD
    named = ["DIGITAL NETWORK SERVICES GHANA"]
    assert found("Digital Network Services Ghana Ltd", named, country="GH")[0] >= THRESHOLD


def test_acronyms_skip_arabic_particles_or_keep_a_short_last_word() -> None:
    assert found("JSMA", ["JAMA'AT SAYF AL-MULK WAL-AHRAR"])[0] >= THRESHOLD
    assert found("ABIRAN", ["AERO BUILDING IRAN"], country="IR")[0] >= THRESHOLD


def test_a_short_listed_name_with_a_line_of_business_added_is_another_firm() -> None:
    assert found("Zorvex GmbH", ["ZORVEX"], country="DE")[0] >= THRESHOLD
    value, why = found("Zorvex Solutions GmbH", ["ZORVEX"], country="DE")
    assert value < THRESHOLD and "adds: solutions" in why


def test_a_person_with_another_two_letter_given_name_is_another_person() -> None:
    listed = Party.build(["JANG, Chang Ha"], ["KP"], person=True)
    found = score(Party.build(["Jang Chang Ho"], ["KP"]), listed)
    assert found is None or found.score < THRESHOLD

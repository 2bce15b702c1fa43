"""Watchlist matching and alert levels: focused behaviour, then the labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitoring.matching import Matcher, Mention, WatchName, min_confidence
from monitoring.scoring import score_alert
from monitoring.text import html_to_text

CORPUS = Path(__file__).parent / "corpus"


def _watchlist() -> list[WatchName]:
    rows = json.loads((CORPUS / "watchlist.json").read_text(encoding="utf-8"))
    return [
        WatchName(r["customer_id"], r["name"], tuple(r["aliases"]), r["country"], r["kind"]) for r in rows
    ]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(_watchlist())


def _found(matcher: Matcher, text: str) -> dict[int, Mention]:
    return {m.customer_id: m for m in matcher.scan(text)}


def test_accents_and_case_are_ignored(matcher):
    text = "La POLICIA federal y la Policia Federal detuvieron a un reportero en Veracruz."
    mention = _found(matcher, text)[1]
    assert mention.matched == "Policia Federal"
    assert any("country context: Mexico" in r for r in mention.reasons)


def test_matched_text_and_offsets_are_the_original_characters(matcher):
    text = "Informe: la Policía Federal, en Tijuana (México), detuvo a dos periodistas."
    mention = _found(matcher, text)[1]
    assert text[mention.start : mention.end] == mention.matched == "Policía Federal"
    assert "Policía Federal" in mention.snippet


def test_possessive_is_a_mention(matcher):
    mention = _found(matcher, "Leaked files show Hacking Team’s spyware reached Sudan.")[22]
    assert mention.matched == "Hacking Team"
    assert any("possessive" in r for r in mention.reasons)


def test_lowercase_common_phrase_is_not_the_company(matcher):
    assert 22 not in _found(matcher, "A hacking team from the university won the contest.")
    assert 24 not in _found(matcher, "Most tools are open source and free.")


def test_company_names_that_are_ordinary_words_are_shaped_as_common_words():
    from monitoring.judging import alias_shape

    for name in ("Paragon", "Candiru", "Area"):
        assert alias_shape(name, name.lower()) == "common"


def test_newspaper_is_not_the_distributor_called_guardian(matcher):
    assert 7 not in _found(matcher, "The Guardian reported that the ministry in London had changed its mind.")


def test_lowercase_ice_is_not_the_agency(matcher):
    assert 4 not in _found(matcher, "Roads were covered in ice and the ice rink in Texas closed.")


def test_ice_hockey_is_not_the_agency(matcher):
    assert 4 not in _found(matcher, "Ice hockey is booming in the United States.")


def test_ice_in_capitals_next_to_agents_is_the_agency(matcher):
    mention = _found(matcher, "ICE agents detained a reporter outside the courthouse in Texas.")[4]
    assert "acronym in capitals" in mention.reasons


def test_all_capitals_headline_gives_acronym_no_weight(matcher):
    assert 4 not in _found(matcher, "ICE STORM HITS THE MIDWEST")


def test_acronym_in_mixed_case_is_found_with_its_country_nearby(matcher):
    mention = _found(matcher, "The Sedena said the soldiers in Chihuahua had been suspended.")[2]
    assert any("mixed case" in r for r in mention.reasons)


def test_acronym_with_dots_is_found(matcher):
    assert 23 in _found(matcher, "Researchers blamed N.S.O. for the infection.")


def test_generic_name_of_another_country_is_not_the_customer(matcher):
    assert 5 not in _found(matcher, "The UK Ministry of Defence said it had bought drones.")
    assert 18 not in _found(matcher, "Le ministère de la Défense français a commandé des drones à Toulouse.")


def test_generic_name_with_own_country_is_the_customer(matcher):
    mention = _found(matcher, "Kenya's Ministry of Defence bought thermal cameras.")[5]
    assert "country context: Kenya named next to it" in mention.reasons


def test_generic_name_without_any_country_is_dropped(matcher):
    assert 5 not in _found(matcher, "The Ministry of Defence said on Monday it would reply in writing.")


def test_same_alias_goes_to_the_customer_of_the_named_country(matcher):
    text = "La Dirección Nacional de Inteligencia (DINI) del Perú siguió a manifestantes en Lima."
    found = _found(matcher, text)
    assert 27 in found and 25 not in found


def test_cyrillic_name_is_found_in_russian_inflected(matcher):
    mention = _found(matcher, "Сотрудники Федеральной службы безопасности задержали журналиста в Москве.")[8]
    assert mention.matched == "Федеральной службы безопасности"


def test_cyrillic_acronym_is_found_in_latin_transliteration(matcher):
    mention = _found(matcher, "The FSB detained him in Moscow.")[8]
    assert mention.matched == "FSB"


def test_latin_acronym_is_found_in_cyrillic_text(matcher):
    only_latin = Matcher.build([WatchName(1, "KNB", (), "KZ", "government")])
    assert only_latin.scan("КНБ задержал активиста в Алматы.")[0].matched == "КНБ"


def test_cyrillic_name_is_found_in_latin_romanisations(matcher):
    texts = ("the Federal'naya Sluzhba Bezopasnosti in Moscow", "Federalnaja Sluzhba Bezopasnosti, Russia")
    for text in texts:
        assert 8 in _found(matcher, text), text


def test_arabic_name_is_found_with_vowel_marks_and_particles(matcher):
    assert 13 in _found(matcher, "اعْتَقَلَ جِهَازُ المُخَابَرَاتِ العَامَّةِ مُحَامِيًا فِي القاهرة")
    assert 15 in _found(matcher, "وقال متحدث في بيان لرئاسة أمن الدولة في الرياض")


def test_name_broken_by_markup_and_line_break_is_found(matcher):
    text = html_to_text("<p>the <b>Policía</b>\n<b>Federal</b> in Mexico City</p>")
    assert 1 in _found(matcher, text)


def test_name_hyphenated_at_a_line_end_is_found(matcher):
    assert 31 in _found(matcher, html_to_text("Police in Kenya used Celle-\nbrite tools."))


def test_name_inside_a_longer_word_is_not_found(matcher):
    assert 23 not in _found(matcher, "The NSOGroup handle and the word NSOs are not the company.")


def test_best_mention_per_customer_is_returned(matcher):
    mentions = matcher.scan("Sedena, or the Secretaría de la Defensa Nacional, spied on activists in Mexico.")
    assert [m.customer_id for m in mentions] == [2]
    assert mentions[0].confidence >= min_confidence()


def test_empty_watchlist_finds_nothing():
    assert Matcher.build([]).scan("NSO Group") == []


def test_alert_is_critical_for_torture_in_a_credible_source(matcher):
    text = "Activists detained by the Presidency of State Security say they were tortured in Jeddah."
    mention = _found(matcher, text)[15]
    alert = score_alert(mention, text, 0.9)
    assert alert.level == "critical"
    assert any("torture" in r for r in alert.reasons)


def test_alert_is_info_for_business_news(matcher):
    text = "Kenya's Ministry of Defence signed a contract for cameras on the Somali border."
    alert = score_alert(_found(matcher, text)[5], text, 0.9)
    assert alert.level == "info"


def test_alert_from_a_low_credibility_source_stays_info(matcher):
    text = "An anonymous forum says DarkMatter hacked the phones of activists and journalists."
    alert = score_alert(_found(matcher, text)[16], text, 0.2)
    assert alert.level == "info"
    assert any("low credibility" in r for r in alert.reasons)


def test_risk_terms_are_found_in_russian_inflections(matcher):
    text = "Сотрудники ФСБ задержали журналистов и применяли к ним пытки."
    alert = score_alert(_found(matcher, text)[8], text, 0.9)
    assert alert.level == "critical"


def test_suspects_held_beside_a_mention_are_named_features_and_reasons(matcher):
    from monitoring.scoring import level_features

    text = "Сотрудники ФСБ задержали двух подозреваемых в подготовке теракта."
    mention = _found(matcher, text)[8]
    found, _ = level_features(mention, text, 0.9)
    assert {"sentence:suspects", "sentence:detention&suspects", "text:suspects"} <= found.keys()
    assert any("suspects or the accused" in r for r in score_alert(mention, text, 0.9).reasons)


def _corpus(folder: Path = CORPUS) -> list[dict]:
    entries = []
    for path in sorted(folder.glob("*.json")):
        if path.name != "watchlist.json":
            entries += json.loads(path.read_text(encoding="utf-8"))
    return entries


def _precision_recall(expected: set, got: set) -> tuple[float, float]:
    true = len(expected & got)
    return (true / len(got) if got else 1.0), (true / len(expected) if expected else 1.0)


def _mentions_precision_recall(matcher: Matcher, entries: list[dict]) -> tuple[float, float]:
    assert len(entries) >= 100
    expected, got = set(), set()
    for entry in entries:
        body = html_to_text(entry["body"]) if entry["html"] else entry["body"]
        text = f"{entry['title']}\n{body}"
        got |= {(entry["id"], m.customer_id) for m in matcher.scan(text)}
        expected |= {(entry["id"], c) for c in entry["mentions"]}
    print("missed", sorted(expected - got), "false", sorted(got - expected))
    return _precision_recall(expected, got)


def test_heldout_corpus_mentions_precision_and_recall():
    """The corpus labelled blind to the matcher (tests/monitoring/heldout), with its own watchlist.

    Its alert labels were retired (corpus/README.md): levels are held by test_realworld.py.
    """
    folder = CORPUS.parent / "heldout"
    watchlist = json.loads((folder / "watchlist.json").read_text(encoding="utf-8"))
    matcher = Matcher.build(
        WatchName(c["customer_id"], c["name"], tuple(c.get("aliases", ())), c["country"], c["kind"])
        for c in watchlist
    )
    precision, recall = _mentions_precision_recall(matcher, _corpus(folder))
    # Measured P 0.948 / R 0.961 with the parameters fitted on all five seen splits of the real-world
    # corpus (mention threshold 0.5, was 0.65: four false mentions, three missed).
    assert precision >= 0.945 and recall >= 0.955


def test_corpus_mentions_precision_and_recall(matcher):
    precision, recall = _mentions_precision_recall(matcher, _corpus())
    assert precision >= 0.95 and recall >= 0.95


def test_surveillance_cameras_are_equipment_not_surveillance_of_people():
    from monitoring import lexicon

    def kinds(text: str) -> set[str]:
        return {category for category, _, _ in lexicon.terms_as_written(text).terms}

    for text in ("The council bought surveillance cameras.", "Камеры видеонаблюдения.", "视频监控系统"):
        assert "equipment" in kinds(text) and "surveillance" not in kinds(text)
    assert {"surveillance", "equipment", "targets"} <= kinds("Police used spyware on journalists' cameras.")

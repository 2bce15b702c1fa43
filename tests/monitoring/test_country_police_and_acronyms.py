"""A country's police named far from the country word, and an acronym that the text spells out as
another body anywhere (monitoring.police, monitoring.acronyms). Texts written for these tests."""

from __future__ import annotations

from contracts.models import CustomerKind
from monitoring.acronyms import spelled_elsewhere
from monitoring.judging import WatchName
from monitoring.matching import Matcher

WATCHED = [
    WatchName(1, "Corvanian National Police", ("PNC",), "NI", CustomerKind.GOVERNMENT),
    WatchName(2, "Federal Security Service", ("FSB",), "RU", CustomerKind.GOVERNMENT),
    WatchName(3, "Emniyet Genel Müdürlüğü", ("EGM",), "TR", CustomerKind.GOVERNMENT),
    WatchName(4, "Uganda Police Force", ("Uganda Police",), "UG", CustomerKind.GOVERNMENT),
    WatchName(5, "National Police", ("PNP",), "PH", CustomerKind.GOVERNMENT),
]


def _candidates(text: str) -> set[int]:
    return {customer for customer, _ in Matcher.build(WATCHED).candidates(text)}


def test_police_of_the_only_country_the_text_names_is_that_countrys_force():
    text = "En Nicaragua, la oposición denunció nuevas detenciones. Según testigos, la policía rodeó la casa."
    assert _candidates(text) == {1}


def test_police_in_a_text_naming_two_countries_far_from_both_is_nobodys():
    text = "Nicaragua y Honduras firmaron un acuerdo comercial. Más tarde, la policía cerró la carretera."
    assert _candidates(text) == set()


def test_police_in_a_text_naming_no_country_is_nobodys():
    assert _candidates("La policía cerró la carretera después de la protesta.") == set()


def test_police_in_a_text_naming_no_country_in_the_language_of_one_country_only_is_that_countrys():
    text = "Gazeteciler gözaltına alındı. Polis bir muhabiri itti ve kamerasını aldı."
    assert _candidates(text) == {3}


def test_a_name_that_is_the_police_word_alone_leaves_it_to_the_country_named_beside_it():
    # "Uganda Police" less its country is "Police": it must not take the word from "Philippine police".
    assert 5 in _candidates("A report says Philippine police are behind thousands of killings.")


def test_an_acronym_spelled_out_anywhere_as_another_body():
    text = "The Financial Stability Board met in Basel. Its chair said the FSB would publish a report."
    assert spelled_elsewhere(text, "FSB", text.index("FSB")) == "Financial Stability Board"


def test_an_acronym_with_no_capitalised_name_of_its_initials_is_not_spelled_out():
    text = "The FSB detained a journalist, the Federal Security Service of Russia confirmed."
    assert spelled_elsewhere(text, "FSB", text.index("FSB")) is None
    assert spelled_elsewhere("Fine Silver Bars are sold. The FSB said.", "FSB", 28) == "Fine Silver Bars"

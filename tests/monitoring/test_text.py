"""HTML to plain text, and folding for matching with offsets back to the original."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from monitoring.lexicon import _word_counts, text_language
from monitoring.text import Folded, fold, fold_key, html_to_text, transliterate


def test_tags_are_stripped_and_entities_decoded():
    assert html_to_text("<p>Hacking <b>Team</b>&#39;s &amp; <i>Policía</i>&nbsp;Federal</p>") == (
        "Hacking Team's & Policía Federal"
    )


def test_script_style_and_comments_are_dropped_with_their_content():
    html = "<p>a</p><script>var n = 'NSO Group';</script><style>.x{}</style><!-- Hacking Team --><p>b</p>"
    assert html_to_text(html) == "a\nb"


def test_unclosed_script_drops_the_rest():
    assert html_to_text("<p>a</p><script>NSO Group") == "a"


def test_blocks_and_br_make_lines_and_source_newlines_are_spaces():
    assert html_to_text("<div>Hacking\n   Team</div><p>one<br>two</p>") == "Hacking Team\none\ntwo"


def test_escaped_markup_stays_text():
    assert html_to_text("&lt;b&gt;NSO&lt;/b&gt;") == "<b>NSO</b>"


def test_soft_hyphens_and_zero_width_spaces_are_removed():
    assert html_to_text("Poli&shy;cía Fe\u200bderal") == "Policía Federal"


def test_word_hyphenated_at_line_end_joins_and_compound_keeps_its_hyphen():
    assert html_to_text("Poli-\ncía and Al-\nMukhabarat") == "Policía and Al-Mukhabarat"


def test_plain_text_whitespace_is_normalised():
    assert html_to_text("  a \t b\n\n\n c  ") == "a b\nc"


def test_folding_handles_case_accents_and_casefold():
    assert fold("POLICÍA Fédérale ß İstanbul") == "policia federale ss istanbul"


def test_folding_transliterates_cyrillic_and_arabic():
    assert fold("ФСБ Федеральная служба") == "fsb federalnaya sluzhba"
    assert fold("المُخابَرات") == "almkhabrat"


def test_punctuation_folds_to_spaces_so_keys_match_whole_words():
    assert fold_key("U.S. Immigration") == "u s  immigration"
    assert Folded("(NSO)").view == "  nso  "


def test_a_folded_text_says_whether_it_holds_letters_past_latin_1():
    assert Folded("Ministère de l'Intérieur").latin1
    assert not Folded("Служба безопасности").latin1
    assert not Folded("جهاز أمن الدولة").latin1
    assert not Folded("Police “spyware”").latin1


@pytest.mark.parametrize(
    "text, word",
    [
        ("La Policía Federal detuvo", "Policía Federal"),
        ("Сотрудники ФСБ задержали журналиста", "журналиста"),
        ("Straße und Fußball in Köln", "Köln"),
        ("اعْتَقَلَ جِهَازُ المُخَابَرَاتِ صحفيا", "المُخَابَرَاتِ"),
        ("ﬁnance ﬂow and the ﬁrm", "the"),
        ("emoji 🎉 then Hacking Team", "Hacking Team"),
    ],
)
def test_view_offsets_map_back_to_the_original_characters(text, word):
    folded = Folded(text)
    start = text.index(word)
    view_start, view_end = folded.view_offset(start), folded.view_offset(start + len(word))
    assert folded.span(view_start, view_end) == (start, start + len(word))
    assert folded.view[view_start:view_end] == fold_key(word)


def test_transliterate_keeps_case():
    assert transliterate("ФСБ и Центр") == "FSB i Tsentr"


def test_hostile_strings_do_not_break_folding_or_html():
    strings = json.loads(Path("/work/shared/data/blns.json").read_text(encoding="utf-8"))
    for text in strings:
        folded = Folded(text)
        assert len(folded.view) >= 2
        start, end = folded.span(1, len(folded.view) - 1)
        assert 0 <= start <= end <= len(text)
        html_to_text(text)


def test_deeply_nested_markup_is_read_in_linear_time():
    # An HTML5 parser tried for html_to_text took minutes on this (quadratic in the nesting depth).
    started = time.monotonic()
    assert html_to_text("<div><b>" * 100_000 + "Cellebrite") == "Cellebrite"
    assert time.monotonic() - started < 10.0


def test_a_text_language_is_the_one_whose_function_words_come_most_often():
    assert text_language("The report and the answer of the ministry: the end.") == "en"
    assert text_language("Der Bericht und die Antwort der Polizei, und der Rest.") == "de"
    assert text_language("the and der und") is None  # a tie names no language
    assert text_language("Report") is None


def test_words_are_counted_as_runs_of_word_characters_whatever_the_punctuation():
    text = "The end, the_end (the) l'état: «the» 3rd Über über"
    assert _word_counts(text) == Counter(re.findall(r"\w+", text))

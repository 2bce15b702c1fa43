"""Names reduced for screening: read in Latin, legal forms set aside, words weighted and tagged with meanings.

Built on `rigour` (OpenSanctions' name library): ICU transliteration to Latin, name normalisation and its
table of company types and legal forms in many languages and scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import icu
from rigour.names import (
    NameTypeTag,
    analyze_names,
    extract_org_types,
    normalize_name,
    remove_person_prefixes,
    replace_org_types_compare,
)

from screening.legal_forms import EXTRA_LEGAL_FORMS, EXTRA_LEGAL_PHRASES
from screening.org_words import COMPOUND_LENGTH, FOREIGN_COMMON, org_meanings, split_compound, stem_meanings
from screening.scripts import ARABIC_CLITIC, PERSIAN_SUFFIX, latin, spoken, word_latin
from screening.words import (
    DEDICATIONS,
    GENERIC_WEIGHT,
    GENERIC_WORDS,
    HONORIFIC,
    PLACE_WORDS,
    SHORT_WEIGHT,
    STOP_WORDS,
    SYNONYMS,
)


@dataclass(frozen=True)
class NameForm:
    """One name as the matcher sees it."""

    original: str
    tokens: tuple[str, ...]  # core tokens: Latin, lower case, legal forms and stop words removed
    legal_forms: tuple[str, ...]  # generic legal forms found (llc, jsc...), for the reasons
    # Per token, what rigour's symbol tables say it means in any language ("торговый", "trade": TRADE;
    # "大学", "university": UNIVERSITY; "Vladimir", "Uladzimir": one Wikidata name), empty when unknown.
    symbols: tuple[frozenset[str], ...] = ()

    @property
    def core(self) -> str:
        return " ".join(self.tokens)

    def symbols_of(self, index: int) -> frozenset[str]:
        return self.symbols[index] if index < len(self.symbols) else frozenset()


_DEDICATION_STARTS = frozenset(opener[0] for opener in DEDICATIONS)


def token_weight(token: str) -> float:
    if token.startswith(HONORIFIC):
        return GENERIC_WEIGHT
    if token in GENERIC_WORDS or token in FOREIGN_COMMON or token in PLACE_WORDS:
        return GENERIC_WEIGHT
    if len(token) <= 2:
        return SHORT_WEIGHT
    return 1.0


_RUSSIAN_ENDINGS = re.compile(r"(oy|iy|yy|yi|ij|yj|ii)$")
# Latin words that look transliterated from Russian: adjective and noun endings, letters of Cyrillic
# ("zh", "kh", "ts", "shch"), which are the ones worth reading back into Russian.
_RUSSIAN_WORD = re.compile(
    r"(y|iy|oy|yy|yi|ij|aya|oye|oe|ye|ogo|ykh|ikh|ovo|stvo|iye|iya|tr|kt)$|zh|kh|ts|shch"
)


@lru_cache(maxsize=1 << 17)
def _russian_symbols(word: str) -> frozenset[str]:
    """The symbols of a Latin word read back into Russian (ICU's BGN table): a transliterated Russian word
    ("torgovoy": TRADE, "tsentr": CENTER) means what rigour's table says its Cyrillic spelling means."""
    cyrillic = _TO_RUSSIAN().transliterate(_RUSSIAN_ENDINGS.sub("y", word))
    found: set[str] = set()
    for name in analyze_names(NameTypeTag.ORG, [cyrillic], rewrite=False, consolidate=False, phonetics=False):
        for span in name.spans:
            kind = span.symbol.category.value
            if kind in ("SYMBOL", "DOMAIN") and len(span.parts) == 1:
                found.add(("D:" if kind == "DOMAIN" else "") + span.symbol.id)
    return frozenset(found)


@lru_cache(maxsize=1)
def _TO_RUSSIAN() -> icu.Transliterator:  # noqa: N802 - one shared ICU transliterator
    return icu.Transliterator.createInstance("Latin-Russian/BGN")


_AND = "و"  # "and" in Arabic and Persian, written as a word of its own ("صنایع و معادن")
_SYMBOL_KINDS = frozenset({"SYMBOL", "DOMAIN", "ORGCLS", "NAME", "NUM", "NICK"})
PLACEHOLDER = "qqq"  # stands for a word that means nothing in rigour's tables, so that taggings are shared
ABJAD = "!abjad"  # marks a word written in a script without short vowels (Arabic, Persian, Hebrew)
_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@lru_cache(maxsize=1 << 17)
def _tag(text: str) -> tuple[frozenset[str], ...] | None:
    """rigour's symbols of each word of a (normalised) text; None when its words cannot be lined up."""
    words = text.split()
    found: list[set[str]] = [set() for _ in words]
    for name in analyze_names(NameTypeTag.ORG, [text], rewrite=False, consolidate=False, phonetics=False):
        if [part.form for part in name.parts] != words:
            return None
        for span in name.spans:
            kind = span.symbol.category.value
            if kind not in _SYMBOL_KINDS:
                continue
            # A phrase's symbol is marked "+" on each of its words; a field of activity "D:" when the word
            # is written in another script than Latin, "d:" when it is not.
            symbol = span.symbol.id
            if kind == "DOMAIN":
                symbol = ("d:" if all(p.form.isascii() for p in span.parts) else "D:") + symbol
            if len(span.parts) > 1:
                symbol = "+" + symbol
            for part in span.parts:
                found[part.index].add(symbol)
    return tuple(frozenset(f) for f in found)


def _known(word: str) -> bool:
    tags = _tag(word)
    return word in STOP_WORDS or word in GENERIC_WORDS or bool(tags and tags[0])


def _symbols(words: list[str]) -> list[set[str]]:
    """What rigour's taggers say each word means (empty sets when they say nothing or cannot be lined up).

    The name is tagged as a whole (phrases: "research and production enterprise") with each word that means
    nothing alone replaced by a placeholder, so that one tagging serves all names of one shape."""
    found: list[set[str]] = [set() for _ in words]
    shape = [w if _known(w) else PLACEHOLDER for w in words]
    if any(w != PLACEHOLDER for w in shape):
        tags = _tag(" ".join(shape))
        if tags is not None:
            found = [set(t) for t in tags]
    for index, word in enumerate(words):
        if (
            not found[index]
            and len(word) >= 4
            and word.isascii()
            and word.isalpha()
            and _RUSSIAN_WORD.search(word) is not None
        ):
            found[index] |= _russian_symbols(word)
    return found


_PHRASE_STARTS = frozenset(phrase[0] for phrase in EXTRA_LEGAL_PHRASES)


def _drop_phrases(tokens: list[str], symbols: list[set[str]], found: list[str]) -> None:
    if _PHRASE_STARTS.isdisjoint(tokens):
        return
    for phrase in EXTRA_LEGAL_PHRASES:
        size = len(phrase)
        index = 0
        while index + size <= len(tokens):
            if tuple(tokens[index : index + size]) == phrase:
                found.append(" ".join(phrase))
                del tokens[index : index + size]
                del symbols[index : index + size]
            else:
                index += 1


def _mark_dedication(tokens: list[str], symbols: list[set[str]]) -> None:
    """The words after "named after" (имени) honour someone: they are kept, but count little, as a customer
    often leaves them out ("RFNC-VNIITF" for "RFNC-VNIITF named after Academician E.I. Zababakhin")."""
    if _DEDICATION_STARTS.isdisjoint(tokens):
        return
    for start in range(1, len(tokens)):
        for opener in DEDICATIONS:
            end = start + len(opener)
            if tuple(tokens[start:end]) == opener and end < len(tokens):
                tokens[start:] = [HONORIFIC + t for t in tokens[end:]]
                del symbols[start : start + len(opener)]
                return


_IN_WORD_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")
# The Arabic article written as it sounds before a "sun" consonant ("ad-Dawla", "ash-Sham", "an-Nusra"),
# as the article "al" is: left out.
# "Co-operation", "co-ordination": one word, not "company" and another.
_CO_PREFIX = re.compile(r"\bco-(?=[a-z]{4})")
_ASSIMILATED_ARTICLE = re.compile(r"\b[ae](sh|th|dh|[dnrstz])-(?=\1)")


@lru_cache(maxsize=65536)
def analyse(name: str, *, person: bool = False) -> NameForm | None:
    """Reduce a name to its core tokens; None when nothing is left of it.

    Legal forms are found by rigour's table in the name's own script ("ООО", "д.о.о.", "有限公司") and again
    in Latin, and by the few of EXTRA_LEGAL_FORMS and EXTRA_LEGAL_PHRASES; the words are then read in Latin
    one by one (Chinese cut into words first), each keeping what rigour's symbol tables say it means.
    """
    if "\u200c" in name:
        name = PERSIAN_SUFFIX.sub("", name)
    # An apostrophe inside a word joins it, as normalize_name would later: read apart, its end could be
    # taken for a legal form ("Jama'at": "at", a Ukrainian joint-stock company).
    text = _ASSIMILATED_ARTICLE.sub("", _IN_WORD_APOSTROPHE.sub("", spoken(name)))
    text = _CO_PREFIX.sub("co", text)
    if not text:
        return None
    forms: list[str] = []
    if person:
        text = remove_person_prefixes(text)
    else:
        found = extract_org_types(text, generic=True)
        if found:
            targets = {target for _, target in found if target}
            forms += [latin(matched) for matched, _ in found]
            replaced = replace_org_types_compare(text, generic=True)
            text = " ".join(w for w in replaced.split() if w not in targets)
    words = [
        w if w.isascii() else ARABIC_CLITIC.sub("", w)
        for w in (normalize_name(text) or "").split()
        if w != _AND
    ]
    # Organisations' words are looked up in rigour's symbol tables; people's names are not (its table of
    # given and family names takes long to load; skeleton() evens out their usual spellings instead).
    tagged: list[set[str]] = [set() for _ in words] if person else _symbols(words)
    for index, word in enumerate(words):
        if _ABJAD.search(word):
            tagged[index].add(ABJAD)
    tokens: list[str] = []
    symbols: list[set[str]] = []
    for word, meaning in zip(words, tagged, strict=True):
        for token in word_latin(word, person=person):
            token = SYNONYMS.get(token, token)
            parts = (token,) if person or len(token) < COMPOUND_LENGTH else split_compound(token)
            for part in parts:
                tokens.append(part)
                extra = None if person else org_meanings(part) if len(parts) == 1 else stem_meanings(part)
                symbols.append(meaning | extra if extra else meaning)
    if not person:
        _drop_phrases(tokens, symbols, forms)
        _mark_dedication(tokens, symbols)
    kept = [
        (t, m)
        for t, m in zip(tokens, symbols, strict=True)
        if t not in STOP_WORDS and (person or t not in EXTRA_LEGAL_FORMS)
    ]
    if not person:
        forms += [t for t in tokens if t in EXTRA_LEGAL_FORMS]
    if not kept:
        # A name made only of small words ("The Group") keeps them rather than vanish.
        kept = [(t, m) for t, m in zip(tokens, symbols, strict=True) if t not in STOP_WORDS]
        kept = kept or list(zip(tokens, symbols, strict=True))
    if not kept:
        return None
    legal = tuple(sorted({f for f in forms if f}))
    return NameForm(name, tuple(t for t, _ in kept), legal, tuple(frozenset(m) for _, m in kept))

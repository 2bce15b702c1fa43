"""Two names word by word: the best pairing of their words, what is left on each side, and the score and
reasons that follow."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rigour.text import ascii_text

from screening.languages import one_org_word, western_similarity
from screening.names import ABJAD, NameForm, token_weight
from screening.near_spellings import NEAR_SPELLING_PENALTY, other_spelling
from screening.org_words import abbreviations, initial_letters, org_meanings, short_form
from screening.places import is_place_word
from screening.scripts import korean_syllable_key, korean_syllable_keys
from screening.similarity import (
    ACRONYM_SCORE,
    CONTRACTION_SCORE,
    KOREAN_SCORE,
    SYMBOL_SCORE,
    TOKEN_MIN,
    VOWELS_ONLY_SCORE,
    abjad_similarity,
    acronym_options,
    acronym_run,
    bare_symbols,
    contractions,
    symbol_similarity,
)
from screening.spelling import abjad_key, skeleton
from screening.words import GENERIC_WORDS, HONORIFIC, KIND_WORDS, PLACE_WORDS

ABBREVIATION_SCORE = 0.86
OTHER_KIND_PENALTY = 0.2
OTHER_WORD_PENALTY = 0.15  # the customer's name holds a distinctive word the listed one lacks (another body)
OTHER_WORD_LENGTH = 5
PERSON_EXTRA_WEIGHT = 0.3
SHORT_FORM_EXTRA_WEIGHT = 0.2  # a listed body's common words a short form leaves out ("Sepanir Co.")
SHORT_FORM_MATCH = 0.9  # how well a short form's own word must meet the listed one


_Words = tuple[tuple[str, ...], tuple[frozenset[str], ...]]


def _words(form: NameForm) -> _Words:
    symbols = form.symbols if len(form.symbols) == len(form.tokens) else (frozenset(),) * len(form.tokens)
    return form.tokens, symbols


def _join_compounds(words: _Words, other: tuple[str, ...], *, other_abjad: bool = False) -> _Words:
    """'hik vision' against 'hikvision': two neighbouring words written as one on the other side
    (`other_abjad`: whether the other side is in Arabic script, which joins what Latin writes apart:
    "محمدرضا" mhmdrza, "Mohammad Reza")."""
    tokens, symbols = words
    if len(tokens) < 2:
        return words
    joined = set(other)
    sounds, lengths = _long_sounds(other)
    out: list[str] = []
    meanings: list[frozenset[str]] = []
    index = 0
    while index < len(tokens):
        pair = tokens[index] + tokens[index + 1] if index + 1 < len(tokens) else ""
        if pair and (
            pair in joined
            or (len(pair) in lengths and skeleton(pair) in sounds)
            # Arabic script writes apart what a Latin spelling joins ("نصر الله" nsr allh, "Nasrallah").
            or ((other_abjad or ABJAD in symbols[index]) and abjad_key(pair) in _long_abjad_keys(other))
        ):
            out.append(tokens[index] + tokens[index + 1])
            meanings.append(symbols[index] | symbols[index + 1])
            index += 2
        else:
            out.append(tokens[index])
            meanings.append(symbols[index])
            index += 1
    return tuple(out), tuple(meanings)


@lru_cache(maxsize=1 << 16)
def _long_sounds(tokens: tuple[str, ...]) -> tuple[frozenset[str], frozenset[int]]:
    """The skeletons of a name's long words, and the lengths of joined words that might have them."""
    long = [t for t in tokens if len(t) >= 8]
    return frozenset(skeleton(t) for t in long), frozenset(
        n + d for t in long for n in (len(t),) for d in range(-3, 4)
    )


@lru_cache(maxsize=1 << 16)
def _long_abjad_keys(tokens: tuple[str, ...]) -> frozenset[str]:
    """The consonants of a name's words of four consonants or more, as abjad_key writes them."""
    return frozenset(key for key in map(abjad_key, tokens) if len(key) >= 4)


@dataclass
class _Alignment:
    score: float
    query: tuple[str, ...]
    result: tuple[str, ...]
    pairs: list[tuple[int, int]]  # aligned (query index, result index)
    used_q: set[int] = field(default_factory=set)  # every word counted as matched, by pair or otherwise
    used_r: set[int] = field(default_factory=set)
    acronyms: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    honours: bool = False  # whether the query has words of a dedication ("named after ...")
    person: bool = False
    latin: bool = True  # whether the customer's name is written in Latin, Greek or Cyrillic letters
    original: str = ""  # the customer's name as written

    def explain(self) -> list[str]:
        query = tuple(t.lstrip(HONORIFIC) for t in self.query)
        result = tuple(t.lstrip(HONORIFIC) for t in self.result)
        used_q, used_r = self.used_q, self.used_r
        notes = []
        if [j for _, j in sorted(self.pairs)] != sorted(j for _, j in self.pairs):
            notes.append("same words in another order")
        fuzzy = [(query[i], result[j]) for i, j in self.pairs if query[i] != result[j]]
        if fuzzy:
            notes.append("spelled differently: " + ", ".join(f"{a} ~ {b}" for a, b in fuzzy[:4]))
        for short, words in self.acronyms:
            notes.append(f"{short} read as the initials of: {' '.join(words)}")
        unmatched = [t for i, t in enumerate(query) if i not in used_q]
        unmatched += [t for j, t in enumerate(result) if j not in used_r]
        if unmatched:
            notes.append("words on one side only: " + ", ".join(unmatched[:6]))
        conflict = self.kind_conflict()
        if conflict:
            notes.append(
                f"different kinds of body or places: {', '.join(conflict[0])} / {', '.join(conflict[1])}"
            )
        elif self.other_words():
            whose = "another person's" if self.person else "another body's"
            notes.append(f"words of {whose} name: " + ", ".join(self.other_words()))
        return notes

    def kind_conflict(self) -> tuple[list[str], list[str]] | None:
        used_q, used_r = self.used_q, self.used_r
        # Two bodies named after two different people ("... named after Lenin", "... named after Kirov").
        honours_q = [t.lstrip(HONORIFIC) for t in self.query if t[0] == HONORIFIC] if self.honours else []
        honours_r = [t.lstrip(HONORIFIC) for t in self.result if t[0] == HONORIFIC] if honours_q else []
        if honours_q and honours_r:
            matched = [i for i in used_q if self.query[i].startswith(HONORIFIC)]
            if not matched:
                return (["named after " + " ".join(honours_q)], ["named after " + " ".join(honours_r)])
        # Kinds of body, or numbers ("33rd Light Infantry Division", "77th ...").
        kinds_q = sorted({t for i, t in enumerate(self.query) if i not in used_q and _kind_or_number(t)})
        kinds_r = sorted({t for j, t in enumerate(self.result) if j not in used_r and _kind_or_number(t)})
        if kinds_q and kinds_r:
            return kinds_q, kinds_r
        places_q = sorted({t for i, t in enumerate(self.query) if i not in used_q and _is_place(t)})
        places_r = sorted({t for j, t in enumerate(self.result) if j not in used_r and _is_place(t)})
        return (places_q, places_r) if places_q and places_r else None

    def other_words(self) -> list[str]:
        """The customer's distinctive words the listing lacks, when they tell another body or person: words on
        both sides that differ ("Xuanwu Wenqu", "Xuanwu Lucun"; "Valdez Ruelas", "VALDEZ RUIZ"), or, for a
        body, long words added to a listed name matched in full ("Voentorg-Retail" against "Voentorg"), or a
        letter or number joined to one by a hyphen ("Angstrem-T"). Only for a customer's name written in an
        alphabet: one read from another script often keeps words a transliteration cannot pair."""
        if not self.latin:
            return []
        unmatched = [t for i, t in enumerate(self.query) if i not in self.used_q]
        # A person's name of two letters is a name as much as a longer one ("Jang Chang Ho", "... Ha").
        least = 0.5 if self.person else 1.0
        mine = [t for t in unmatched if token_weight(t) >= least]
        theirs = [t for j, t in enumerate(self.result) if j not in self.used_r and token_weight(t) >= least]
        if mine and theirs:
            return mine
        if self.person:
            return []
        if not theirs:
            suffixes = _hyphen_suffixes(self.original) if "-" in self.original else frozenset()
            return [t for t in unmatched if (len(t) >= OTHER_WORD_LENGTH and t in mine) or t in suffixes]
        return []


def _kind_or_number(token: str) -> bool:
    return token in KIND_WORDS or token.isdigit()


def _is_place(token: str) -> bool:
    return token in PLACE_WORDS or is_place_word(token)


_HYPHEN_SUFFIX = re.compile(r"\w-(\w{1,2})\b")


@lru_cache(maxsize=1 << 14)
def _hyphen_suffixes(name: str) -> frozenset[str]:
    return frozenset(_HYPHEN_SUFFIX.findall(ascii_text(name).casefold()))


def _is_alphabetic(form: NameForm) -> bool:
    """Whether a name is written in Latin, Greek or Cyrillic letters, which read into Latin word for word
    (Arabic and Persian lack short vowels; Chinese, Thai and Khmer have no word spaces)."""
    return form.original.isascii() or _BEYOND_CYRILLIC.search(form.original) is None


# Latin, Greek and Cyrillic letters (with Cyrillic Supplement) come before U+0530.
_BEYOND_CYRILLIC = re.compile("[^\u0000-\u052f]")


def _weight(tokens: tuple[str, ...], indexes: Iterable[int] | None = None) -> float:
    total = 0.0
    for index in range(len(tokens)) if indexes is None else indexes:
        total += token_weight(tokens[index])
    return total


def _other_korean_syllables(left: str, right: str) -> bool:
    """Two Korean words a syllable apart are two names ("Hyoksong", "Hyoksin"; "Kangsong", "Kangbong"):
    each syllable is a character of its own. Syllables are compared by their consonants, as romanisations
    write one vowel several ways ("Chosun", "Joseon")."""
    if left == right:
        return False
    left_keys, right_keys = korean_syllable_keys(left), korean_syllable_keys(right)
    if not left_keys or not right_keys:
        return False
    return tuple(map(_consonants_of, left_keys)) != tuple(map(_consonants_of, right_keys))


def _consonants_of(syllable: str) -> str:
    return syllable.translate(_NO_VOWELS)


_NO_VOWELS = str.maketrans("", "", "aeiouwy")


def _align(
    query_form: NameForm,
    result_form: NameForm,
    *,
    person: bool = False,
    floor: float = 0.0,
    korean: bool = False,
) -> _Alignment:
    """Words of two names paired; the score is exact at or above `floor` (below it, penalties that could only
    lower it further are not looked for)."""
    query, query_symbols = _join_compounds(_words(query_form), result_form.tokens)
    result, result_symbols = _join_compounds(
        _words(result_form), query, other_abjad=any(ABJAD in meaning for meaning in query_symbols)
    )
    candidates = []
    for i, left in enumerate(query):
        for j, right in enumerate(result):
            similarity = western_similarity(left, right, person=person)
            if similarity < VOWELS_ONLY_SCORE and ABJAD in query_symbols[i] | result_symbols[j]:
                similarity = max(similarity, abjad_similarity(left, right))
            if korean and similarity >= TOKEN_MIN and _other_korean_syllables(left, right):
                similarity = 0.0
            if (
                korean
                and similarity < KOREAN_SCORE
                and korean_syllable_key(left)
                and korean_syllable_key(left) == korean_syllable_key(right)
            ):
                similarity = KOREAN_SCORE
            if similarity < SYMBOL_SCORE and query_symbols[i] and result_symbols[j]:
                if not (left in GENERIC_WORDS and right in GENERIC_WORDS):
                    similarity = max(similarity, symbol_similarity(query_symbols[i], result_symbols[j]))
                elif one_org_word(query_symbols[i], result_symbols[j]):
                    similarity = SYMBOL_SCORE  # two common words of one meaning ("plant", "factory")
            if similarity >= TOKEN_MIN:
                candidates.append((similarity, max(token_weight(left), token_weight(right)), i, j))
    candidates.sort(reverse=True)
    used_q: dict[int, float] = {}
    used_r: dict[int, float] = {}
    pairs: list[tuple[int, int]] = []
    meant: set[str] = set()
    for similarity, _, i, j in candidates:
        if i in used_q or j in used_r:
            continue
        used_q[i], used_r[j] = similarity, similarity
        pairs.append((i, j))
        if similarity == SYMBOL_SCORE:
            meant |= bare_symbols(query_symbols[i]) & bare_symbols(result_symbols[j])
    if meant:
        # The other words of a phrase that means one thing ("research and production enterprise": NPP).
        for used, symbols in ((used_q, query_symbols), (used_r, result_symbols)):
            for index, meaning in enumerate(symbols):
                if index not in used and bare_symbols(meaning) & meant:
                    used[index] = SYMBOL_SCORE
    if len(used_q) < len(query) and len(used_r) < len(result):
        for i, j in contractions(query, result, used_q, used_r, query_form.original):
            used_q[i], used_r[j] = CONTRACTION_SCORE, CONTRACTION_SCORE
            pairs.append((i, j))
    acronyms: list[tuple[str, tuple[str, ...]]] = []
    for side, other, used, other_used in ((query, result, used_q, used_r), (result, query, used_r, used_q)):
        if len(other) - len(other_used) < 2:
            continue
        letters = tuple(initial_letters(t) for t in other)
        possible = frozenset().union(*letters)
        for index, token in enumerate(side):
            if index in used:
                continue
            options = acronym_options(token)
            if not options or not any(possible.issuperset(option) for option in options):
                continue
            free = {k for k in range(len(other)) if k not in other_used}
            run = acronym_run(token, other, letters, free)
            if run:
                used[index] = ACRONYM_SCORE
                for k in run:
                    other_used[k] = ACRONYM_SCORE
                acronyms.append((token, tuple(other[k] for k in run)))
    weight_q, weight_r = _weight(query), _weight(result)
    if person and len(used_q) == len(query) and (len(used_q) >= 2 or len(result) < 2):
        # The customer gave fewer of the person's names (no middle name or patronymic): count them less;
        # but one name alone (a family name) must meet the others too.
        extra = [j for j in range(len(result)) if j not in used_r]
        weight_r -= _weight(result, extra) * (1 - PERSON_EXTRA_WEIGHT)
    elif person and len(used_r) == len(result) >= 2:
        # The customer gave more: another family name, or a name in another script ("Lam Cheng Yuet-ngor").
        extra = [i for i in range(len(query)) if i not in used_q]
        weight_q -= _weight(query, extra) * (1 - PERSON_EXTRA_WEIGHT)
    elif not person and _short_form(query, result, used_q, used_r):
        # The customer wrote a long listed name by its own word(s), leaving out common ones ("SADRA" for
        # "Iran Marine Industrial Company, SADRA"): count those less.
        extra = [j for j in range(len(result)) if j not in used_r]
        weight_r -= _weight(result, extra) * (1 - SHORT_FORM_EXTRA_WEIGHT)
    matched_q = sum(token_weight(query[i]) * s for i, s in used_q.items())
    matched_r = sum(token_weight(result[j]) * s for j, s in used_r.items())
    if not weight_q or not weight_r:
        coverage = 0.0
    elif all(t in GENERIC_WORDS for t in query) and all(t in GENERIC_WORDS for t in result):
        # Names made only of common words ("China Electronics Corporation") match only word for word.
        coverage = min(matched_q / weight_q, matched_r / weight_r)
    else:
        coverage = (matched_q / weight_q + matched_r / weight_r) / 2
        if not any(query[i] not in GENERIC_WORDS for i in used_q) and not any(
            result[j] not in GENERIC_WORDS for j in used_r
        ):
            coverage = min(coverage, 0.5)  # only common words in common ("Digital Technology Group")
    honours = HONORIFIC in query_form.core
    alignment = _Alignment(
        coverage,
        query,
        result,
        pairs,
        set(used_q),
        set(used_r),
        acronyms,
        honours,
        person,
        _is_alphabetic(query_form),
        query_form.original,
    )
    if coverage < floor:
        return alignment
    if alignment.kind_conflict():
        alignment.score = max(0.0, coverage - OTHER_KIND_PENALTY)
    elif alignment.other_words():
        alignment.score = max(0.0, coverage - OTHER_WORD_PENALTY)
    elif alignment.latin and not person and other_spelling(query, result, pairs, _is_alphabetic(result_form)):
        alignment.score = max(0.0, coverage - NEAR_SPELLING_PENALTY)
    return alignment


def _short_form(
    query: tuple[str, ...], result: tuple[str, ...], used_q: dict[int, float], used_r: dict[int, float]
) -> bool:
    """Whether every word of the customer's name met the listed name, one distinctive word among them
    nearly as written, and the listed words left over are all common words of bodies' names or places."""
    if len(used_q) < len(query) or len(used_r) == len(result):
        return False
    if not any(s >= SHORT_FORM_MATCH and query[i] not in GENERIC_WORDS for i, s in used_q.items()):
        return False
    left_over = (result[j] for j in range(len(result)) if j not in used_r)
    return all(t in GENERIC_WORDS or _is_place(t) or org_meanings(t) for t in left_over)


def _abbreviation(short: NameForm, long: NameForm) -> bool:
    token = short_form(short.tokens)
    if token is None or len(long.tokens) < 2 or token in long.tokens:
        return False
    return token in abbreviations(long.tokens)


def name_similarity(
    query: NameForm, result: NameForm, *, person: bool = False, floor: float = 0.0, korean: bool = False
) -> float:
    if _abbreviation(query, result) or _abbreviation(result, query):
        return ABBREVIATION_SCORE
    return _align(query, result, person=person, floor=floor, korean=korean).score


@dataclass(frozen=True)
class Comparison:
    """How two names matched: their similarity (0..1), what a person should know about it, and the listed
    name's and the customer's words left unmatched."""

    similarity: float
    notes: list[str]
    listed_only: tuple[str, ...] = ()
    customer_only: tuple[str, ...] = ()


def compare_names(
    query: NameForm, result: NameForm, *, person: bool = False, korean: bool = False
) -> Comparison:
    """Similarity of two names and what a person should know about how they matched."""
    if _abbreviation(query, result) or _abbreviation(result, query):
        short, long = (query, result) if _abbreviation(query, result) else (result, query)
        notes = [f'abbreviation: "{short.original}" are the initials of "{long.original}"']
        return Comparison(ABBREVIATION_SCORE, notes)
    alignment = _align(query, result, person=person, korean=korean)
    notes = alignment.explain()
    forms = sorted(set(query.legal_forms) | set(result.legal_forms))
    if forms:
        notes.append("legal forms set aside: " + ", ".join(forms))
    if not query.original.isascii() or not result.original.isascii():
        notes.append("compared in Latin transliteration")
    listed_only = tuple(t for j, t in enumerate(alignment.result) if j not in alignment.used_r)
    customer_only = tuple(t for i, t in enumerate(alignment.query) if i not in alignment.used_q)
    return Comparison(alignment.score, notes, listed_only, customer_only)

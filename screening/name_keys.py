"""Blocking keys of names: what a customer's name is looked up by (probe_keys) and what a listed name is
indexed by (index_slots), so that candidates need not be customers x entities."""

from __future__ import annotations

import re
from functools import lru_cache

from screening.names import ABJAD, NameForm
from screening.org_words import LISTED_ACRONYM, abbreviations, acronym_slots, run_initials, short_form
from screening.spelling import (
    PLACE_ADJECTIVE,
    abjad_key,
    abjad_loose_key,
    given_name,
    skeleton,
    western_readings,
)
from screening.words import GENERIC_WORDS, HONORIFIC


def meaning_keys(form: NameForm, index: int) -> list[str]:
    """Keys for what a word means by rigour's symbol tables, so that a translation finds its original."""
    return [
        "#" + symbol.split(":", 1)[-1]
        for symbol in form.symbols_of(index)
        if not symbol.startswith(("+", "d:", "!")) and not symbol.isdigit()
    ]


_VOWEL_RUN = re.compile(r"[aeiou]{2,}")


CONSONANT_KEY_LENGTH = 6  # words this long, of two consonants fewer, are also looked up by their consonants


@lru_cache(maxsize=1 << 16)
def _sound_keys(token: str) -> tuple[str, ...]:
    """A word's sound: its skeleton with each run of two vowels or more made one mark and final vowels
    dropped ("Babaei", "Babaie"; "Andreyev", "Andreeva"; "Sunny", "Sunne"). Words of one skeleton have one
    sound, so this key finds what a key of the skeleton would."""
    if len(token) < 4 or token.isdigit() or token.startswith(HONORIFIC):
        return ()
    key = "%" + _vowels_blurred(skeleton(token))
    keys: tuple[str, ...] = (key,)
    adjective = PLACE_ADJECTIVE.search(token)
    if adjective and adjective.start() >= 3:
        keys += ("%" + _vowels_blurred(skeleton(token[: adjective.start()])),)
    if len(token) >= CONSONANT_KEY_LENGTH and token.isalpha():
        # Its consonants alone: the matcher lets names differing in their vowels meet ("Fortop", "Fortap";
        # "Kharaneka", "Khoroneko").
        bare = abjad_key(token)
        if len(bare) >= CONSONANT_KEY_LENGTH - 2:
            keys += ("$" + token[0] + bare,)
    if len(token) >= 7 and token.startswith("al"):
        keys += ("%" + _vowels_blurred(skeleton(token[2:])),)  # an Arabic article joined ("Alcardinal")
    keys += tuple("!g" + name for name in given_name(token))  # "Aleh", "Oleg"
    # Read back from a German or French spelling of a Russian name ("Tschernyschow", "Chernyshov").
    keys += tuple("%" + _vowels_blurred(skeleton(reading)) for reading in western_readings(token))
    return tuple(dict.fromkeys(keys))


_GLIDE = re.compile(r"(?<=[aeiou])i(?=[aeiou])")  # the y of "Andreyev" between two vowels


def _vowels_blurred(sound: str) -> str:
    out: list[str] = []
    for char in _GLIDE.sub("", sound):
        if not out or out[-1] != char:
            out.append(char)
    return _VOWEL_RUN.sub("*", "".join(out)).rstrip("aeiou*")


def _consonant_key(form: NameForm, index: int, *, listed: bool) -> list[str]:
    """A word's consonants, to meet a word read from a script without short vowels ("tejarat", تجارت).

    A listed word is looked up under "=a" (if it is written in such a script) or "=l" (if not); a
    customer's word is indexed under the other letter, so that only words of one kind meet words of the
    other, not every Latin word every Latin word of the same consonants."""
    token = form.tokens[index]
    bare = abjad_key(token)
    if len(bare) < 2 or token.startswith(HONORIFIC) or any(c.isdigit() for c in token):
        return []
    abjad = ABJAD in form.symbols_of(index)
    side = "=" + ("a" if abjad == listed else "l")
    loose = abjad_loose_key(token)
    if abjad and loose != bare and len(loose) >= 2:
        return [side + bare, side + loose]  # و read as a vowel ("جمول" jmwl, "Jammoul")
    return [side + bare]


def _base_keys(form: NameForm) -> set[str]:
    tokens = form.tokens
    keys: set[str] = set()
    for index, token in enumerate(tokens):
        keys.add(token)
        # The words of a dedication are looked up by their sound too: a customer writes them without
        # "named after" ("N.N. Andreyev Acoustics Institute").
        keys.update(_sound_keys(token.lstrip(HONORIFIC)))
        keys.update(meaning_keys(form, index))
        keys.update(_consonant_key(form, index, listed=True))
    for left, right in zip(tokens, tokens[1:], strict=False):
        keys.add(left + right)  # (the sound of two joined words is a customer's key only: see index_slots)
        keys.add(_pair_key(left, right))
    return keys


COMPOUND = 10  # two words this long together may be written as one, spelled another way ("Promkomplekt")


def _pair_key(left: str, right: str) -> str:
    """Two neighbouring words in either order ("Carrie Lam", "LAM, Carrie")."""
    return "&" + "+".join(sorted((left, right)))


def probe_keys(form: NameForm) -> set[str]:
    """The keys a listed name is looked up under: its words, their sound, joined neighbours, initials.

    Abbreviations meet across sides only: the initials of a long name look for a one-word name, and a
    one-word name looks for long names with those initials ("ZTE", "Zhongxing Telecommunication Equipment").
    """
    tokens = form.tokens
    keys = _base_keys(form)
    if len(tokens) >= 2:
        keys |= {"^1:" + a for a in abbreviations(tokens)}
    if len(tokens) >= 3:
        keys |= {"^r:" + a for a in run_initials(tokens, plain=False)}
    keys |= {"^s:" + a for a in acronym_slots(tokens, LISTED_ACRONYM)}
    short = short_form(tokens)
    if short:
        keys.add("^n:" + short)
    return keys


STRONG = -1  # a key that alone makes a candidate (a join of two words, initials)


def index_slots(form: NameForm) -> list[tuple[str, int]]:
    """The keys a customer's name is indexed under, each with the word it stands for (or STRONG).

    Common words are left out unless the name has nothing else; a candidate must then share words
    carrying enough of the name's weight (see CustomerIndex), not one common-ish word of three.
    """
    tokens = form.tokens
    everything_generic = all(t in GENERIC_WORDS for t in tokens)
    slots: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        if token in GENERIC_WORDS and not everything_generic:
            continue
        slots.append((token, index))
        slots += [(key, index) for key in _sound_keys(token)]
    for index in range(len(tokens)):
        # Common words get no key of their own, nor of their meaning (a word without a key does not count
        # towards what a candidate must share).
        if tokens[index] not in GENERIC_WORDS or everything_generic:
            slots += [(key, index) for key in meaning_keys(form, index)]
            slots += [(key, index) for key in _consonant_key(form, index, listed=False)]
    for left, right in zip(tokens, tokens[1:], strict=False):
        if everything_generic or left not in GENERIC_WORDS or right not in GENERIC_WORDS:
            slots.append((left + right, STRONG))
            if len(left) + len(right) >= COMPOUND:
                slots.append(("%" + _vowels_blurred(skeleton(left + right)), STRONG))
            slots.append((_pair_key(left, right), STRONG))
    if len(tokens) >= 2:
        slots += [("^n:" + a, STRONG) for a in abbreviations(tokens)]
    short = short_form(tokens)
    if short:
        slots.append(("^1:" + short, STRONG))
    slots += [("^r:" + a, STRONG) for a in acronym_slots(tokens)]
    if len(tokens) >= 3:
        slots += [("^s:" + a, STRONG) for a in run_initials(tokens, LISTED_ACRONYM)]
    return slots

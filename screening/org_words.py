"""Common words of organisations' names by meaning, across languages and scripts (org_words.tsv), and the
acronyms, initials and compounds made of them."""

from __future__ import annotations

import re
from functools import lru_cache

from screening.scripts import ARABIC_CLITIC, PERSIAN_SUFFIX, PERSIAN_Z, org_word_rows, word_latin
from screening.spelling import abjad_loose_key, consonants, skeleton
from screening.words import GENERIC_WORDS, HONORIFIC, SYNONYMS

_Table = dict[str, frozenset[str]]


STEM_LANGUAGE = "ru-stem"


def _load_org_words() -> tuple[_Table, _Table, _Table, frozenset[str]]:
    """org_words.tsv read as the analyser reads names: meanings by word and by its skeleton, and the
    words of other languages than English whose English words are common ones."""
    meanings: dict[str, set[str]] = {}
    abjad: dict[str, set[str]] = {}
    english: dict[str, set[str]] = {}
    foreign: dict[str, set[str]] = {}
    for meaning, language, words in org_word_rows():
        if language == STEM_LANGUAGE:
            continue  # syllable stems mean something only inside a compound (split_compound)
        for word in words:
            word = ARABIC_CLITIC.sub("", PERSIAN_SUFFIX.sub("", word))
            if language == "fa":
                word = word.translate(PERSIAN_Z)
            for token in word_latin(word, person=False):
                token = SYNONYMS.get(token, token)
                meanings.setdefault(token, set()).add("W" + meaning)
                if language in ("ar", "fa"):
                    keys = [consonants(token), abjad_loose_key(token), _without_feminine(token)]
                    keys = [k for k in keys if len(k) >= 3] if len(keys[0]) >= 3 else []
                    for key in filter(None, (*keys, arabic_stem(token))):
                        abjad.setdefault(key, set()).add("W" + meaning)
                if language == "en":
                    english.setdefault(meaning, set()).add(token)
                elif not (language == "ko" and len(word) == 1):  # "song" (성) is a person's name as often
                    foreign.setdefault(meaning, set()).add(token)
    common_meanings = {m for m, words in english.items() if any(w in GENERIC_WORDS for w in words)}
    common = {t for m in common_meanings for t in foreign.get(m, ())} - set().union(*english.values())
    by_sound: dict[str, set[str]] = {}
    for token, found in meanings.items():
        if len(token) >= 5 and token.isalpha():
            by_sound.setdefault(skeleton(token), set()).update(found)
            stem = slavic_stem(token)
            if stem:
                by_sound.setdefault(stem, set()).update(found)
    return (
        {t: frozenset(m) for t, m in meanings.items()},
        {t: frozenset(m) for t, m in by_sound.items()},
        {t: frozenset(m) for t, m in abjad.items()},
        frozenset(common),
    )


# The endings of Russian, Ukrainian and Belarusian nouns and adjectives as the lists romanise them, longest
# first: "mashiny", "mashinostroitelnogo", "oborony" are read by their stems.
_SLAVIC_ENDING = re.compile(
    r"(?:iyakh|yakh|ykh|ikh|ogo|ego|omu|emu|ymi|imi|yami|ami|yaya|aya|aja|oye|oe|yye|iye|ye|yy|iy|ij|yj"
    r"|oy|oi|yi|ii|ya|yu|iu|om|em|ov|ev|akh|a|e|i|o|u|y)$"
)
_SLAVIC_VOWELS = (("yo", "e"), ("ye", "e"), ("je", "e"), ("jo", "e"), ("yu", "u"), ("ju", "u"))
SLAVIC_STEM = 4


@lru_cache(maxsize=1 << 16)
def slavic_stem(token: str) -> str:
    """A word's stem without a Slavic case or adjective ending, its soft vowels and spelling evened out
    ("obyedinennaya", "obedinyonnoy": "obedinen"); empty for a word too short to cut. Used as a key with
    the skeletons of org_words.tsv, never as a word of its own."""
    found = _SLAVIC_ENDING.search(token)
    stem = token[: found.start()] if found else token
    if len(stem) < SLAVIC_STEM or not stem.isalpha():
        return ""
    for old, new in _SLAVIC_VOWELS:
        stem = stem.replace(old, new)
    return "~" + skeleton(stem, endings=False)


@lru_cache(maxsize=1 << 16)
def org_meanings(token: str) -> frozenset[str]:
    """What org_words.tsv says a word means ("ticaret", "tjart", "trade": WTRADE), by spelling or sound."""
    found = ORG_MEANINGS.get(token)
    if found is None and len(token) >= 5 and token.isalpha():
        found = ORG_SOUNDS.get(skeleton(token)) or ORG_SOUNDS.get(slavic_stem(token))
    if found is None and token.isalpha() and _abjad_lookup(token):
        # A Persian or Arabic word written in Latin with its vowels ("sanat", صنعت; "madan", معدن).
        found = (
            ORG_ABJAD.get(consonants(token))
            or ORG_ABJAD.get(abjad_loose_key(token))
            or ORG_ABJAD.get(_without_feminine(token))
            or ORG_ABJAD.get(arabic_stem(token))
        )
    return found or frozenset()


def _abjad_lookup(token: str) -> bool:
    """Whether a word may be looked up by its consonants: one read from Arabic or Persian script, or written
    in Latin with a and no other vowel ("sanat"); a word with other vowels only by four consonants or more
    ("markazi"), as three are shared by too many words of other languages by chance."""
    return not _LATIN_VOWELS.intersection(token) or len(consonants(token)) >= ABJAD_LATIN_CONSONANTS


ABJAD_LATIN_CONSONANTS = 4
_ARABIC_ENDING = re.compile("(?:yt|yh|y|t|h)$")


def arabic_stem(token: str) -> str:
    """A word read from Arabic or Persian script (no e, i, o, u) without its adjective or feminine ending
    ("dfayt", دفاعية: "#dfa", as دفاع), marked so as to meet only such stems; empty for other words."""
    if not token.isalpha() or _LATIN_VOWELS.intersection(token):
        return ""
    stem = _ARABIC_ENDING.sub("", token)
    return "#" + stem if len(stem) >= 3 else ""


_LATIN_VOWELS = frozenset("eiou")


def _without_feminine(token: str) -> str:
    """A word's consonants without Arabic's feminine ending (ة, read t: "wtnyt" and "wtny", "watani" are one
    word), or empty when nothing or too little would be left."""
    key = consonants(token)
    return key[:-1] if len(key) >= 5 and key.endswith("t") else ""


ORG_MEANINGS, ORG_SOUNDS, ORG_ABJAD, FOREIGN_COMMON = _load_org_words()
# The table's Russian and Ukrainian words, read in Latin (only they begin compounds with a linking vowel).
SLAVIC_WORDS = frozenset(
    token
    for _, language, words in org_word_rows()
    if language in ("ru", "uk")
    for word in words
    for token in word_latin(word, person=False)
)
# Common words that end a compound ("radiozavod": radio plant), by their last five letters.
_COMPOUND_ENDS: dict[str, list[str]] = {}
# Common words that begin one with Russian's linking vowel ("verkhnevolzhsky": upper, of the Volga), by
# their first five letters.
_COMPOUND_STARTS: dict[str, list[str]] = {}
for _word in ORG_MEANINGS:
    if len(_word) >= 5 and _word.isalpha():
        _COMPOUND_ENDS.setdefault(_word[-5:], []).append(_word)
        if _word[-1] in "eo" and _word in SLAVIC_WORDS:
            _COMPOUND_STARTS.setdefault(_word[:5], []).append(_word)


def _load_initials() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """The first letters of a meaning's words in English and Russian (read in Latin), so that an acronym of
    Russian words meets a listing in English ("VOMZ": Vologodsky Optiko Mekhanichesky Zavod, "... FACTORY");
    and those of its Russian words alone (blocking keys)."""
    found: dict[str, set[str]] = {}
    russian: dict[str, set[str]] = {}
    for meaning, language, words in org_word_rows():
        if language in ("en", "ru"):
            for word in words:
                for token in word_latin(word):
                    found.setdefault("W" + meaning, set()).add(token[0])
                    if language == "ru":
                        russian.setdefault("W" + meaning, set()).add(token[0])
    return (
        {m: frozenset(letters) for m, letters in found.items()},
        {m: frozenset(letters) for m, letters in russian.items()},
    )


_INITIALS, _RUSSIAN_INITIALS = _load_initials()


@lru_cache(maxsize=1 << 16)
def initial_letters(token: str) -> frozenset[str]:
    """The letters a word may stand for in an acronym: its own first letter, and those of its meaning's
    words in English and Russian ("factory": f, p, w, m, z, k)."""
    letters = {token[0]}
    for meaning in org_meanings(token):
        letters |= _INITIALS.get(meaning, frozenset())
    return frozenset(letters)


@lru_cache(maxsize=1 << 16)
def _russian_initials(token: str) -> tuple[str, ...]:
    letters = {token[0]}
    for meaning in org_meanings(token):
        letters |= _RUSSIAN_INITIALS.get(meaning, frozenset())
    return tuple(sorted(letters))


ACRONYM_RUN = 7  # the longest acronym looked up as the initials of a run of words
LISTED_ACRONYM = 5  # a listed word this short may be an acronym a customer writes out ("OKB MEI")
ACRONYM_VARIANTS = 32  # at most this many readings of one run (each word by its own or its Russian initial)
_ACRONYM_FOLDS = (
    ("shch", "s"),
    ("sch", "s"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "k"),
    ("ts", "t"),
)


def run_initials(tokens: tuple[str, ...], longest: int = ACRONYM_RUN, *, plain: bool = True) -> set[str]:
    """Blocking keys for acronyms of a name's runs of three words or more, each word read by its own first
    letter or by that of its meaning's Russian words ("FACTORY": f or z, "VOMZ"); without `plain`, runs of
    four words or more only by the readings with a Russian letter (fewer keys; the name's own initials
    are a key of their own, "^1:")."""
    words = [t for t in tokens if not t.startswith(HONORIFIC) and t[0].isalpha()]
    keys: set[str] = set()
    for start in range(len(words)):
        for size in range(3, min(longest, len(words) - start) + 1):
            run = words[start : start + size]
            readings = [""]
            for word in run:
                letters = _russian_initials(word)
                readings = [r + letter for r in readings for letter in letters][:ACRONYM_VARIANTS]
            keys.update(readings)
            if not plain and size > 3:
                keys.discard("".join(word[0] for word in run))
    return keys


def acronym_slots(tokens: tuple[str, ...], longest: int = ACRONYM_RUN) -> set[str]:
    """A name's words that may be acronyms, as written and with Russian digraphs made one letter."""
    out: set[str] = set()
    for token in tokens:
        if 3 <= len(token) <= longest and token.isalpha() and token not in GENERIC_WORDS:
            out.add(token)
            folded = token
            for old, new in _ACRONYM_FOLDS:
                folded = folded.replace(old, new)
            out.add(folded)
    return out


COMPOUND_LENGTH = 9


def _load_stems() -> dict[str, frozenset[str]]:
    """The syllable stems Russian names are compounded of ("vnesh", "torg": Vneshtorgbank), by meaning."""
    stems: dict[str, set[str]] = {}
    for meaning, language, words in org_word_rows():
        if language == STEM_LANGUAGE:
            for word in words:
                stems.setdefault(word, set()).add("W" + meaning)
    return {stem: frozenset(meanings) for stem, meanings in stems.items()}


STEMS = _load_stems()
STEM_HEAD = 4  # a compound's first part may be a name of its own this long or longer ("Primsotsbank")


def _stem_parts(token: str, *, head: bool = True) -> tuple[str, ...] | None:
    """The token read wholly as syllable stems (longest first), or, with `head`, as a name's own word and
    stems; None if it cannot be."""
    if token in STEMS:
        return (token,)
    for end in range(len(token) - 1, 1, -1):
        if token[:end] in STEMS:
            rest = _stem_parts(token[end:], head=False)
            if rest:
                return (token[:end], *rest)
    if head:
        for end in range(STEM_HEAD, len(token) - 2):
            rest = _stem_parts(token[end:], head=False)
            if rest and len(rest) >= 2:
                return (token[:end], *rest)
    return None


def stem_meanings(part: str) -> frozenset[str]:
    """What a part of a compound means: a syllable stem's meaning, or the word's own."""
    return STEMS.get(part) or org_meanings(part)


def split_compound(token: str) -> tuple[str, ...]:
    """A word made of another and a common word of organisations, cut in two ("radiozavod": radio,
    zavod; "verkhnevolzhsky": verkhne, volzhsky), or of Russian syllable stems ("vneshtorgbank": vnesh,
    torg, bank); other words as they are."""
    if len(token) < COMPOUND_LENGTH or token in ORG_MEANINGS or token in GENERIC_WORDS:
        return (token,)
    stems = _stem_parts(token) if token.isalpha() else None
    if stems and len(stems) >= 3:
        return stems
    for end in _COMPOUND_ENDS.get(token[-5:], ()):
        head = token[: -len(end)]
        if token.endswith(end) and (len(head) >= 4 or head in STEMS):  # "Roselektronika": ros, elektronika
            return head, end
    for start in _COMPOUND_STARTS.get(token[:5], ()):
        tail = token[len(start) :]
        if token.startswith(start) and len(tail) >= 4:
            return start, tail
    return (token,)


def initials(tokens: tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens if not t.startswith(HONORIFIC))


# Arabic particles an acronym skips ("Jama'at Nusrat al-Islam wal-Muslimin": JNIM).
ARABIC_PARTICLES = frozenset({"wa", "wal", "fi", "ul", "bi", "li", "lil"})


def abbreviations(tokens: tuple[str, ...]) -> set[str]:
    """What a name of several words may be shortened to: its initials, with or without common words or
    Arabic particles, the initials of all but a short last word followed by that word ("Information
    Systems Iran": ISIRAN), those of all but a last "company" followed by "co" ("Iran Tractor Manufacturing
    Company": ITMCO), and a short first word of its own followed by the others' initials ("IRGC Navy":
    IRGCN)."""
    options = {
        initials(tokens),
        initials(tuple(t for t in tokens if t not in GENERIC_WORDS)),
        initials(tuple(t for t in tokens if t not in ARABIC_PARTICLES)),
    }
    if tokens and tokens[-1] in GENERIC_WORDS:
        options.add(initials(tokens[:-1]))
    if len(tokens) >= 3 and 3 <= len(tokens[-1]) <= 4:
        options.add(initials(tokens[:-1]) + tokens[-1])
    if len(tokens) >= 3 and tokens[-1] == "company":
        options.add(initials(tokens[:-1]) + "co")
    if len(tokens) >= 2 and _own_short_word(tokens[0]):
        options.add(tokens[0] + initials(tokens[1:]))
    return {o for o in options if len(o) >= 3}


def _own_short_word(token: str) -> bool:
    """A short word that is a name's own, not a common word of names ("IRGC", not "Bank")."""
    return 3 <= len(token) <= 5 and token.isalpha() and token not in GENERIC_WORDS and not org_meanings(token)


def short_form(tokens: tuple[str, ...]) -> str | None:
    """The one short distinctive word of a name that may be an abbreviation ("ZTE Corp": "zte")."""
    distinctive = [t for t in tokens if t not in GENERIC_WORDS]
    if len(distinctive) == 1 and 3 <= len(distinctive[0]) <= 6:
        return distinctive[0]
    return None

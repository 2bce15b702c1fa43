"""Score a customer against a listed party: names token by token (rapidfuzz), country as a feature.

Candidates come from a blocking index over the customers' distinctive keys, so a full run costs one pass
over the list entities, not customers x entities.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rigour.text import ascii_text, metaphone

from screening.names import (
    ABJAD,
    GENERIC_WORDS,
    HONORIFIC,
    KIND_WORDS,
    PINYIN_SYLLABLES,
    PLACE_ADJECTIVE,
    PLACE_WORDS,
    STRONG,
    NameForm,
    abbreviations,
    abjad_key,
    abjad_loose_key,
    analyse,
    consonants,
    given_name,
    index_slots,
    initial_letters,
    korean_syllable_key,
    pinyin,
    probe_keys,
    romanisation_fold,
    short_form,
    skeleton,
    token_weight,
)

# Chosen on the train and dev splits of tests/screening/quality/ (pairs.csv and the three former blind sets,
# blind_pairs.csv, blind2_pairs.csv and blind3_pairs.csv) with scripts/eval_screening --sweep: of the
# thresholds whose precision reaches 0.95, the one of the best recall.
THRESHOLD = 0.78
TOKEN_MIN = 0.78
ABBREVIATION_SCORE = 0.86
SAME_COUNTRY_BONUS = 0.04
OTHER_COUNTRY_PENALTY = 0.25
OTHER_KIND_PENALTY = 0.2
OTHER_WORD_PENALTY = 0.15  # the customer's name holds a distinctive word the listed one lacks (another body)
OTHER_WORD_LENGTH = 5
PERSON_EXTRA_WEIGHT = 0.3
SYMBOL_SCORE = 0.92  # two words rigour's tables give one meaning ("torgovy", "trade"; "daxue", "university")
ACRONYM_SCORE = 0.9  # one word for the initials of several on the other side ("FCDT": "Federal Center ...")
VOWELS_ONLY_SCORE = 0.85  # two words differing in their vowels only
SHORT_TOKEN = 6  # words this short are codes or acronyms: spelled differently, they are different words
# Keys shared by more listed names or customers than these are too common to find candidates by.
MAX_LISTED_PER_KEY = 1000
MAX_CUSTOMERS_PER_KEY = 200
NEED_SHARE = 0.5


@dataclass(frozen=True)
class Party:
    """One side of a comparison: its names and the countries it is tied to (ISO alpha-2, upper case)."""

    names: tuple[NameForm, ...]
    countries: frozenset[str] = frozenset()
    person: bool = False

    @classmethod
    def build(cls, names: Iterable[str], countries: Iterable[str] = (), *, person: bool = False) -> Party:
        forms: dict[tuple[str, ...], NameForm] = {}
        for name in _with_acronyms(names):
            form = analyse(name, person=person)
            if form is not None and form.tokens not in forms:
                forms[form.tokens] = form
        return cls(tuple(forms.values()), frozenset(c.upper() for c in countries if c), person)


# An acronym in brackets after a name, as lists write it ("DEFENCE INDUSTRIES ORGANISATION (DIO)").
_BRACKETED_ACRONYM = re.compile(r"\s*\(([A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*)\)\s*")


def _with_acronyms(names: Iterable[str]) -> list[str]:
    """The names, and for a name carrying its acronym in brackets, the name without it and the acronym."""
    out = []
    for name in names:
        out.append(name)
        if "(" not in name:
            continue
        acronyms = [a for a in _BRACKETED_ACRONYM.findall(name) if len(a) <= ACRONYM_LENGTH]
        if acronyms:
            out += [_BRACKETED_ACRONYM.sub(" ", name).strip(), *acronyms]
    return out


ACRONYM_LENGTH = 8


@dataclass(frozen=True)
class Match:
    score: float
    name: str  # the customer's name that matched
    entity_name: str  # the listed name it matched
    reasons: tuple[str, ...] = field(default_factory=tuple)


_VOWELS = frozenset("aeiouy")
PLACE_ADJECTIVE_SCORE = 0.9


_SOFTENED = (("zh", "g"), ("ch", "k"), ("sh", "kh"))


def _of_place(word: str, place: str) -> bool:
    """Whether `word` is a Russian adjective made from `place` ("kamsky", "kama")."""
    found = PLACE_ADJECTIVE.search(word)
    if not found or found.start() < 3:
        return False
    stem = word[: found.start()]
    for softened, hard in _SOFTENED:
        if stem.endswith(softened) and place.startswith(stem[: -len(softened)] + hard):
            stem = stem[: -len(softened)] + hard  # Russian g, k, kh softened before the ending ("Volzhsky")
    return place.startswith(stem) and len(place) - len(stem) <= 1


def _inserted(left: str, right: str) -> bool:
    """Whether one word is the other with two letters or more put inside ("Centra", "Centrina"): another
    name, not another spelling. Words poor in vowels are let be: read from Arabic or Persian script, they
    lack the vowels the other spelling has ("mhdwyan", "Mahdavian")."""
    short, long = sorted((left, right), key=len)
    if len(long) - len(short) < 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    vowels = sum(c in _VOWELS for c in short)
    if 10 * vowels < 3 * len(short) or len(long) - sum(c in _VOWELS for c in long) == len(short) - vowels:
        return False  # poor in vowels, or only vowels put in ("Sergeevich", "Sergeyevich")
    letters = iter(long)
    return all(char in letters for char in short)


def _vowels_may_differ(left: str, right: str) -> bool:
    """Whether two words of one consonants may be one word in two romanisations: as long give or take a
    letter ("Yehia", "Yahya"), or one written without short vowels ("tjart", "tejarat"); not two names
    written with their vowels two letters apart ("Jamal", "Jammoul")."""
    if abs(len(left) - len(right)) <= 1:
        return True
    return any(10 * sum(c in _VOWELS for c in word) < 3 * len(word) for word in (left, right))


@lru_cache(maxsize=1 << 18)
def token_similarity(left: str, right: str) -> float:
    if left[0] == HONORIFIC or right[0] == HONORIFIC:
        left, right = left.lstrip(HONORIFIC), right.lstrip(HONORIFIC)
    if left == right:
        return 1.0
    if left in GENERIC_WORDS and right in GENERIC_WORDS:
        return 0.0  # common words are spelled out the same way (synonyms are folded before)
    if not (left.isalpha() and right.isalpha()) and any(c.isdigit() for c in left + right):
        return 0.0  # numbers and codes with digits match exactly or not at all ("Plant No. 1", "No. 2")
    if _spelling_variants(left, right):
        return SPELLING_VARIANT_SCORE
    if len(left) == len(right) <= SHORT_TOKEN and consonants(left) != consonants(right):
        # Short words differing in a consonant are other words or other codes ("VNIIEF", "VNIITF");
        # vowels and the usual romanisation differences are let through ("Yehia", "Yahya").
        return 0.0
    long_enough = len(left) >= 4 and len(right) >= 4
    ratio = fuzz.ratio(left, right) / 100.0
    if long_enough:
        ratio = max(ratio, 0.95 * fuzz.ratio(skeleton(left), skeleton(right)) / 100.0)
        if left[0] == right[0] and consonants(left) == consonants(right) and _vowels_may_differ(left, right):
            ratio = max(ratio, VOWELS_ONLY_SCORE)  # vowels only ("Yehia", "Yahya"; "tjart", "tejarat")
        if ratio < 0.9 and left[0] == right[0] and metaphone(left) == metaphone(right):
            ratio = 0.9 if _vowels_may_differ(left, right) or consonants(left) != consonants(right) else ratio
    if ratio >= TOKEN_MIN and _other_names(left, right):
        return 0.0
    if ratio < PLACE_ADJECTIVE_SCORE and long_enough and (_of_place(left, right) or _of_place(right, left)):
        return PLACE_ADJECTIVE_SCORE
    if _article_joined(left, right):
        return ARTICLE_SCORE
    return ratio


ARTICLE_SCORE = 0.9  # a word with the Arabic article joined to it ("Alshaer", "Al-Shaer")
SPELLING_VARIANT_SCORE = 0.9  # one word in two romanisations' letters for one sound ("Hamcho", "Hamsho")


def _spelling_variants(left: str, right: str) -> bool:
    """Whether two words are one in romanisations that write a sound with other letters ("Hamcho", "Hamsho";
    "Evro", "Euro"); not two Chinese syllables, which are two names ("Chen", "Shen")."""
    if not (left.isalpha() and right.isalpha()) or romanisation_fold(left) != romanisation_fold(right):
        return False
    return not any(word in PINYIN_SYLLABLES or pinyin(word) for word in (left, right))


def _article_joined(left: str, right: str) -> bool:
    short, long = sorted((left, right), key=len)
    return len(short) >= 4 and long[2:] == short and long[:2] in ("al", "el")


def _other_names(left: str, right: str) -> bool:
    """Two words alike in their letters that are still other names: two codes ("TMS", "TMSD"), two Chinese
    names a syllable apart ("Hengsheng", "Hongsheng"; another syllable is another character), a word with
    letters put inside ("Centra", "Centrina")."""
    if len(left) <= 5 and len(right) <= 5 and not _VOWELS.intersection(left + right):
        return True
    if pinyin(left) and pinyin(right):
        return True
    long_enough = len(left) >= 4 and len(right) >= 4
    if long_enough and _extended(left, right):
        return True
    if long_enough and _vowel_swapped(left, right):
        return True
    if long_enough and (_ending_added(left, right) or _consonant_prefixed(left, right)):
        return True
    return long_enough and _inserted(skeleton(left, endings=False), skeleton(right, endings=False))


# Vowels that romanisations write for one another: Arabic and Persian short vowels (a/e, a/u, o/u, e/i),
# Russian unstressed o (a/o), y for i.
VOWEL_VARIANTS = frozenset(
    {"ae", "ea", "au", "ua", "ou", "uo", "ei", "ie", "iy", "yi", "ao", "oa", "ey", "ye"}
)


def _vowel_swapped(left: str, right: str) -> bool:
    """Whether two words of one length differ in one vowel inside them that no romanisation writes for the
    other: two names ("Pikalov", "Pokalov"; "Irasco", "Irisco"). Endings are let be ("Valerii", "Valeriu")."""
    if len(left) != len(right) or not (left.isascii() and right.isascii()):
        return False
    apart = [(k, a + b) for k, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if len(apart) != 1 or apart[0][0] == len(left) - 1:
        return False
    return set(apart[0][1]) <= _VOWELS and apart[0][1] not in VOWEL_VARIANTS


EXTENSION = (
    3  # a word with this many letters or more added at its end is another word ("Gostar", "Gostaresh")
)


def _extended(left: str, right: str) -> bool:
    """Whether one word is the other with an ending of EXTENSION letters or more, not that of a Russian
    adjective of place ("Voronezhsky", of Voronezh)."""
    short, long = sorted((left, right), key=len)
    return long.startswith(short) and len(long) - len(short) >= EXTENSION and not _of_place(long, short)


@lru_cache(maxsize=1 << 16)
def person_token_similarity(left: str, right: str) -> float:
    """Two words of persons' names: spellings of one name by the usual romanisation differences (skeleton,
    consonants, sound) are alike; names a letter or an ending apart are other names ("Artemiou",
    "Artemiadou"; "Graziottin", "Graziotti"), however close their letters."""
    if _vowel_added(left, right) and _final_vowel_dropped(left, right):
        return fuzz.ratio(left, right) / 100.0  # one name, in French spelling without its final vowel
    similarity = token_similarity(left, right)
    if similarity < GIVEN_NAME_SCORE and given_name(left) & given_name(right):
        return GIVEN_NAME_SCORE  # one given name or patronymic in two languages' forms ("Aleh", "Oleg")
    if similarity >= 1.0 or similarity < TOKEN_MIN or _article_joined(left, right):
        return similarity
    if _vowel_added(left, right):
        return 0.0
    if _spelling_variants(left, right):
        return similarity
    bare_left, bare_right = _loose(consonants(left)), _loose(consonants(right))
    if skeleton(left) == skeleton(right) or bare_left == bare_right:
        return similarity
    if len(left) >= 4 and len(right) >= 4 and metaphone(left) == metaphone(right):
        return similarity
    if min(len(left), len(right)) >= LONG_NAME and len(bare_left) == len(bare_right):
        # A long name in another language's form, one consonant apart ("Mikalaevich", "Nikolaevich"): the
        # first, or one of the pairs romanisations swap; another consonant inside is another name ("Osmanov",
        # "Osmakov"; "Markovich", "Maratovich").
        apart = [(k, a + b) for k, (a, b) in enumerate(zip(bare_left, bare_right, strict=True)) if a != b]
        if len(apart) <= 1 and (not apart or apart[0][0] == 0 or apart[0][1] in CONSONANT_SWAPS):
            return similarity
    return 0.0


# Consonants one name's romanisations write differently (Belarusian or Ukrainian h for Russian g, w or u
# for v, f for v, c for k, j for y, g for j).
CONSONANT_SWAPS = frozenset({"gh", "hg", "vw", "wv", "fv", "vf", "kc", "ck", "jy", "yj", "gj", "jg"})


def _final_vowel_dropped(left: str, right: str) -> bool:
    """Whether the shorter name ends in two consonants, where French spelling drops a final vowel of an
    African name ("Mutond", "Mutondo")."""
    ending = min(left, right, key=len)[-2:]
    return ending.isalpha() and not _VOWELS.intersection(ending)


def _consonant_prefixed(left: str, right: str) -> bool:
    """Whether one word is the other with a consonant put before it ("Pyongjin", "Yongjin"): another name;
    not a consonant written with two letters ("Khors", "Hors")."""
    short, long = sorted((left, right), key=len)
    return len(long) == len(short) + 1 and long.endswith(short) and long[0] not in _VOWELS and long[1] != "h"


def _ending_added(left: str, right: str) -> bool:
    """Whether a short name is the other with i, o or u added at its end ("Goldi", "Gold"; "Amegino",
    "Amegin"): another name. Not -a and -e, which Russian and Persian add to one name ("Simonova",
    "Sayyade"), nor a longer or common word in another language ("pacifico", "publico")."""
    return (
        min(len(left), len(right)) <= SHORT_TOKEN
        and _vowel_added(left, right)
        and max(left, right, key=len)[-1] in "iou"
        and not (left in GENERIC_WORDS or right in GENERIC_WORDS)
    )


def _vowel_added(left: str, right: str) -> bool:
    """Whether one name is the other with a final vowel added ("Dehghan", "Dehghani"; "Ivanov", "Ivanova";
    "Chur", "Churo"): another name, however close."""
    short, long = sorted((left, right), key=len)
    return len(long) == len(short) + 1 and long.startswith(short) and long[-1] in "aeiouy" and len(short) >= 3


LONG_NAME = 7
GIVEN_NAME_SCORE = 0.9
KOREAN_SCORE = 0.9  # one Korean syllable in its Revised and McCune-Reischauer romanisations ("Dong", "Tong")
KOREAS = frozenset({"KP", "KR"})


@lru_cache(maxsize=1 << 16)
def _abjad_similarity(left: str, right: str) -> float:
    """A name read from Arabic or Persian script against a Latin spelling: written without short vowels
    (and often without a first vowel or a final h), it is alike when the consonants are ("علی" ly, "Ali";
    "الهه" alhh, "Elaheh"; "عبيد" byd, "Obeid"). A final t or h may be the feminine ending (ة), which the
    lists write -a, -ah or -at ("طباجة" tbajt, "Tabaja"; "علامة" lamt, "Alamah")."""
    a, b = abjad_key(left), abjad_key(right)
    loose_a, loose_b = abjad_loose_key(left), abjad_loose_key(right)
    alike = (a and a == b) or (loose_a and loose_a == loose_b)
    if not alike and len(a) >= 3 and len(b) >= 3:
        alike = len(a.rstrip("th")) >= 2 and a.rstrip("th") == b.rstrip("th")
    return VOWELS_ONLY_SCORE if alike else 0.0


def _loose(bare: str) -> str:
    """Consonants with h and kh made one (Russian х is written h, kh or x: "Hristenko", "Khristenko")."""
    return bare.replace("h", "k").replace("x", "k").replace("kk", "k")


_Words = tuple[tuple[str, ...], tuple[frozenset[str], ...]]


def _words(form: NameForm) -> _Words:
    symbols = form.symbols if len(form.symbols) == len(form.tokens) else (frozenset(),) * len(form.tokens)
    return form.tokens, symbols


def _join_compounds(words: _Words, other: tuple[str, ...]) -> _Words:
    """'hik vision' against 'hikvision': two neighbouring words written as one on the other side."""
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
            or (ABJAD in symbols[index] and abjad_key(pair) in _long_abjad_keys(other))
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


_FOLDS = (("shch", "s"), ("sch", "s"), ("ch", "c"), ("sh", "s"), ("zh", "z"), ("kh", "k"), ("ts", "t"))


def _bare(symbols: frozenset[str]) -> set[str]:
    return {s.lstrip("+").split(":", 1)[-1] for s in symbols}


@lru_cache(maxsize=1 << 16)
def symbol_similarity(left: frozenset[str], right: frozenset[str]) -> float:
    """How alike two words are by what they mean (symbols as names.analyse writes them).

    A word's own symbols meet the other's own or phrase symbols ("npp" meets each word of "research and
    production enterprise", but "research" and "production" do not meet each other through it). A field of
    activity (rigour's DOMAIN: "oil", "petrochemical") says two words mean one thing only across scripts
    ("大学", "university"): between two Latin words it says they are of one field, not one word.
    """
    if not left or not right:
        return 0.0
    best = 0.0
    for mine, theirs in ((left, right), (right, left)):
        theirs_bare = {t.lstrip("+").split(":", 1)[-1]: t for t in theirs}
        for symbol in mine:
            if symbol.startswith(("+", "!")):
                continue
            core = symbol.split(":", 1)[-1]
            other = theirs_bare.get(core)
            if other is None:
                continue
            if ":" in symbol and "D:" not in symbol and "D:" not in other:
                continue
            best = max(best, SYMBOL_SCORE)
    return best


@lru_cache(maxsize=1 << 16)
def _acronym_options(token: str) -> tuple[str, ...]:
    """An acronym as written and as its letters read back from a transliteration ("ЧВК": chvk, cvk); none
    for a word that cannot be one."""
    if not (2 <= len(token) <= SHORT_TOKEN + 2) or not token.isalpha():
        return ()
    folded = token
    for old, new in _FOLDS:
        folded = folded.replace(old, new)
    return (token, folded) if folded != token else (token,)


def _acronym_run(
    token: str, others: tuple[str, ...], letters: tuple[frozenset[str], ...], free: set[int]
) -> list[int] | None:
    """The run of neighbouring free words on the other side whose initials `token` is, if there is one
    (`letters`: the letters each of the other side's words may stand for, its own first letter and those of
    its meaning in English and Russian)."""
    options = _acronym_options(token)
    if not options:
        return None
    for start in range(len(others)):
        for size in range(2, min(len(token), len(others) - start) + 1):
            run = list(range(start, start + size))
            if not all(i in free for i in run):
                break
            if any(
                len(option) == size and all(option[k] in letters[i] for k, i in enumerate(run))
                for option in options
            ):
                return run
    return None


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
        kinds_q = sorted({t for i, t in enumerate(self.query) if i not in used_q and t in KIND_WORDS})
        kinds_r = sorted({t for j, t in enumerate(self.result) if j not in used_r and t in KIND_WORDS})
        if kinds_q and kinds_r:
            return kinds_q, kinds_r
        places_q = sorted({t for i, t in enumerate(self.query) if i not in used_q and t in PLACE_WORDS})
        places_r = sorted({t for j, t in enumerate(self.result) if j not in used_r and t in PLACE_WORDS})
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
        mine = [t for t in unmatched if token_weight(t) == 1.0]
        theirs = [t for j, t in enumerate(self.result) if j not in self.used_r and token_weight(t) == 1.0]
        if mine and theirs:
            return mine
        if self.person:
            return []
        if not theirs:
            suffixes = _hyphen_suffixes(self.original) if "-" in self.original else frozenset()
            return [t for t in unmatched if (len(t) >= OTHER_WORD_LENGTH and t in mine) or t in suffixes]
        return []


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
    result, result_symbols = _join_compounds(_words(result_form), query)
    candidates = []
    for i, left in enumerate(query):
        for j, right in enumerate(result):
            similarity = person_token_similarity(left, right) if person else token_similarity(left, right)
            if similarity < VOWELS_ONLY_SCORE and ABJAD in query_symbols[i] | result_symbols[j]:
                similarity = max(similarity, _abjad_similarity(left, right))
            if (
                korean
                and similarity < KOREAN_SCORE
                and korean_syllable_key(left)
                and korean_syllable_key(left) == korean_syllable_key(right)
            ):
                similarity = KOREAN_SCORE
            if (
                similarity < SYMBOL_SCORE
                and query_symbols[i]
                and result_symbols[j]
                and not (left in GENERIC_WORDS and right in GENERIC_WORDS)
            ):
                similarity = max(similarity, symbol_similarity(query_symbols[i], result_symbols[j]))
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
            meant |= _bare(query_symbols[i]) & _bare(result_symbols[j])
    if meant:
        # The other words of a phrase that means one thing ("research and production enterprise": NPP).
        for used, symbols in ((used_q, query_symbols), (used_r, result_symbols)):
            for index, meaning in enumerate(symbols):
                if index not in used and _bare(meaning) & meant:
                    used[index] = SYMBOL_SCORE
    if len(used_q) < len(query) and len(used_r) < len(result):
        for i, j in _contractions(query, result, used_q, used_r, query_form.original):
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
            options = _acronym_options(token)
            if not options or not any(possible.issuperset(option) for option in options):
                continue
            free = {k for k in range(len(other)) if k not in other_used}
            run = _acronym_run(token, other, letters, free)
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
    return alignment


CONTRACTION_SCORE = 0.85  # a word shortened ("Constr.", "construction"; "Shpg", "shipping")
_CONTRACTION_FLOOR = 3


def _contracts(short: str, long: str, *, dotted: bool) -> bool:
    """Whether `short` is `long` shortened: its beginning, written with a dot ("Constr.", "Imp."), or its
    first letter and some of its consonants, in order ("Shpg", "Mgmt")."""
    if len(short) < _CONTRACTION_FLOOR or len(long) < len(short) + 2 or short[0] != long[0]:
        return False
    if dotted and long.startswith(short):
        return True
    if len(short) <= _CONTRACTION_FLOOR or _VOWELS.intersection(short[1:]):
        return False
    letters = iter(long[1:])
    return all(char in letters for char in short[1:])


def _contractions(
    query: tuple[str, ...],
    result: tuple[str, ...],
    used_q: dict[int, float],
    used_r: dict[int, float],
    original: str,
) -> list[tuple[int, int]]:
    """The customer's shortened words paired with the listed words they shorten, among words left unpaired."""
    found: list[tuple[int, int]] = []
    taken: set[int] = set()
    folded = ""
    for i, short in enumerate(query):
        if i in used_q or not short.isalpha() or len(short) > SHORT_TOKEN:
            continue
        if not folded and "." in original:
            folded = ascii_text(original).casefold()
        dotted = bool(folded) and short + "." in folded
        for j, long in enumerate(result):
            if j in used_r or j in taken or not long.isalpha():
                continue
            if _contracts(short, long, dotted=dotted):
                found.append((i, j))
                taken.add(j)
                break
    return found


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


def compare_names(
    query: NameForm, result: NameForm, *, person: bool = False, korean: bool = False
) -> tuple[float, list[str]]:
    """Similarity of two names (0..1) and what a person should know about how they matched."""
    if _abbreviation(query, result) or _abbreviation(result, query):
        short, long = (query, result) if _abbreviation(query, result) else (result, query)
        return ABBREVIATION_SCORE, [f'abbreviation: "{short.original}" are the initials of "{long.original}"']
    alignment = _align(query, result, person=person, korean=korean)
    notes = alignment.explain()
    forms = sorted(set(query.legal_forms) | set(result.legal_forms))
    if forms:
        notes.append("legal forms set aside: " + ", ".join(forms))
    if not query.original.isascii() or not result.original.isascii():
        notes.append("compared in Latin transliteration")
    return alignment.score, notes


def _as_person(forms: tuple[NameForm, ...]) -> tuple[NameForm, ...]:
    return tuple(f for f in (analyse(form.original, person=True) for form in forms) if f)


def score(customer: Party, entity: Party, threshold: float = 0.0) -> Match | None:
    """The best name pair, adjusted by country; None when no name pair is similar at all, or when the
    result cannot reach `threshold`."""
    best: tuple[float, NameForm, NameForm] | None = None
    floor = threshold - SAME_COUNTRY_BONUS  # below it no name pair can be reported
    queries = customer.names
    # Korean names are romanised two ways (Revised: "Dong", "Bu"; McCune-Reischauer: "Tong", "Pu").
    korean = not KOREAS.isdisjoint(customer.countries | entity.countries)
    if entity.person:
        # Against a listed person, a customer's names are read as a person's (no legal forms to drop).
        queries = _as_person(queries)
    for query in queries:
        for result in entity.names:
            similarity = name_similarity(query, result, person=entity.person, floor=floor, korean=korean)
            if best is None or similarity > best[0]:
                best = (similarity, query, result)
    if best is None or best[0] <= 0 or best[0] + SAME_COUNTRY_BONUS < threshold:
        return None
    _, query, result = best
    similarity, notes = compare_names(query, result, person=entity.person, korean=korean)
    reasons = [f'"{query.original}" ~ listed name "{result.original}" (name similarity {similarity:.2f})']
    reasons += notes
    value = similarity
    if customer.countries and entity.countries:
        shared = customer.countries & entity.countries
        if shared:
            value += SAME_COUNTRY_BONUS
            reasons.append("same country: " + ", ".join(sorted(shared)))
        else:
            value -= OTHER_COUNTRY_PENALTY
            reasons.append(
                f"country differs: customer {', '.join(sorted(customer.countries))}, "
                f"listing {', '.join(sorted(entity.countries))}"
            )
    elif not entity.countries:
        reasons.append("the listing names no country")
    if entity.person:
        reasons.append("listed as a person")
    value = round(max(0.0, min(1.0, value)), 3)
    return Match(value, query.original, result.original, tuple(reasons))


def _blocking_weights(form: NameForm) -> tuple[float, ...]:
    """The weights of a customer's words for what a candidate must share: a word shortened with a dot
    ("Imp.") weighs nothing (it meets the word it shortens without a key), unless the name has nothing
    else."""
    weights = tuple(token_weight(t) for t in form.tokens)
    if "." not in form.original:
        return weights
    folded = ascii_text(form.original).casefold()
    lighter = tuple(
        0.0 if len(t) <= SHORT_TOKEN and t.isalpha() and t + "." in folded else w
        for t, w in zip(form.tokens, weights, strict=True)
    )
    return lighter if any(lighter) else weights


class CustomerIndex:
    """Customers' names under their blocking keys, for one pass over the list entities.

    A listed name is a candidate for a customer's name when it shares a strong key (joined words,
    initials) or words carrying at least NEED_SHARE of the name's weight: a name that can reach the
    threshold must match that much of itself.
    """

    def __init__(self, parties: dict[int, Party]) -> None:
        self.parties = parties
        postings: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self.weights: dict[tuple[int, int], tuple[float, ...]] = {}
        self.need: dict[tuple[int, int], float] = {}
        for party_id, party in parties.items():
            for number, form in enumerate(party.names):
                weights = _blocking_weights(form)
                self.weights[party_id, number] = weights
                self.need[party_id, number] = NEED_SHARE * sum(weights)
                for key, slot in dict.fromkeys(index_slots(form)):
                    postings[key].append((party_id, number, slot))
        self.postings = dict(postings)

    def prune(self, listed_counts: dict[str, int], max_listed: int, max_customers: int) -> int:
        """Leave out keys too common to find candidates by, among the listed names or the customers.

        The words left without a key no longer count towards what a candidate must share; a name whose
        every key is common keeps its rarest one, so that no customer goes unscreened.
        """
        crowded = {
            key
            for key, entries in self.postings.items()
            if listed_counts.get(key, 0) > max_listed or len({e[0] for e in entries}) > max_customers
        }
        if not crowded:
            return 0
        kept_slots: dict[tuple[int, int], set[int]] = defaultdict(set)
        all_slots: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
        for key, entries in self.postings.items():
            for party_id, number, slot in entries:
                previous = all_slots[party_id, number].get(slot)
                if previous is None or listed_counts.get(key, 0) < listed_counts.get(previous, 0):
                    all_slots[party_id, number][slot] = key
                if key not in crowded:
                    kept_slots[party_id, number].add(slot)
        kept = {key: entries for key, entries in self.postings.items() if key not in crowded}
        for name, slots in all_slots.items():
            weights = self.weights[name]
            if not kept_slots[name]:
                slot, key = min(slots.items(), key=lambda item: listed_counts.get(item[1], 0))
                kept.setdefault(key, []).append((name[0], name[1], STRONG))
                continue
            lost = sum(weights[s] for s in slots if s >= 0 and s not in kept_slots[name])
            self.need[name] = NEED_SHARE * (sum(weights) - lost)
        self.postings = kept
        return len(crowded)

    def candidates(self, keys: Iterable[str]) -> set[int]:
        found: set[int] = set()
        shared: dict[tuple[int, int], int] = {}
        postings = self.postings
        for key in keys:
            entries = postings.get(key)
            if not entries:
                continue
            for party_id, number, slot in entries:
                if slot == STRONG:
                    found.add(party_id)
                else:
                    name = (party_id, number)
                    shared[name] = shared.get(name, 0) | (1 << slot)
        for name, mask in shared.items():
            if name[0] in found:
                continue
            weights = self.weights[name]
            total = 0.0
            for slot, weight in enumerate(weights):
                if mask >> slot & 1:
                    total += weight
            if total >= self.need[name] - 1e-9:
                found.add(name[0])
        return found


def screen_entity(
    index: CustomerIndex, entity: Party, keys: Sequence[str], threshold: float = THRESHOLD
) -> list[tuple[int, Match]]:
    """The customers of the index that this listed party matches at or above the threshold."""
    hits = []
    for party_id in index.candidates(keys):
        match = score(index.parties[party_id], entity, threshold)
        if match is not None and match.score >= threshold:
            hits.append((party_id, match))
    return hits


def entity_keys(entity: Party) -> set[str]:
    keys: set[str] = set()
    for form in entity.names:
        keys |= probe_keys(form)
    return keys

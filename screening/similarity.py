"""How alike two words are: spellings across romanisations, names kept apart by a letter, Arabic and
Persian script without short vowels, meanings of words, shortened words and acronyms."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz
from rigour.text import ascii_text, metaphone

from screening.scripts import PINYIN_SYLLABLES, pinyin
from screening.spelling import (
    PLACE_ADJECTIVE,
    abjad_key,
    abjad_loose_key,
    consonants,
    given_name,
    romanisation_fold,
    skeleton,
)
from screening.words import GENERIC_WORDS, HONORIFIC

TOKEN_MIN = 0.78
SYMBOL_SCORE = 0.92  # two words rigour's tables give one meaning ("torgovy", "trade"; "daxue", "university")
ACRONYM_SCORE = 0.9  # one word for the initials of several on the other side ("FCDT": "Federal Center ...")
VOWELS_ONLY_SCORE = 0.85  # two words differing in their vowels only
SHORT_TOKEN = 6  # words this short are codes or acronyms: spelled differently, they are different words


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
    if place.startswith(stem) and len(place) - len(stem) <= 1:
        return True
    # A stem whose vowels change or that takes a linking consonant ("Vologodsky", Vologda; "Penzensky",
    # Penza; "Moskovsky", Moskva): the place's consonants, give or take one at the end.
    mine, theirs = consonants(stem), consonants(place)
    return (
        len(theirs) >= 3
        and stem[:3] == place[:3]
        and mine.startswith(theirs)
        and len(mine) - len(theirs) <= 1
    )


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
    if spelling_variants(left, right):
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


def spelling_variants(left: str, right: str) -> bool:
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
    if spelling_variants(left, right):
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


@lru_cache(maxsize=1 << 16)
def abjad_similarity(left: str, right: str) -> float:
    """A name read from Arabic or Persian script against a Latin spelling: written without short vowels
    (and often without a first vowel or a final h), it is alike when the consonants are ("علی" ly, "Ali";
    "الهه" alhh, "Elaheh"; "عبيد" byd, "Obeid"). A final t or h may be the feminine ending (ة), which the
    lists write -a, -ah or -at ("طباجة" tbajt, "Tabaja"; "علامة" lamt, "Alamah")."""
    if _abjad_alike(left, right):
        return VOWELS_ONLY_SCORE
    # A Latin spelling with the article joined or in French letters ("Alchwiki", الشويكي shwyky): Arabic has
    # no sound a Latin "ch" could stand for but ش.
    left, right = (_article_off(romanisation_fold(w).replace("ch", "sh")) for w in (left, right))
    return VOWELS_ONLY_SCORE if _abjad_alike(left, right) else 0.0


def _abjad_alike(left: str, right: str) -> bool:
    a, b = abjad_key(left), abjad_key(right)
    loose_a, loose_b = abjad_loose_key(left), abjad_loose_key(right)
    alike = (a and a == b) or (loose_a and loose_a == loose_b)
    if not alike and len(a) >= 3 and len(b) >= 3:
        alike = len(a.rstrip("th")) >= 2 and a.rstrip("th") == b.rstrip("th")
    return bool(alike)


def _article_off(word: str) -> str:
    """A word without the Arabic article joined to it ("alshwiki": shwiki), if enough is left."""
    return word[2:] if len(word) >= 6 and word[:2] in ("al", "el") else word


def _loose(bare: str) -> str:
    """Consonants with h and kh made one (Russian х is written h, kh or x: "Hristenko", "Khristenko")."""
    return bare.replace("h", "k").replace("x", "k").replace("kk", "k")


_FOLDS = (("shch", "s"), ("sch", "s"), ("ch", "c"), ("sh", "s"), ("zh", "z"), ("kh", "k"), ("ts", "t"))


def bare_symbols(symbols: frozenset[str]) -> set[str]:
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
def acronym_options(token: str) -> tuple[str, ...]:
    """An acronym as written and as its letters read back from a transliteration ("ЧВК": chvk, cvk); none
    for a word that cannot be one."""
    if not (2 <= len(token) <= SHORT_TOKEN + 2) or not token.isalpha():
        return ()
    folded = token
    for old, new in _FOLDS:
        folded = folded.replace(old, new)
    return (token, folded) if folded != token else (token,)


def acronym_run(
    token: str, others: tuple[str, ...], letters: tuple[frozenset[str], ...], free: set[int]
) -> list[int] | None:
    """The run of neighbouring free words on the other side whose initials `token` is, if there is one
    (`letters`: the letters each of the other side's words may stand for, its own first letter and those of
    its meaning in English and Russian)."""
    options = acronym_options(token)
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


def contractions(
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

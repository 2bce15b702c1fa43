"""Latin names written by ear in another script: "র‍্যাপিড একশন ব্যাটালিয়ন" is the Rapid Action Battalion,
"ন্যাশনাল টেলিকমিউনিকেশন মনিটরিং সেন্টার" the National Telecommunication Monitoring Centre.

The folded text keeps scripts such as Bengali, Devanagari or Greek as they are (monitoring.text folds only
Cyrillic and Arabic to Latin), so a Latin name written in them by ear is matched by sound: each word is read
in Latin (ICU's Any-Latin, the same rules for every script) and reduced to a consonant skeleton (English
spelling read as it sounds: "tion" -> "sn", soft c -> s, soft g -> j, v -> b, vowels, h, w and y left out,
double letters once), and a run of words whose skeletons are those of a watchlist name's words is that name.
A word may carry one of its language's endings (monitoring.inflection: ব্যাটালিয়নের). Only texts with
such words pay for it; a text folded to ASCII is skipped at once. In a text with Chinese or Japanese
characters, Latin words run into them ("公司Cellebrite的") are words of their own, compared by the same
skeletons (as are the text's other Latin words, where a name may continue).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from monitoring.acronyms import STOPWORDS
from monitoring.inflection import endings, inflecting_languages

# English spelling as it sounds (applied to the watchlist's names only; a reading is already phonetic).
_ENGLISH = (
    (re.compile(r"[st]?[st]ion"), "sn"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"g(?=[eiy])"), "j"),
)
_SOUNDS = (
    (re.compile(r"([tdbkgcsp])h"), r"\1"),
    (re.compile(r"ng"), "n"),
    (re.compile(r"[cq]"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"z"), "j"),
    (re.compile(r"v"), "b"),
    (re.compile(r"[^bdfgjklmnprst]"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)
_MIN_NAME = 7  # skeleton letters a name needs in all, so that short names do not match by accident
_MIN_WORD = 5  # ...and a one-word name
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65_536)
def skeleton(latin: str, english: bool = True) -> str:
    """The consonant skeleton of a Latin word as it sounds ("action" -> "ksn", "battalion" -> "btln");
    `english` False for a reading of another script, whose letters already say how it sounds."""
    word = latin.lower()
    for pattern, replacement in (*_ENGLISH, *_SOUNDS) if english else _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


@cache
def _reader():  # type: ignore[no-untyped-def]
    import icu

    return (
        icu.Transliterator.createInstance("Any-Latin"),
        icu.Transliterator.createInstance("Latin-ASCII"),
    )


@lru_cache(maxsize=65_536)
def _read(word: str) -> str:
    """A word of another script read in Latin letters (ASCII); ং, the nasal ṁ, as "ng"."""
    latin, ascii_ = _reader()
    return str(ascii_.transliterate(str(latin.transliterate(word)).replace("ṁ", "ng")))


@cache
def _all_endings() -> tuple[str, ...]:
    """Endings of every language with a table, in scripts other than Latin, longest first."""
    found = {e for code in inflecting_languages() for e in endings(code) if not e.isascii()}
    return tuple(sorted(found, key=len, reverse=True))


@lru_cache(maxsize=65_536)
def word_sounds(word: str) -> tuple[str, ...]:
    """Skeletons of a folded word of another script: as written, and less one ending."""
    found = [skeleton(_read(word), english=False)]
    for ending in _all_endings():
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            found.append(skeleton(_read(word[: -len(ending)]), english=False))
            break
    return tuple(dict.fromkeys(s for s in found if s))


def name_sounds(folded: str) -> str | None:
    """The skeletons of a folded Latin name's words, space-separated, or None if too short to tell."""
    words = [w for w in folded.split() if w not in STOPWORDS]
    if not words or not all(w.isascii() and w.isalpha() for w in words):
        return None
    sounds = [skeleton(w) for w in words]
    if not all(sounds):
        return None
    total = sum(map(len, sounds))
    if total < (_MIN_WORD if len(sounds) == 1 else _MIN_NAME):
        return None
    return " ".join(sounds)


_LATIN_RUN = re.compile(r"[a-z]+|[^a-z]+")


def _latin_runs(token: str, position: int) -> list[tuple[int, int, tuple[str, ...]]]:
    """A token of Chinese or Japanese characters with Latin words run into it ("以色列nso集团",
    "公司cellebrite的"): each Latin run is a word of its own, read as English spelling; the rest has no sound.
    Chinese writes foreign names in Latin letters without spaces, so they are found here by their sound."""
    words: list[tuple[int, int, tuple[str, ...]]] = []
    for run in _LATIN_RUN.finditer(token):
        start = position + run.start()
        latin = run.group()
        sounds = (skeleton(latin),) if latin.isascii() and latin.isalpha() else ()
        words.append((start, start + len(latin), sounds))
    return words


# Arabic writes a Latin name by ear with its consonants and long vowels (هيكفيجن, إنتيليكسا, دارك ماتر).
# Both sides are reduced to classes of consonants Arabic writes alike: v and p as ف and ب, g and the "zh"
# of "vision" as ج, t and d, k and q; the letters of vowels and h are left out.
_ARABIC_CLASSES = dict(
    zip(
        "بپفڤتطدضثذزظسصشجژچغكقخگلمنر",
        "bbbbttttsssssssssskkkkklmnr",
        strict=True,
    )
)
_ARABIC_VOWELS = frozenset("اأإآٱءئؤويىةهحع")
_LATIN_CLASSES = str.maketrans("fpvdjzqcg", "bbbtsskkk")
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال")
_ARABIC_MIN = 4  # consonant classes a name needs, so that ordinary words do not match by accident


def latin_by_arabic_ear(folded_name: str) -> str | None:
    """A one-word Latin name as Arabic would write its consonants ("hikvision" -> "kbsn"), or None."""
    sounds = skeleton(folded_name).translate(_LATIN_CLASSES)
    return sounds if len(sounds) >= _ARABIC_MIN else None


@lru_cache(maxsize=65_536)
def arabic_by_ear(word: str) -> tuple[str, int]:
    """The consonant classes of an Arabic word read as a foreign name, less the article and a leading
    conjunction, and how many letters of vowels it writes (a foreign name written by ear has several;
    Arabic's own words are written mostly without them)."""
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            word = word[len(prefix) :]
            break
    sounds = "".join(_ARABIC_CLASSES.get(c, "") for c in word if c not in _ARABIC_VOWELS)
    return re.sub(r"(.)\1+", r"\1", sounds), sum(c in _ARABIC_VOWELS for c in word)


class Sounds:
    """The watchlist's Latin names by sound, to find them written by ear in other scripts."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        self.names = list(names)  # (alias number, skeletons of its words)
        self._index: dict[str, list[tuple[int, tuple[str, ...]]]] | None = None

    def _first(self) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
        """Names by the skeleton of their first word, made when a text first needs it."""
        if self._index is None:
            self._index = {}
            for number, sounds in self.names:
                words = tuple(sounds.split())
                self._index.setdefault(words[0], []).append((number, words))
        return self._index

    def find(self, view: str) -> list[tuple[int, int, int]]:
        """(alias number, view start, view end) of each name written by ear in a folded view."""
        if not self.names or view.isascii():
            return []
        first = self._first()
        words: list[tuple[int, int, tuple[str, ...]]] = []
        position = 0
        unspaced = _CJK.search(view) is not None
        for token in view.split(" "):
            if unspaced and _CJK.search(token):
                words += _latin_runs(token, position)
            elif token and not token.isascii():
                words.append((position, position + len(token), word_sounds(token)))
            elif unspaced and token.isalpha():
                words.append((position, position + len(token), (skeleton(token),)))
            else:
                words.append((position, position + len(token), ()))
            position += len(token) + 1
        found = []
        for i, (start, _, sounds) in enumerate(words):
            for sound in sounds:
                for number, wanted in first.get(sound, ()):
                    run = words[i : i + len(wanted)]
                    if len(run) == len(wanted) and all(
                        want in got for want, (_, _, got) in zip(wanted, run, strict=True)
                    ):
                        found.append((number, start, run[-1][1]))
        return found

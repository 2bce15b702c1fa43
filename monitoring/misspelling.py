"""One-word names written with one letter more, less or other ("Cytox", "Intellaxa", "Huavei").

Capitalised words of six letters or more are looked up by their one-deletion variants among the
watchlist's one-word names (and those names' one-deletion variants), then checked with rapidfuzz.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from operator import add, itemgetter

from rapidfuzz.distance import Levenshtein

from monitoring.phonetic import arabic_by_ear, latin_by_arabic_ear
from monitoring.text import Folded, fold_key

# The capital first, then "no word character before it": the same matches as (?<!\w)[A-Z...]\w{4,},
# found three times faster (the regex engine skips ahead to the next capital).
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁЂ-ЏΑ-Ω](?<!\w.)\w{4,}")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
_SEPARATOR = "\ue01e"  # a private-use character: JSON keeps it as it is (see matching._FIELD)
#: A kept index as two texts: its keys, and the alias numbers of each key ("3,17"), in the same order.
KeptIndex = tuple[str, str]


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class Misspellings:
    """The one-word names of a watchlist, to find them misspelt in texts."""

    def __init__(self, names: list[tuple[int, str]] | KeptIndex, alias_text: Callable[[int], str]) -> None:
        self._names = names  # (alias number, folded name), or a kept index as text
        self._alias_text = alias_text
        self._index: dict[str, list[int]] | _SortedIndex | None = None
        self._near: dict[str, list[int]] = {}
        self._by_ear: dict[str, list[int]] | None = None
        self._kept_by_ear: KeptIndex | None = None

    def state(self) -> KeptIndex:
        """The index as two texts, to keep it with the matcher: its keys in sorted order, so that a
        kept index is looked up by bisection in the texts split, without a dictionary to rebuild."""
        index = self._lookup()
        if isinstance(index, _SortedIndex):
            return _SEPARATOR.join(index.keys), _SEPARATOR.join(index.numbers)
        keys = sorted(index)
        numbers = (",".join(map(str, index[key])) for key in keys)
        return _SEPARATOR.join(keys), _SEPARATOR.join(numbers)

    def find(self, text: str, folded: Folded, taken: set[int]) -> list[tuple[int, int, int]]:
        """(alias number, view start, view end) of each misspelt name, but at the view starts `taken`."""
        index = self._lookup()
        if not index:
            return []
        found = [] if folded.latin1 or not _ARABIC_WORD.search(text) else self._arabic(text, folded, taken)
        # Most texts have no such word: look each distinct word up once before walking the text.
        close = {word for word in set(_CAPITALISED.findall(text)) if self._near_names(word, index)}
        if not close:
            return found
        for word in _CAPITALISED.finditer(text):
            if word.group() not in close:
                continue
            near = self._near_names(word.group(), index)
            low = folded.view_offset(word.start())
            if low in taken:
                continue
            for number in near:
                found.append((number, low, folded.view_offset(word.end())))
        return found

    def _arabic(self, text: str, folded: Folded, taken: set[int]) -> list[tuple[int, int, int]]:
        """The one-word names written by ear in Arabic letters, in one word or two (دارك ماتر)."""
        by_ear = self._arabic_index()
        if not by_ear:
            return []
        # Most texts have no word, and no two words in a row, that sound like a name: looked up all at once.
        spoken = list(map(itemgetter(0), map(arabic_by_ear, _ARABIC_WORD.findall(text))))
        if by_ear.keys().isdisjoint(spoken) and by_ear.keys().isdisjoint(map(add, spoken, spoken[1:])):
            return []
        words = [(m.start(), m.end(), *arabic_by_ear(m.group())) for m in _ARABIC_WORD.finditer(text)]
        found = []
        for i, (start, end, sounds, vowels) in enumerate(words):
            low = folded.view_offset(start)
            if low in taken:
                continue
            candidates = [(end, sounds, vowels)]
            if i + 1 < len(words) and text[end : words[i + 1][0]] == " ":
                _, stop, more, also = words[i + 1]
                candidates.append((stop, sounds + more, vowels + also))
            for stop, heard, written in candidates:
                if written >= 2:
                    for number in by_ear.get(heard, ()):
                        found.append((number, low, folded.view_offset(stop)))
        return found

    def by_ear_state(self) -> KeptIndex:
        """The by-ear index as two texts (sounds, and the alias numbers of each), to keep it with the
        matcher: made once when the matcher is kept, not in every run that meets an Arabic word."""
        index = self._arabic_index()
        return _SEPARATOR.join(index), _SEPARATOR.join(",".join(map(str, v)) for v in index.values())

    def keep_by_ear(self, kept: KeptIndex) -> None:
        """Use a kept by-ear index (by_ear_state's texts), read when a text first needs it."""
        self._kept_by_ear = kept

    def _arabic_index(self) -> dict[str, list[int]]:
        """The one-word names by their consonants as Arabic writes them, made when a text first needs it."""
        if self._by_ear is None and self._kept_by_ear is not None:
            heard, kept = self._kept_by_ear
            rows = zip(heard.split(_SEPARATOR), kept.split(_SEPARATOR), strict=True) if kept else ()
            self._by_ear = {sound: [int(n) for n in found.split(",")] for sound, found in rows}
        if self._by_ear is None:
            numbers = _all_numbers(self._lookup())
            self._by_ear = {}
            for number in sorted(numbers):
                sounds = latin_by_arabic_ear(fold_key(self._alias_text(number)))
                if sounds is not None:
                    self._by_ear.setdefault(sounds, []).append(number)
        return self._by_ear

    def _near_names(self, word: str, index: dict[str, list[int]] | _SortedIndex) -> list[int]:
        """Aliases one edit away from a word (remembered: the same words come back in every text)."""
        known = self._near.get(word)
        if known is not None:
            return known
        token = fold_key(word)
        near = []
        if " " not in token:
            for number in {n for v in _deletions(token) for n in _numbers(index, v)}:
                name = fold_key(self._alias_text(number))
                if name != token and Levenshtein.distance(name, token, score_cutoff=1) <= 1:
                    near.append(number)
        if len(self._near) > 200_000:
            self._near.clear()
        self._near[word] = near
        return near

    def _lookup(self) -> dict[str, list[int]] | _SortedIndex:
        """Every name, and the name less each letter in turn, to the aliases it comes from (a kept
        index's as sorted texts: "3,17")."""
        if self._index is None:
            if isinstance(self._names, tuple):
                keys, numbers = self._names
                self._index = _SortedIndex(keys.split(_SEPARATOR), numbers.split(_SEPARATOR)) if keys else {}
            else:
                index: dict[str, list[int]] = {}
                for number, name in self._names:
                    for variant in _deletions(name):
                        index.setdefault(variant, []).append(number)
                self._index = dict(index)
        return self._index


class _SortedIndex:
    """A kept index: sorted keys and the alias numbers of each ("3,17"), found by bisection."""

    __slots__ = ("keys", "numbers")

    def __init__(self, keys: list[str], numbers: list[str]) -> None:
        if len(keys) != len(numbers):
            raise ValueError("a kept misspelling index whose keys and numbers differ in count")
        self.keys, self.numbers = keys, numbers

    def __bool__(self) -> bool:
        return bool(self.keys)

    def get(self, key: str) -> str | None:
        at = bisect_left(self.keys, key)
        return self.numbers[at] if at < len(self.keys) and self.keys[at] == key else None


def _all_numbers(index: dict[str, list[int]] | _SortedIndex) -> set[int]:
    """Every alias number the index leads to."""
    if isinstance(index, _SortedIndex):
        return {int(n) for numbers in index.numbers for n in numbers.split(",")}
    return {n for numbers in index.values() for n in numbers}


def _numbers(index: dict[str, list[int]] | _SortedIndex, key: str) -> list[int]:
    found = index.get(key)
    if found is None:
        return []
    return [int(n) for n in found.split(",")] if isinstance(found, str) else list(found)

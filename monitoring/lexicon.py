"""The watcher's language knowledge, read from the data files in monitoring/lexicon/ (one per language).

All languages go into one automaton over the folded text (a report may mix languages): a term is a
whole word, a stem (the start of a word), or, in scripts written without spaces, any run of characters.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import islice, product
from operator import itemgetter
from pathlib import Path
from typing import Any

import ahocorasick

from monitoring.text import UNSPACED, fold, fold_text, script_of

FOLDER = Path(__file__).parent / "lexicon"
CATEGORIES = (
    "surveillance",
    "targets",
    "detention",
    "violence",
    "repression",
    "censorship",
    "business",
    "denial",
    "disproval",
    "crime",
    "espionage",
    "policy",
    "suspects",
    "equipment",
)
POLICE = "police"
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_ARABIC_PREFIXES = ("", "ال", "وال", "بال", "و", "ب", "ل", "لل", "ف", "فال", "ولل")


@cache
def languages() -> dict[str, dict]:
    """Language code -> its parsed data file."""
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(FOLDER.glob("*.toml"))
    }


def _terms(spec: str) -> Iterator[tuple[str, bool, bool]]:
    """(folded term, is a stem, is written without spaces) for each term of a space-separated list."""
    for raw in spec.split():
        stem = raw.endswith("*")
        if "*" in raw[:-1]:
            raise ValueError(f"lexicon term {raw!r}: only the last word of a term may be a stem")
        word = raw.rstrip("*").replace("_", " ")
        if _ARABIC.match(word):
            # Arabic attaches the article and particles to the word, and extends it with endings.
            bare = word[2:] if word.startswith("ال") else word
            for prefix in _ARABIC_PREFIXES:
                yield fold(prefix + (bare if prefix.endswith("ل") and prefix != "ل" else word)), True, False
            continue
        folded = fold(word)
        if folded:
            yield folded, stem, UNSPACED.search(word) is not None


def _scripted_terms(spec: str) -> Iterator[tuple[str, bool, bool, str]]:
    """_terms with the script each term is written in (latin, cyrillic, arabic, greek, other)."""

    for raw in spec.split():
        for folded, stem, unspaced in _terms(raw):
            yield folded, stem, unspaced, script_of(raw)


def country_terms() -> Iterator[tuple[str, str, bool]]:
    """(ISO code, folded term, is a stem) from every language's [countries] table."""
    for data in languages().values():
        for code, spec in data.get("countries", {}).items():
            for folded, stem, _ in _terms(spec):
                yield code, folded, stem


#: What a lexicon automaton key leads to: category, characters back to its start, kind, scripts.
Term = tuple[str, int, int, str]


@cache
def automaton() -> ahocorasick.Automaton:
    """Every term of every language, tagged with its category (and `police`)."""
    found = ahocorasick.Automaton()
    for key, value in _keys().items():
        found.add_word(key, value)
    found.make_automaton()
    return found


def split_automata(keys: dict[str, Any]) -> tuple[ahocorasick.Automaton, ahocorasick.Automaton | None]:
    """Keys in two automata: those written without spaces (Chinese, Japanese) apart, to be looked for
    only in texts that hold such characters. The same matches, in the same order (see `_iter`), at a
    fraction of the time: the automaton's root no longer has a branch per Chinese character to search."""
    spaced, unspaced = ahocorasick.Automaton(), ahocorasick.Automaton()
    for key, value in keys.items():
        (unspaced if UNSPACED.search(key) else spaced).add_word(key, value)
    spaced.make_automaton()
    if len(unspaced):
        unspaced.make_automaton()
    return spaced, unspaced if len(unspaced) else None


@cache
def _split_automata() -> tuple[ahocorasick.Automaton, ahocorasick.Automaton | None]:
    return split_automata(_keys())


def _key_length(value: Term) -> int:
    return value[1] + (1 if value[2] == 2 else 2)


def _iter(view: str, low: int = 0, high: int | None = None) -> list[tuple[int, Term]]:
    """What `automaton().iter(view, low, high)` yields: by end, and at one end the longest key first."""
    high = len(view) if high is None else high
    spaced, unspaced = _split_automata()
    found: list[tuple[int, Term]] = list(spaced.iter(view, low, high))
    if unspaced is not None and UNSPACED.search(view, low, high):
        found += unspaced.iter(view, low, high)
        found.sort(key=lambda item: (item[0], -_key_length(item[1])))
    return found


@cache
def _keys() -> dict[str, Term]:
    """Automaton key -> its term (a key listed twice keeps its last term, as the automaton would)."""
    keys: dict[str, Term] = {}
    scripts: dict[tuple[str, tuple[str, int, int]], set[str]] = {}
    for data in languages().values():
        specs = [(c, data.get("terms", {}).get(c, "")) for c in CATEGORIES]
        specs.append((POLICE, data.get(POLICE, "")))
        for category, spec in specs:
            for folded, stem, unspaced, script in _scripted_terms(spec):
                key = folded if unspaced else (f" {folded}" if stem else f" {folded} ")
                kind = 2 if unspaced else 1 if stem else 0
                entry = (category, len(key) - (1 if unspaced else 2), kind)
                scripts.setdefault((key, entry), set()).add(script)
    for (key, entry), written in scripts.items():
        # Any script a term is written in may be read in that script; a Latin term anywhere (a Latin
        # word transliterated: "pegasus" is also Пегасус), so a term in Latin script counts as "any".
        keys[key] = (*entry, "" if "latin" in written else "|".join(sorted(written)))
    return keys


class Terms:
    """The terms of one folded view, sorted by start, to ask what lies near a span."""

    __slots__ = ("terms", "_starts", "_counts")

    def __init__(self, terms: list[tuple[str, int, int]]) -> None:
        self.terms = sorted(terms, key=itemgetter(1))
        self._starts = [t[1] for t in self.terms]
        self._counts: dict[str, int] = Counter(map(itemgetter(0), self.terms))

    def within(self, low: int, high: int) -> set[str]:
        """Categories with a term inside view[low:high]."""
        first = bisect_left(self._starts, low)
        return {c for c, _, end in self.terms[first : bisect_left(self._starts, high)] if end <= high}

    def categories_outside(self, low: int, high: int) -> set[str]:
        """Categories with a term anywhere in the view but inside view[low:high] (a name's own words)."""
        counts = dict(self._counts)
        for category, start, end in self.terms[
            bisect_left(self._starts, low - _LONGEST) : bisect_left(self._starts, high)
        ]:
            if start < high and end > low:
                counts[category] -= 1
        return {c for c, n in counts.items() if n > 0 and c != POLICE}

    def near(self, low: int, high: int, window: int) -> list[tuple[str, int, int]]:
        """Terms within `window` characters of view[low:high], those overlapping it left out."""
        first = bisect_left(self._starts, low - window - _LONGEST)
        last = bisect_left(self._starts, high + window)
        return [t for t in self.terms[first:last] if t[2] > low - window and not (t[1] < high and t[2] > low)]


_LONGEST = 60  # characters of the longest term, so a term starting this far before a window is seen


@lru_cache(maxsize=8)
def all_terms(view: str) -> Terms:
    """Every term of a folded view; cached so that matching and every level of a text share one scan."""
    return Terms([(category, start, stop) for category, start, stop, _ in _view_terms(view)])


@lru_cache(maxsize=8)
def _view_terms(view: str) -> list[tuple[str, int, int, str]]:
    """(category, view start, view end, scripts) of every term of a whole view: one automaton pass
    that `all_terms` and `terms_as_written` share."""
    find = view.find
    return [
        (category, end - back, find(" ", end + 1) if kind == 1 else end + (kind == 2), scripts)
        for end, (category, back, kind, scripts) in _iter(view)
    ]


def find_terms(view: str, low: int = 0, high: int | None = None) -> list[tuple[str, int, int]]:
    """(category, view start, view end) of the terms in view[low:high], widened to whole words."""
    high = len(view) if high is None else high
    low = max(view.rfind(" ", 0, low + 1), 0)
    high = view.find(" ", high) + 1 or len(view)
    find = view.find
    # kind: 0 a whole word, 1 a stem (runs to the end of its word), 2 inside a run of characters
    return [
        (category, end - back, find(" ", end + 1) if kind == 1 else end + (kind == 2))
        for end, (category, back, kind, _) in _iter(view, low, high)
    ]


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_TELLING = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff]")  # script_of's other scripts


@lru_cache(maxsize=8)
def terms_as_written(text: str) -> Terms:
    """The terms of a text, each only where the text is written in the term's script: Arabic إعدام
    folds to "adam", which a Kazakh адам or an English Adam is not (a Latin term counts anywhere)."""

    folded = fold_text(text)
    # A text without Greek, Cyrillic or Arabic letters is Latin wherever it has a Latin letter.
    latin_only = _TELLING.search(text) is None
    out: list[tuple[str, int, int]] = []
    found = _view_terms(folded.view)
    for category, start, stop, scripts in found:
        if scripts:
            allowed = _script_set(scripts)
            if latin_only:
                if "other" not in allowed:
                    continue  # never "latin": a term in Latin script has no scripts
                written = text[slice(*folded.span(start, stop))]
                script = "latin" if _LATIN_LETTER.search(written) else "other"
            else:
                script = script_of(text[slice(*folded.span(start, stop))])
            if script not in allowed:
                continue
        out.append((category, start, stop))
    # "Surveillance cameras", "видеонаблюдение": equipment, not surveillance of people.
    kit = [(start, stop) for category, start, stop in out if category == "equipment"]
    if kit:
        out = [t for t in out if t[0] != "surveillance" or not any(a <= t[1] and t[2] <= b for a, b in kit)]
    # Most texts keep every term: they share all_terms' Terms (the same terms, in the same order).
    return all_terms(folded.view) if len(out) == len(found) else Terms(out)


@cache
def _script_set(scripts: str) -> frozenset[str]:
    return frozenset(scripts.split("|"))


@cache
def police_words() -> frozenset[str]:
    """Folded words (and stems, ending in *) that name a police force, in every language."""
    words = set()
    for data in languages().values():
        for folded, stem, _ in _terms(data.get(POLICE, "")):
            words.add(folded + ("*" if stem else ""))
    return frozenset(words)


@cache
def _police_pattern() -> re.Pattern[str]:
    words = sorted(police_words(), key=len, reverse=True)
    alternatives = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def names_police(folded_name: str) -> bool:
    """Whether a folded name contains a police word of any language."""
    return _police_pattern().search(folded_name) is not None


@cache
def _organisations() -> tuple[frozenset[str], tuple[str, ...]]:
    spaced: set[str] = set()
    unspaced: list[str] = []
    for data in languages().values():
        for folded, _, is_unspaced in _terms(data.get("organisations", "")):
            (unspaced.append if is_unspaced else spaced.add)(folded)
    return frozenset(spaced), tuple(unspaced)


def organisation_after(view: str, end: int) -> bool:
    """Whether a word for a kind of organisation follows view[:end] ("大华银行", "Paragon Cosmetics"):
    the name is then part of another organisation's name."""
    spaced, unspaced = _organisations()
    if view[end : end + 1] != " ":
        return view.startswith(unspaced, end)
    following = view[end + 1 : end + 40].split(" ", 2)
    return following[0] in spaced or " ".join(following[:2]) in spaced


@cache
def descriptors() -> frozenset[str]:
    """Words that end company names without being the name ("Technologies", "Group"), lower case."""
    return frozenset(w for data in languages().values() for w in data.get("descriptors", "").split())


@cache
def attached_after() -> tuple[str, ...]:
    """Words that languages written without spaces run into a company's Latin acronym (`[attached]`
    `after`: 公司, 集团), so that "NSO集团" is NSO; as written, from every language."""
    words = (w for data in languages().values() for w in data.get("attached", {}).get("after", "").split())
    return tuple(dict.fromkeys(words))


_MAX_SPELLINGS = 8


def acronym_spellings(acronym: str) -> list[str]:
    """A Latin acronym written with another script's letter names, in every language that lists them
    (`[acronyms]`: `letters`, a table of letter -> its names separated by spaces, and `joiners`, what
    comes between the letters): NTMC -> এনটিএমসি, NSO -> إن إس أو. At most a few spellings per language."""
    letters = acronym.upper()
    if not (letters.isascii() and letters.isalpha()):
        return []
    found: list[str] = []
    for table, joiners in _letter_names():
        if any(c not in table for c in letters):
            continue
        # The first few of every choice of names, in order: the same as keeping the first few after
        # each letter, since those are the choices of the first few prefixes.
        spellings = list(islice(product(*(table[letter] for letter in letters)), _MAX_SPELLINGS))
        for joiner in joiners:
            found += [joiner.join(spelling) for spelling in spellings]
    return list(dict.fromkeys(found))


@cache
def _letter_names() -> tuple[tuple[dict[str, tuple[str, ...]], tuple[str, ...]], ...]:
    """Each language's `[acronyms]`: letter -> its names, and the joiners (read once, not per name)."""
    found = []
    for data in languages().values():
        table = data.get("acronyms", {}).get("letters", {})
        if table:
            names = {letter: tuple(spec.split()) for letter, spec in table.items()}
            found.append((names, tuple(data["acronyms"].get("joiners", [""]))))
    return tuple(found)


@cache
def _stopwords() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Function word -> languages, for spaced and for unspaced scripts, as written (script tells)."""
    spaced: dict[str, set[str]] = {}
    unspaced: dict[str, set[str]] = {}
    for code, data in languages().items():
        for raw in data.get("stopwords", "").split():
            (unspaced if UNSPACED.search(raw) else spaced).setdefault(raw.lower(), set()).add(code)
    return (
        {k: tuple(sorted(v)) for k, v in spaced.items()},
        {k: tuple(sorted(v)) for k, v in unspaced.items()},
    )


_WORD = re.compile(r"\w+")


def _word_counts(text: str) -> Counter[str]:
    """How often each word (a run of \\w characters) occurs: each distinct run between spaces is read once,
    and only those holding punctuation are cut into words."""
    counts: Counter[str] = Counter()
    for token, found in Counter(text.split()).items():
        if token.isalnum():  # the characters \\w matches, but the underscore
            counts[token] += found
        else:
            for word in _WORD.findall(token):
                counts[word] += found
    return counts


@lru_cache(maxsize=8)
def text_language(text: str) -> str | None:
    """The language a text is written in, by its most frequent function words (each language's
    `stopwords`, compared as written, so the script counts), or None when no language leads."""
    spaced, unspaced = _stopwords()
    counts: dict[str, int] = {}
    for word, found in _word_counts(text.lower()).items():
        for code in spaced.get(word, ()):
            counts[code] = counts.get(code, 0) + found
    if UNSPACED.search(text):
        for word, codes in unspaced.items():
            found = text.count(word)
            for code in codes:
                counts[code] = counts.get(code, 0) + found
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]

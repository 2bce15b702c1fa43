"""A customer's English name as other languages write it, word by word from each language's `[glossary]`
(monitoring/lexicon/<lang>.toml): "Federal Security Service" is "федеральная служба безопасности",
"联邦安全局"; "Islamic Revolutionary Guard Corps" is "Gardiens de la Révolution", "الحرس الثوري".

A glossary maps an English word of institution names (or several joined by `_`: `public_security`) to
its forms in the language: a form written `+form` follows the name's head noun (the last English word
before "of"), any other precedes it, `-` means the language may leave the word out. Forms of modifiers
are tried in every order on each side of the head, since languages differ in where they put them.
A name translated from generic English words ("Ministry of Interior") is generic in every language: it
counts only with the right country in context (monitoring.judging).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from itertools import permutations, product

from monitoring import lexicon
from monitoring.countries import country_mentions
from monitoring.text import UNSPACED, fold, fold_text

_ENGLISH_STOPWORDS = frozenset("of the for and on".split())
_HEAD_ENDS = frozenset(("of", "for"))
_QUALIFIER = re.compile(r"\s*\([^()]+\)\s*\Z")
_MIN_WORDS = 2  # English words a translation must render: "security" alone names nothing
_MAX_FORMS = 48  # translations kept per name and language, those with fewest words first

#: One English word (or several) as a language writes it: (form, follows the head), None to leave out.
Form = tuple[str, bool] | None


@cache
def glossaries() -> dict[str, dict[tuple[str, ...], tuple[Form, ...]]]:
    """Language code -> English words -> their forms, from every language's `[glossary]`."""
    found: dict[str, dict[tuple[str, ...], tuple[Form, ...]]] = {}
    for code, data in lexicon.languages().items():
        table = data.get("glossary", {})
        if table:
            found[code] = {tuple(english.split("_")): _forms(spec) for english, spec in table.items()}
    return found


def _forms(spec: str) -> tuple[Form, ...]:
    return tuple(
        None if raw == "-" else (raw.lstrip("+").replace("_", " "), raw.startswith("+"))
        for raw in spec.split()
    )


def english_words(name: str, country: str) -> tuple[list[str], int] | None:
    """The content words of an English name, lower case, without the customer's own country, and how
    many of them come before "of" (the last of those is the head); None when another country is named."""
    name = _QUALIFIER.sub("", name)
    folded = fold_text(name)
    view = folded.view
    for mention in country_mentions(folded):
        if mention.country != country:
            return None
        view = (
            view[: mention.view_start]
            + " " * (mention.view_end - mention.view_start)
            + view[mention.view_end :]
        )
    words: list[str] = []
    before_of = None
    for word in re.findall(r"[a-z]+", view):
        if word in _HEAD_ENDS and before_of is None:
            before_of = len(words)
        if word not in _ENGLISH_STOPWORDS:
            words.append(word)
    return words, len(words) if before_of is None else before_of


def _units(words: list[str], table: dict[tuple[str, ...], tuple[Form, ...]]) -> list[tuple[int, int]] | None:
    """The words cut into glossary entries, longest first: (start, end) of each, None if one is missing."""
    longest = max(map(len, table))
    units: list[tuple[int, int]] = []
    start = 0
    while start < len(words):
        for size in range(min(longest, len(words) - start), 0, -1):
            if tuple(words[start : start + size]) in table:
                units.append((start, start + size))
                start += size
                break
        else:
            return None
    return units


def translated_names(name: str, country: str) -> Iterator[str]:
    """An English institution name in every language with a glossary for all its words."""
    if sum(word in _vocabulary() for word in re.findall(r"[a-z]+", name.lower())) < _MIN_WORDS:
        return  # most names, and at once: finding country words in every name takes longer
    parsed = english_words(name, country)
    if parsed is None or len(parsed[0]) < _MIN_WORDS:
        return
    words, before_of = parsed
    for code, table in glossaries().items():
        units = _units(words, table)
        if units is None:
            continue
        head = max((i for i, (start, _) in enumerate(units) if start < before_of), default=len(units) - 1)
        choices = [table[tuple(words[start:end])] for start, end in units]
        sizes = [end - start for start, end in units]
        joiner = "" if code in _unspaced() else " "
        found: dict[str, int] = {}
        for chosen in product(*choices):
            rendered = sum(size for size, form in zip(sizes, chosen, strict=True) if form is not None)
            if rendered < _MIN_WORDS:
                continue
            for text in _orders(chosen, head, joiner):
                found.setdefault(text, rendered)
        yield from sorted(found, key=lambda text: (found[text], text))[:_MAX_FORMS]


def _orders(chosen: tuple[Form, ...], head: int, joiner: str) -> Iterator[str]:
    """The chosen forms with the modifiers before and after the head in every order."""
    before = [form[0] for i, form in enumerate(chosen) if form is not None and i != head and not form[1]]
    after = [form[0] for i, form in enumerate(chosen) if form is not None and i != head and form[1]]
    head_form = chosen[head]
    middle = [head_form[0]] if head_form is not None else []
    for first in permutations(before):
        for last in permutations(after):
            yield joiner.join([*first, *middle, *last])


@cache
def _vocabulary() -> frozenset[str]:
    """Every English word some glossary translates."""
    return frozenset(word for table in glossaries().values() for english in table for word in english)


@cache
def _unspaced() -> frozenset[str]:
    """Languages whose glossary forms are written without spaces (Chinese)."""
    return frozenset(
        code
        for code, table in glossaries().items()
        if any(form is not None and UNSPACED.search(form[0]) for forms in table.values() for form in forms)
    )


@cache
def _institution_words(is_generic: Callable[[str], bool]) -> tuple[frozenset[str], tuple[str, ...]]:
    spaced: set[str] = set()
    unspaced: set[str] = set()
    for table in glossaries().values():
        for english, forms in table.items():
            if not all(map(is_generic, english)):
                continue  # "revolutionary": a translated IRGC is a name, as "Revolutionary Guard" is
            for form in forms:
                if form is not None:
                    folded = fold(form[0])
                    if UNSPACED.search(folded):
                        unspaced.add(folded)
                    else:
                        spaced.update(folded.split())
    return frozenset(spaced), tuple(sorted(unspaced, key=len, reverse=True))


def institution_word(word: str, is_generic: Callable[[str], bool]) -> bool:
    """Whether a folded word translates an English word that `is_generic` (the words many countries'
    bodies share: "security", not "revolutionary"), as a glossary writes it ("службы" aside), or, in
    scripts without spaces, is a run of such words ("联邦安全局")."""
    spaced, unspaced = _institution_words(is_generic)
    if word in spaced:
        return True
    if not unspaced or not UNSPACED.search(word):
        return False
    rest = word
    while rest:
        piece = next((p for p in unspaced if rest.startswith(p)), None)
        if piece is None:
            return False
        rest = rest[len(piece) :]
    return True

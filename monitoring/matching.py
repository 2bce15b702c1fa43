"""Watchlist matching: find customers named in a plain text, in one pass whatever the watchlist size.

Every alias is folded (case, accents, Cyrillic and Arabic to Latin, punctuation to spaces) and added to
one Aho-Corasick automaton as " alias " so that hits are whole words. Each hit is then judged on how it
is written (capitals, acronyms, common words) and on country context (monitoring.judging), and gets a
confidence; the best hit per customer at or above `MIN_CONFIDENCE` becomes a `Mention`.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from monitoring.countries import CountryMention, country_automaton, country_mentions
from monitoring.judging import HOPELESS, Alias, Hit, Mention, WatchName, alias_shape, judge, written_as
from monitoring.text import fold_key, fold_text
from monitoring.variants import arabic_clitics, latin_variants, russian_cases, script_of

__all__ = ["MIN_CONFIDENCE", "Matcher", "Mention", "WatchName"]

#: Hits below this confidence are dropped. A generic or common-word alias alone scores 0.4: it needs
#: support (its customer's country nearby, the acronym in capitals) to be reported.
MIN_CONFIDENCE = 0.5


class Matcher:
    """An immutable watchlist automaton; `scan` finds the customers a text names."""

    def __init__(self, automaton: ahocorasick.Automaton, aliases: list[Alias]) -> None:
        self._automaton = automaton
        self._aliases = aliases

    @classmethod
    def build(cls, names: Iterable[WatchName]) -> Matcher:
        """Fold every alias of every customer into one automaton."""
        keys: dict[str, list[tuple[int, str]]] = {}
        aliases: list[Alias] = []
        for watch in names:
            seen: set[str] = set()
            for raw in (watch.name, *watch.aliases):
                text = " ".join(raw.split())
                folded = fold_key(text)
                if len(folded.replace(" ", "")) < 2 or folded in seen:
                    continue
                seen.add(folded)
                alias = Alias(watch, text, alias_shape(text, folded), script_of(text))
                aliases.append(alias)
                for key, form in _keys(alias, folded):
                    for variant in {key, " ".join(key.split())}:  # "Centre «E»" also as "Centre E"
                        keys.setdefault(variant, []).append((len(aliases) - 1, form))
        country_automaton()  # built once per process, here rather than in the first scan
        automaton = ahocorasick.Automaton()
        for key, entries in keys.items():
            automaton.add_word(f" {key} ", (len(key) + 2, tuple(entries)))
        if keys:
            automaton.make_automaton()
        return cls(automaton, aliases)

    def scan(self, text: str) -> list[Mention]:
        """Best mention per customer in a plain text (title + newline + body), most confident first."""
        if not self._aliases:
            return []
        folded = fold_text(text)
        countries: list[CountryMention] | None = None
        best: dict[int, Mention] = {}
        for view_end, (length, entries) in self._automaton.iter(folded.view):
            view_start = view_end - length + 2
            start, end = folded.span(view_start, view_end)
            matched = text[start:end]
            for index, form in entries:
                alias = self._aliases[index]
                written = written_as(alias, matched)
                if (alias.shape, written) in HOPELESS:
                    continue
                if countries is None:
                    countries = country_mentions(folded)
                hit = Hit(alias, form, view_start, view_end)
                mention = judge(hit, folded, countries, start, end, written)
                current = best.get(mention.customer_id)
                if mention.confidence >= MIN_CONFIDENCE and (
                    current is None
                    or (mention.confidence, -mention.start) > (current.confidence, -current.start)
                ):
                    best[mention.customer_id] = mention
        return sorted(best.values(), key=lambda m: (-m.confidence, m.start))


def _keys(alias: Alias, folded: str) -> Iterable[tuple[str, str]]:
    yield folded, "exact"
    if alias.shape in ("acronym", "word-acronym") and alias.script == "latin":
        yield " ".join(folded), "dotted"  # F.B.I. folds to "f b i"
    elif "." in alias.text and all(len(w) == 1 for w in folded.split()[:2]):
        yield fold_key(alias.text.replace(".", "")), "dotted"  # "U.S. Immigration" -> "US Immigration"
    if alias.script == "cyrillic":
        for variant in latin_variants(alias.text):
            yield variant, "translit"
        for form in russian_cases(alias.text):
            yield fold_key(form), "inflected"
    elif alias.script == "arabic":
        for form in arabic_clitics(alias.text):
            yield fold_key(form), "clitic"

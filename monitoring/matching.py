"""Watchlist matching: find customers named in a plain text, in one pass whatever the watchlist size.

Every alias is folded (case, accents, other scripts to Latin, Traditional to Simplified Chinese,
punctuation to spaces) and added to one Aho-Corasick automaton as " alias " so that hits are whole words
(Chinese and Japanese aliases match inside runs of characters). Derived forms are added too: the name
without its country ("National Security Agency (Bahrain)" -> "National Security Agency", "Nicaraguan
National Police" -> "National Police"), romanisations, inflections, Greek lookalike capitals. A police
force is also found as its country's police ("die türkische Polizei", "Ugandan police").
Each hit gets named features (monitoring.judging, plus the kinds of context around it from
monitoring.lexicon) that the mention model of parameters.json turns into a confidence; the best hit per
customer at or above the model's threshold becomes a `Mention`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import cast

import ahocorasick

from monitoring import lexicon
from monitoring.aliases import alias_texts, keys_of
from monitoring.countries import CountryMention, country_automata, country_mentions
from monitoring.inflection import next_word_stems, word_stem, word_stems
from monitoring.judging import (
    HOPELESS,
    Alias,
    Hit,
    Mention,
    WatchName,
    alias_shape,
    features,
    snippet,
    written_as,
)
from monitoring.kept_form import (
    ROW,
    Payload,
    alias_fields,
    alias_row,
    alias_text_of,
    customer_of,
    customer_row,
    payload_of,
    payload_text,
    rows_of,
    stemmed_of,
    stemmed_text,
)
from monitoring.misspelling import KeptIndex, Misspellings
from monitoring.parameters import parameters
from monitoring.phonetic import Sounds, name_sounds
from monitoring.police import police_hits
from monitoring.text import UNSPACED, Folded, fold_key, fold_text, script_of

__all__ = ["Matcher", "Mention", "WatchName", "min_confidence"]

_SECURITY = frozenset({"surveillance", "detention", "violence", "repression", "police"})
_MAX_SUFFIX = 4  # letters a one-word name may carry as an ending (র‍্যাবের, Hikvisiona)
_POLICE_WORD, _STEM_TRIGGER = -1, -2
_DERIVED = frozenset({"unqualified", "suffixed"})


def min_confidence() -> float:
    return parameters().mention.threshold


class Matcher:
    """An immutable watchlist automaton; `scan` finds the customers a text names."""

    def __init__(
        self,
        automaton: ahocorasick.Automaton,
        payloads: list[Payload | str],
        aliases: list[Alias | str],
        police: dict[str, list[Alias]],
        stemmed: dict[str, list[int]],
        fuzzy: list[tuple[int, str]] | KeptIndex,
        customers: list[WatchName | str] | None = None,
        sounds: list[tuple[int, str]] | None = None,
    ) -> None:
        self._automaton = automaton
        self._payloads = payloads
        self._aliases = aliases  # a kept matcher's are rows of text, read when first hit
        self._customers = customers or []
        self._police = police
        self._stemmed = stemmed
        self._misspelt = Misspellings(fuzzy, self._alias_text)
        self._sounds = Sounds(sounds or ())  # Latin names written by ear in other scripts
        self._longest = max((k.count(" ") + 1 for k in stemmed), default=0)
        self._second: dict[str, set[str]] = {}
        for key in stemmed:
            first, second = key.split(" ")[:2]
            self._second.setdefault(first, set()).add(second)
        # First stems by how many first stems each begins with, itself included ("ana": "an", "ana").
        self._begun = {s: sum(s[:n] in self._second for n in range(1, len(s) + 1)) for s in self._second}

    @classmethod
    def build(cls, names: Iterable[WatchName]) -> Matcher:
        """Fold every alias of every customer, and its derived forms, into one automaton."""
        # Building makes millions of objects that all live on: the cycle collector's sweeps over them
        # found nothing and took a third of the time. Paused while building (it runs again after).
        paused = gc.isenabled()
        gc.disable()
        try:
            return cls._build(names)
        finally:
            if paused:
                gc.enable()

    @classmethod
    def _build(cls, names: Iterable[WatchName]) -> Matcher:
        keys: dict[tuple[str, bool], list[tuple[int, str]]] = {}
        aliases: list[Alias | str] = []
        fuzzy: list[tuple[int, str]] = []
        police: dict[str, list[Alias]] = {}
        stemmed: dict[str, list[int]] = {}
        sounds: list[tuple[int, str]] = []
        keys_setdefault = keys.setdefault
        for watch in names:
            seen: set[str] = set()
            is_police = False
            for raw, form in alias_texts(watch):
                text = " ".join(raw.split())
                folded = fold_key(text)
                if len(folded.replace(" ", "")) < 2 or folded in seen:
                    continue
                seen.add(folded)
                is_police = is_police or lexicon.names_police(folded)
                alias = Alias(watch, text, alias_shape(text, folded), script_of(text))
                aliases.append(alias)
                index = len(aliases) - 1
                if alias.shape == "name" and len(folded) >= 6 and " " not in folded:
                    if not UNSPACED.search(folded):
                        fuzzy.append((index, folded))  # for names misspelt by one letter
                if alias.script == "latin" and alias.shape in ("name", "generic"):
                    sound = name_sounds(folded)
                    if sound is not None:
                        sounds.append((index, sound))
                for key, key_form in keys_of(alias, folded):
                    entry = (index, form or key_form)
                    keys_setdefault((key, False), []).append(entry)
                    squeezed = " ".join(key.split())  # "Centre «E»" also as "Centre E"
                    if squeezed != key:
                        keys_setdefault((squeezed, False), []).append(entry)
                words = folded.split()
                if UNSPACED.search(folded) or alias.shape == "common":
                    continue
                latin_acronym = alias.script == "latin" and alias.shape in ("acronym", "word-acronym")
                if len(words) == 1 and len(folded) >= 3 and not latin_acronym:
                    keys.setdefault((folded, True), []).append((index, "suffixed"))
                if len(words) >= 2 and alias.shape in ("name", "generic"):
                    stems = [word_stem(w) for w in words]
                    if stems != words:
                        stemmed.setdefault(" ".join(stems), []).append(index)
                        # A stem of one or two letters is a whole word (longer words' stems have three).
                        keys.setdefault((stems[0], len(stems[0]) > 2), []).append((_STEM_TRIGGER, ""))
            if is_police:
                police.setdefault(watch.country, []).append(Alias(watch, watch.name, "generic", "latin"))
        built = cast(list[Alias], aliases)
        # A form the watchlist did not spell out (a company's bare name, a name with an ending) is kept
        # only where it leads to one customer: "Felnor" is not guessed among "Felnor Labs" and "Felnor GmbH".
        # Generic names ("National Police") are shared on purpose: the country tells them apart.
        for spot, entries in keys.items():
            if len(entries) < 2:
                continue  # one owner at most
            owners = {built[i].customer.customer_id for i, _ in entries if i >= 0}
            if len(owners) > 1:
                keys[spot] = [
                    (i, form) for i, form in entries if not (form in _DERIVED and built[i].shape != "generic")
                ]
        # "<country> police" names a watched force only where it is the country's one police force.
        police = {country: forces for country, forces in police.items() if len(forces) == 1}
        if police:
            for word in lexicon.police_words():
                keys.setdefault((word.rstrip("*"), word.endswith("*")), []).append((_POLICE_WORD, ""))
        country_automata()  # built once per process, here rather than in the first scan
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        payloads: list[Payload | str] = []
        for (key, stem), entries in keys.items():
            if not entries:
                continue
            unique = tuple(dict.fromkeys(entries)) if len(entries) > 1 else tuple(entries)
            if not key.isascii() and UNSPACED.search(key):
                word, payload = key, (len(key), False, False, unique)
            elif stem:
                word, payload = f" {key}", (len(key) + 1, True, True, unique)
            else:
                word, payload = f" {key} ", (len(key) + 2, True, False, unique)
            automaton.add_word(word, len(payloads))
            payloads.append(payload)
        if keys:
            automaton.make_automaton()
        return cls(automaton, payloads, aliases, police, stemmed, fuzzy, sounds=sounds)

    def state(self) -> tuple[ahocorasick.Automaton, dict]:
        """The automaton and everything else as plain data (JSON of strings, cheap to read back), to keep
        the matcher across runs. ValueError if a name holds the characters that separate fields."""
        customers: dict[int, int] = {}
        rows: list[str] = []

        def customer(watch: WatchName) -> int:
            if watch.customer_id not in customers:
                customers[watch.customer_id] = len(rows)
                rows.append(customer_row(watch))
            return customers[watch.customer_id]

        aliases = [alias_row(customer(a.customer), a) for a in map(self._alias, range(len(self._aliases)))]
        police = {country: [customer(a.customer) for a in found] for country, found in self._police.items()}
        payloads = [p if isinstance(p, str) else payload_text(p) for p in self._payloads]
        data = {  # long lists as one text each (monitoring.kept_form)
            "customers": ROW.join(rows),
            "aliases": ROW.join(aliases),
            "police": police,
            "stemmed": stemmed_text(self._stemmed),
            "payloads": ROW.join(payloads),
            "fuzzy": list(self._misspelt.state()),
            "sounds": [[number, sound] for number, sound in self._sounds.names],
            "by_ear": list(self._misspelt.by_ear_state()),
        }
        return self._automaton, data

    @classmethod
    def restore(cls, automaton: ahocorasick.Automaton, data: dict) -> Matcher:
        """A matcher from `state()`'s output; key payloads, aliases and customers are read when first hit."""
        customers: list[WatchName | str] = rows_of(data["customers"])
        aliases: list[Alias | str] = rows_of(data["aliases"])
        payloads: list[Payload | str] = rows_of(data["payloads"])
        stemmed = stemmed_of(data["stemmed"])
        keys, numbers = data["fuzzy"]
        sounds = data.get("sounds", [])  # [number, sound] pairs as JSON gives them: unpacked like tuples
        matcher = cls(
            automaton, payloads, aliases, {}, stemmed, (str(keys), str(numbers)), customers, sounds=sounds
        )
        if "by_ear" in data:
            sounds_by_ear, numbers_by_ear = data["by_ear"]
            matcher._misspelt.keep_by_ear((str(sounds_by_ear), str(numbers_by_ear)))
        matcher._police = {
            country: [
                Alias(matcher._customer(c), matcher._customer(c).name, "generic", "latin") for c in found
            ]
            for country, found in data["police"].items()
        }
        return matcher

    def _customer(self, number: int) -> WatchName:
        watch = self._customers[number]
        if isinstance(watch, str):
            watch = self._customers[number] = customer_of(watch)
        return watch

    def _alias_text(self, index: int) -> str:
        alias = self._aliases[index]
        return alias_text_of(alias) if isinstance(alias, str) else alias.text

    def _alias(self, index: int) -> Alias:
        alias = self._aliases[index]
        if isinstance(alias, str):  # restored from a kept matcher, read on first use
            number, text, shape, script = alias_fields(alias)
            alias = self._aliases[index] = Alias(self._customer(number), text, shape, script)
        return alias

    def _judge(
        self,
        hits: list[tuple[Hit, int, int, str]],
        folded: Folded,
        countries: list[CountryMention],
        terms: lexicon.Terms,
    ) -> Iterator[tuple[Hit, int, int, dict[str, float], list[str]]]:
        window = parameters().context_window
        named: dict[int, list[tuple[int, int, str]]] = {}
        for hit, *_ in hits:
            if hit.alias.shape == "name" and hit.form != "country-police":
                spot = (hit.view_start, hit.view_end, hit.alias.text)
                named.setdefault(hit.alias.customer.customer_id, []).append(spot)
        for hit, start, end, written in hits:
            found, reasons = features(hit, folded, countries, start, end, written)
            near = {c for c, _, _ in terms.near(hit.view_start, hit.view_end, window)}
            if near & _SECURITY:
                found["context:security"] = 1.0
            if "business" in near:
                found["context:business"] = 1.0
            others = [
                text
                for start, end, text in named.get(hit.alias.customer.customer_id, ())
                if end <= hit.view_start or start >= hit.view_end
            ]
            if others:
                found["other-alias"] = 1.0  # named elsewhere in the text too
                reasons.append(f'also named as "{others[0]}"')
            yield hit, start, end, found, reasons

    def _hits(self, text: str) -> Iterator[tuple[Hit, int, int, dict[str, float], list[str]]]:
        if not self._aliases:
            return iter(())
        folded = fold_text(text)
        view = folded.view
        found: list[tuple[Alias, str, int, int]] = []
        police_words: list[tuple[int, int]] = []
        triggers: list[int] = []
        payloads = self._payloads
        second = self._second
        for view_end, number in self._automaton.iter(view):
            payload = payloads[number]
            if isinstance(payload, str):  # restored from a kept matcher, read on first use
                payload = payloads[number] = payload_of(payload)
            length, padded, stem, entries = payload
            view_start = view_end - length + 2 if padded else view_end - length + 1
            stop = view_end if padded and not stem else view_end + 1
            if stem:
                word_end = view.find(" ", view_end + 1)
            for index, form in entries:
                if index == _POLICE_WORD:
                    police_words.append((view_start, word_end if stem else stop))
                elif index == _STEM_TRIGGER:
                    # At the key that is the word's stem, once per first stem the word begins with.
                    word = view[view_start : word_end if stem else stop]
                    first_stem = word_stem(word)
                    if len(first_stem) == (view_end + 1 if stem else stop) - view_start:
                        # `_stemmed_hits`' first test, made here: most triggers are ordinary words.
                        stems = next_word_stems(view, view_start + len(word), view_start + 40 * self._longest)
                        if not second.get(first_stem, set()).isdisjoint(stems):
                            whole = len(word) in (4, 5) and word in second  # "anal" is "ana"'s and its own
                            triggers += [view_start] * (self._begun[first_stem] + whole)
                elif form == "suffixed":
                    if 0 < word_end - stop <= _MAX_SUFFIX:
                        found.append((self._alias(index), form, view_start, word_end))
                else:
                    found.append((self._alias(index), form, view_start, stop))
        taken = {view_start for _, _, view_start, _ in found}
        found += [
            (self._alias(n), "misspelt", low, high)
            for n, low, high in self._misspelt.find(text, folded, taken)
        ]
        found += [
            (self._alias(n), "translit", low, high)
            for n, low, high in self._sounds.find(view)
            if low not in taken
        ]
        if triggers:
            # An inflected name is looked for only where no name was found as written.
            exact = {view_start for _, _, view_start, _ in found}
            for view_start in triggers:
                if view_start not in exact:
                    found += self._stemmed_hits(view, view_start)
        hits: list[tuple[Hit, int, int, str]] = []
        for alias, form, view_start, stop in found:
            start, end = folded.span(view_start, stop)
            written = written_as(alias, text[start:end])
            if (alias.shape, written) not in HOPELESS:
                hits.append((Hit(alias, form, view_start, stop), start, end, written))
        if not hits and not police_words:
            return iter(())
        countries = country_mentions(folded)
        if police_words:
            named = [(h.view_start, h.view_end) for h, *_ in hits]
            hits += police_hits(self._police, folded, police_words, countries, named)
        if not hits:
            return iter(())
        return self._judge(hits, folded, countries, lexicon.all_terms(view))

    def _stemmed_hits(self, view: str, view_start: int) -> list[tuple[Alias, str, int, int]]:
        """Aliases whose words begin the words at `view_start` (inflected: "Centralnego Biura ...").

        Words are read up to the first punctuation (two spaces in the view): a name never spans one.
        """
        words = view[view_start : view_start + 40 * self._longest].split(" ", self._longest)[: self._longest]
        if len(words) < 2 or self._second.get(word_stem(words[0]), set()).isdisjoint(word_stems(words[1])):
            return []
        found = []
        stems: list[str] = []
        end = view_start - 1
        for count, word in enumerate(words, start=1):
            if not word:
                break
            stems.append(word_stem(word))
            end += len(word) + 1
            if count >= 2:
                keys = {" ".join([*stems[:-1], last]) for last in word_stems(word)}
                for index in (index for key in keys for index in self._stemmed.get(key, ())):
                    if " ".join(words[:count]) != fold_key(self._alias(index).text):
                        found.append((self._alias(index), "stemmed", view_start, end))
        return found

    def scan(self, text: str) -> list[Mention]:
        """Best mention per customer in a plain text (title + newline + body), most confident first."""
        model = parameters().mention
        best: dict[int, Mention] = {}
        for hit, start, end, found, reasons in self._hits(text):
            confidence = round(model.probability(found), 3)
            customer_id = hit.alias.customer.customer_id
            current = best.get(customer_id)
            if confidence < model.threshold:
                continue
            if current is not None and start <= current.start and current.end <= end:
                # The fuller name at the same place ("Corvane Systems" over "Corvane") is what matched.
                confidence = max(confidence, current.confidence)
            elif current is not None and (current.start <= start and end <= current.end):
                best[customer_id] = replace(current, confidence=max(confidence, current.confidence))
                continue
            if current is None or (confidence, -start) >= (current.confidence, -current.start):
                best[customer_id] = Mention(
                    customer_id,
                    text[start:end],
                    start,
                    end,
                    confidence,
                    tuple(reasons),
                    snippet(text, start, end),
                    tuple(sorted(found)),
                )
        return sorted(best.values(), key=lambda m: (-m.confidence, m.start))

    def candidates(self, text: str) -> list[tuple[int, dict[str, float]]]:
        """Every hit with its named features, whatever its confidence: (customer id, features)."""
        return [(hit.alias.customer.customer_id, found) for hit, _, _, found, _ in self._hits(text)]

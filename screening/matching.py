"""Score a customer against a listed party: names token by token (rapidfuzz), country as a feature.

Candidates come from a blocking index over the customers' distinctive keys, so a full run costs one pass
over the list entities, not customers x entities.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rigour.text import ascii_text

from screening.alignment import Comparison, compare_names, name_similarity
from screening.name_keys import STRONG, index_slots, probe_keys
from screening.names import NameForm, analyse, token_weight
from screening.places import listed_place_elsewhere, named_countries, other_place
from screening.similarity import SHORT_TOKEN
from screening.words import GENERIC_WORDS, TRADE_DESCRIPTORS

# Chosen on the train and dev splits of tests/screening/quality/ (pairs.csv and the nine former blind sets)
# with scripts/eval_screening --sweep: of the thresholds whose precision reaches 0.95, the one of the best
# recall.
THRESHOLD = 0.81
SAME_COUNTRY_BONUS = 0.04
OTHER_COUNTRY_PENALTY = 0.25
NAMESAKE_PENALTY = 0.25
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
        elif any(len(words.split()) >= 2 for words in _BRACKETED.findall(name)):
            # Words in brackets often say more of a body than its name ("SANAM Electronics Co. (Shahid
            # Shahabady Industrial Complex)"): the name without them is a name of its own.
            out.append(" ".join(_BRACKETED.sub(" ", name).split()))
    return out


_BRACKETED = re.compile(r"\(([^()]*)\)")


ACRONYM_LENGTH = 8


@dataclass(frozen=True)
class Match:
    score: float
    name: str  # the customer's name that matched
    entity_name: str  # the listed name it matched
    reasons: tuple[str, ...] = field(default_factory=tuple)


KOREAS = frozenset({"KP", "KR"})


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
    comparison = compare_names(query, result, person=entity.person, korean=korean)
    similarity = comparison.similarity
    reasons = [f'"{query.original}" ~ listed name "{result.original}" (name similarity {similarity:.2f})']
    reasons += comparison.notes
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
    if not entity.person:
        elsewhere = other_place(comparison.customer_only, customer.countries, entity.names, entity.countries)
        elsewhere |= listed_place_elsewhere(comparison.listed_only, query, customer.countries)
        if elsewhere:
            value -= OTHER_COUNTRY_PENALTY
            reasons.append("the names place the bodies in other countries: " + ", ".join(sorted(elsewhere)))
    if entity.person:
        reasons.append("listed as a person")
    namesake = _namesake(
        comparison,
        result,
        entity,
        shared_country=bool(customer.countries & (entity.countries | named_countries(entity.names))),
    )
    if namesake:
        value -= NAMESAKE_PENALTY
        reasons.append(namesake)
    value = round(max(0.0, min(1.0, value)), 3)
    return Match(value, query.original, result.original, tuple(reasons))


SHORT_NAME = 1  # word


def _namesake(comparison: Comparison, listed: NameForm, entity: Party, *, shared_country: bool) -> str:
    """Why the customer may be a namesake the names alone cannot tell apart (empty if not): a listed person
    with no country met by fewer of its names (no patronymic), a listed name of common words only with no
    country in common ("Digital Security"), or a short listed name with no country that the customer's name
    adds a line of business to ("MAK Technologies" against "MAK")."""
    if entity.person:
        if not entity.countries and comparison.listed_only:
            return "no country and not all the listed names to tell a namesake apart"
        return ""
    # Words as the list writes them apart: one word cut into common ones ("SOUTHFRONT") is a name of its own.
    written_apart = len(listed.original.split()) >= len(listed.tokens)
    if not shared_country and written_apart and all(t in GENERIC_WORDS for t in listed.tokens):
        return "a listed name of common words only, with no country in common"
    added = [t for t in comparison.customer_only if t in TRADE_DESCRIPTORS]
    if not entity.countries and added and len(listed.tokens) <= SHORT_NAME:
        return "a short listed name with no country, and the customer's name adds: " + ", ".join(added)
    return ""


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

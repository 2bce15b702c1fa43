"""Score a customer against a listed party: names token by token (rapidfuzz), country as a feature.

Candidates come from a blocking index over the customers' distinctive keys, so a full run costs one pass
over the list entities, not customers x entities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rigour.text import metaphone

from screening.names import (
    GENERIC_WORDS,
    KIND_WORDS,
    STRONG,
    NameForm,
    abbreviations,
    analyse,
    index_slots,
    probe_keys,
    short_form,
    skeleton,
    token_weight,
)

# Chosen on the train and dev splits of tests/screening/quality/pairs.csv (scripts/eval_screening).
THRESHOLD = 0.80
TOKEN_MIN = 0.78
ABBREVIATION_SCORE = 0.86
SAME_COUNTRY_BONUS = 0.04
OTHER_COUNTRY_PENALTY = 0.25
OTHER_KIND_PENALTY = 0.2
PERSON_EXTRA_WEIGHT = 0.3
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
        for name in names:
            form = analyse(name, person=person)
            if form is not None and form.tokens not in forms:
                forms[form.tokens] = form
        return cls(tuple(forms.values()), frozenset(c.upper() for c in countries if c), person)


@dataclass(frozen=True)
class Match:
    score: float
    name: str  # the customer's name that matched
    entity_name: str  # the listed name it matched
    reasons: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1 << 18)
def token_similarity(left: str, right: str) -> float:
    if left == right:
        return 1.0
    if left in GENERIC_WORDS and right in GENERIC_WORDS:
        return 0.0  # common words are spelled out the same way (synonyms are folded before)
    long_enough = len(left) >= 4 and len(right) >= 4
    ratio = fuzz.ratio(left, right) / 100.0
    if long_enough:
        ratio = max(ratio, 0.95 * fuzz.ratio(skeleton(left), skeleton(right)) / 100.0)
        if ratio < 0.9 and left[0] == right[0] and metaphone(left) == metaphone(right):
            ratio = 0.9
    return ratio


def _join_compounds(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """'hik vision' against 'hikvision': two neighbouring words written as one on the other side."""
    if len(tokens) < 2:
        return tokens
    joined = set(other)
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if index + 1 < len(tokens) and tokens[index] + tokens[index + 1] in joined:
            out.append(tokens[index] + tokens[index + 1])
            index += 2
        else:
            out.append(tokens[index])
            index += 1
    return tuple(out)


@dataclass
class _Alignment:
    score: float
    query: tuple[str, ...]
    result: tuple[str, ...]
    pairs: list[tuple[int, int]]  # aligned (query index, result index)

    def explain(self) -> list[str]:
        query, result = self.query, self.result
        used_q = {i for i, _ in self.pairs}
        used_r = {j for _, j in self.pairs}
        notes = []
        if [j for _, j in sorted(self.pairs)] != sorted(j for _, j in self.pairs):
            notes.append("same words in another order")
        fuzzy = [(query[i], result[j]) for i, j in self.pairs if query[i] != result[j]]
        if fuzzy:
            notes.append("spelled differently: " + ", ".join(f"{a} ~ {b}" for a, b in fuzzy[:4]))
        unmatched = [t for i, t in enumerate(query) if i not in used_q]
        unmatched += [t for j, t in enumerate(result) if j not in used_r]
        if unmatched:
            notes.append("words on one side only: " + ", ".join(unmatched[:6]))
        conflict = self.kind_conflict()
        if conflict:
            notes.append(f"different kinds of body: {', '.join(conflict[0])} / {', '.join(conflict[1])}")
        return notes

    def kind_conflict(self) -> tuple[list[str], list[str]] | None:
        used_q = {i for i, _ in self.pairs}
        used_r = {j for _, j in self.pairs}
        kinds_q = sorted({t for i, t in enumerate(self.query) if i not in used_q and t in KIND_WORDS})
        kinds_r = sorted({t for j, t in enumerate(self.result) if j not in used_r and t in KIND_WORDS})
        return (kinds_q, kinds_r) if kinds_q and kinds_r else None


def _weight(tokens: tuple[str, ...], indexes: Iterable[int] | None = None) -> float:
    total = 0.0
    for index in range(len(tokens)) if indexes is None else indexes:
        total += token_weight(tokens[index])
    return total


def _align(query: tuple[str, ...], result: tuple[str, ...], *, person: bool = False) -> _Alignment:
    query = _join_compounds(query, result)
    result = _join_compounds(result, query)
    candidates = []
    for i, left in enumerate(query):
        for j, right in enumerate(result):
            similarity = token_similarity(left, right)
            if similarity >= TOKEN_MIN:
                candidates.append((similarity, max(token_weight(left), token_weight(right)), i, j))
    candidates.sort(reverse=True)
    used_q: dict[int, float] = {}
    used_r: dict[int, float] = {}
    pairs: list[tuple[int, int]] = []
    for similarity, _, i, j in candidates:
        if i in used_q or j in used_r:
            continue
        used_q[i], used_r[j] = similarity, similarity
        pairs.append((i, j))
    weight_q, weight_r = _weight(query), _weight(result)
    if person and len(used_q) == len(query):
        # The customer gave fewer of the person's names (no middle name or patronymic): count them less.
        extra = [j for j in range(len(result)) if j not in used_r]
        weight_r -= _weight(result, extra) * (1 - PERSON_EXTRA_WEIGHT)
    matched_q = sum(token_weight(query[i]) * s for i, s in used_q.items())
    matched_r = sum(token_weight(result[j]) * s for j, s in used_r.items())
    if not weight_q or not weight_r:
        coverage = 0.0
    elif all(t in GENERIC_WORDS for t in query) and all(t in GENERIC_WORDS for t in result):
        # Names made only of common words ("China Electronics Corporation") match only word for word.
        coverage = min(matched_q / weight_q, matched_r / weight_r)
    else:
        coverage = (matched_q / weight_q + matched_r / weight_r) / 2
        if not any(query[i] not in GENERIC_WORDS for i in used_q):
            coverage = min(coverage, 0.5)  # only common words in common ("Digital Technology Group")
    alignment = _Alignment(coverage, query, result, pairs)
    if alignment.kind_conflict():
        alignment.score = max(0.0, coverage - OTHER_KIND_PENALTY)
    return alignment


def _abbreviation(short: NameForm, long: NameForm) -> bool:
    token = short_form(short.tokens)
    if token is None or len(long.tokens) < 2 or token in long.tokens:
        return False
    return token in abbreviations(long.tokens)


def name_similarity(query: NameForm, result: NameForm, *, person: bool = False) -> float:
    if _abbreviation(query, result) or _abbreviation(result, query):
        return ABBREVIATION_SCORE
    return _align(query.tokens, result.tokens, person=person).score


def compare_names(query: NameForm, result: NameForm, *, person: bool = False) -> tuple[float, list[str]]:
    """Similarity of two names (0..1) and what a person should know about how they matched."""
    if _abbreviation(query, result) or _abbreviation(result, query):
        short, long = (query, result) if _abbreviation(query, result) else (result, query)
        return ABBREVIATION_SCORE, [f'abbreviation: "{short.original}" are the initials of "{long.original}"']
    alignment = _align(query.tokens, result.tokens, person=person)
    notes = alignment.explain()
    forms = sorted(set(query.legal_forms) | set(result.legal_forms))
    if forms:
        notes.append("legal forms set aside: " + ", ".join(forms))
    if not query.original.isascii() or not result.original.isascii():
        notes.append("compared in Latin transliteration")
    return alignment.score, notes


def score(customer: Party, entity: Party, threshold: float = 0.0) -> Match | None:
    """The best name pair, adjusted by country; None when no name pair is similar at all, or when the
    result cannot reach `threshold`."""
    best: tuple[float, NameForm, NameForm] | None = None
    for query in customer.names:
        for result in entity.names:
            similarity = name_similarity(query, result, person=entity.person)
            if best is None or similarity > best[0]:
                best = (similarity, query, result)
    if best is None or best[0] <= 0 or best[0] + SAME_COUNTRY_BONUS < threshold:
        return None
    _, query, result = best
    similarity, notes = compare_names(query, result, person=entity.person)
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
                weights = tuple(token_weight(t) for t in form.tokens)
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

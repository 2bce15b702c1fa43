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
    NameForm,
    analyse,
    blocking_keys,
    initials,
    selective_keys,
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
# A key shared by more names than this is too common to find candidates by (unless a name has no other).
MAX_POSTINGS = 400


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


_SKELETON = (
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "k"),
    ("ch", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("gi", "ji"),
    ("ge", "je"),
    ("w", "v"),
    ("y", "i"),
    ("z", "s"),
    ("q", "k"),
    ("c", "k"),
)


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A token with the usual differences of romanisation evened out ('teknolodzhiz', 'technologies')."""
    for old, new in _SKELETON:
        token = token.replace(old, new)
    out: list[str] = []
    for char in token:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out).rstrip("e") or token


def token_similarity(left: str, right: str) -> float:
    if left == right:
        return 1.0
    ratio = fuzz.ratio(left, right) / 100.0
    if len(left) >= 4 and len(right) >= 4:
        ratio = max(ratio, 0.95 * fuzz.ratio(skeleton(left), skeleton(right)) / 100.0)
    if len(left) >= 4 and len(right) >= 4 and left[0] == right[0] and metaphone(left) == metaphone(right):
        ratio = max(ratio, 0.9)
    return ratio


def _join_compounds(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """'hik vision' against 'hikvision': two neighbouring words written as one on the other side."""
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
    fuzzy: list[tuple[str, str]]
    unmatched: list[str]
    reordered: bool
    kind_conflict: tuple[list[str], list[str]] | None


def _align(query: tuple[str, ...], result: tuple[str, ...], *, person: bool = False) -> _Alignment:
    query = _join_compounds(query, result)
    result = _join_compounds(result, query)
    pairs = []
    for i, left in enumerate(query):
        for j, right in enumerate(result):
            similarity = token_similarity(left, right)
            if similarity >= TOKEN_MIN:
                pairs.append((similarity, max(token_weight(left), token_weight(right)), i, j))
    pairs.sort(reverse=True)
    used_q: dict[int, float] = {}
    used_r: dict[int, float] = {}
    order: list[tuple[int, int]] = []
    for similarity, _, i, j in pairs:
        if i in used_q or j in used_r:
            continue
        used_q[i], used_r[j] = similarity, similarity
        order.append((i, j))
    weight_q = sum(token_weight(t) for t in query)
    weight_r = sum(token_weight(t) for t in result)
    if person and len(used_q) == len(query):
        # The customer gave fewer of the person's names (no middle name or patronymic): count them less.
        weight_r -= sum(
            token_weight(t) * (1 - PERSON_EXTRA_WEIGHT) for j, t in enumerate(result) if j not in used_r
        )
    matched_q = sum(token_weight(query[i]) * s for i, s in used_q.items())
    matched_r = sum(token_weight(result[j]) * s for j, s in used_r.items())
    if not weight_q or not weight_r:
        coverage = 0.0
    elif all(t in GENERIC_WORDS for t in (*query, *result)):
        # Names made only of common words ("China Electronics Corporation") match only word for word.
        coverage = min(matched_q / weight_q, matched_r / weight_r)
    else:
        coverage = (matched_q / weight_q + matched_r / weight_r) / 2
        if not any(query[i] not in GENERIC_WORDS for i in used_q):
            coverage = min(coverage, 0.5)  # only common words in common ("Digital Technology Group")
    fuzzy = [(query[i], result[j]) for i, j in order if query[i] != result[j]]
    unmatched = [t for i, t in enumerate(query) if i not in used_q]
    unmatched += [t for j, t in enumerate(result) if j not in used_r]
    reordered = [j for _, j in sorted(order)] != sorted(j for _, j in order)
    kinds_q = {query[i] for i in range(len(query)) if i not in used_q and query[i] in KIND_WORDS}
    kinds_r = {result[j] for j in range(len(result)) if j not in used_r and result[j] in KIND_WORDS}
    conflict = (sorted(kinds_q), sorted(kinds_r)) if kinds_q and kinds_r else None
    return _Alignment(coverage, fuzzy, unmatched, reordered, conflict)


def _abbreviation(short: NameForm, long: NameForm) -> bool:
    if len(short.tokens) != 1 or len(long.tokens) < 2:
        return False
    token = short.tokens[0]
    if not 2 <= len(token) <= 6:
        return False
    tokens = long.tokens
    options = {initials(tokens), initials(tuple(t for t in tokens if t not in GENERIC_WORDS))}
    if tokens[-1] in GENERIC_WORDS:
        options.add(initials(tokens[:-1]))
    options.discard("")
    return token in options and len(token) >= 3


def compare_names(query: NameForm, result: NameForm, *, person: bool = False) -> tuple[float, list[str]]:
    """Similarity of two names (0..1) and what a person should know about how they matched."""
    if _abbreviation(query, result) or _abbreviation(result, query):
        short, long = (query, result) if len(query.tokens) == 1 else (result, query)
        return ABBREVIATION_SCORE, [f'abbreviation: "{short.original}" are the initials of "{long.original}"']
    alignment = _align(query.tokens, result.tokens, person=person)
    notes = []
    value = alignment.score
    if alignment.kind_conflict:
        value -= OTHER_KIND_PENALTY
        mine, theirs = alignment.kind_conflict
        notes.append(f"different kinds of body: {', '.join(mine)} / {', '.join(theirs)}")
    if alignment.reordered:
        notes.append("same words in another order")
    if alignment.fuzzy:
        spelled = ", ".join(f"{a} ~ {b}" for a, b in alignment.fuzzy[:4])
        notes.append(f"spelled differently: {spelled}")
    if alignment.unmatched:
        notes.append("words on one side only: " + ", ".join(alignment.unmatched[:6]))
    forms = sorted(set(query.legal_forms) | set(result.legal_forms))
    if forms:
        notes.append("legal forms set aside: " + ", ".join(forms))
    if not query.original.isascii() or not result.original.isascii():
        notes.append("compared in Latin transliteration")
    return max(0.0, value), notes


def score(customer: Party, entity: Party) -> Match | None:
    """The best name pair, adjusted by country; None when no name pair is similar at all."""
    best: tuple[float, NameForm, NameForm, list[str]] | None = None
    for query in customer.names:
        for result in entity.names:
            similarity, notes = compare_names(query, result, person=entity.person)
            if best is None or similarity > best[0]:
                best = (similarity, query, result, notes)
    if best is None or best[0] <= 0:
        return None
    similarity, query, result, notes = best
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
    """Customers' names under their distinctive blocking keys; common keys are left out."""

    def __init__(self, parties: dict[int, Party], max_postings: int = MAX_POSTINGS) -> None:
        self.parties = parties
        postings: dict[str, set[int]] = defaultdict(set)
        per_party: dict[int, set[str]] = {}
        for party_id, party in parties.items():
            keys: set[str] = set()
            for form in party.names:
                keys |= selective_keys(form)
            per_party[party_id] = keys
            for key in keys:
                postings[key].add(party_id)
        crowded = {key for key, ids in postings.items() if len(ids) > max_postings}
        self.postings = {key: ids for key, ids in postings.items() if key not in crowded}
        for party_id, keys in per_party.items():
            if keys and keys <= crowded:
                # Keep its least crowded key, so that every customer stays findable.
                keep = min(keys, key=lambda k: len(postings[k]))
                self.postings.setdefault(keep, set()).add(party_id)

    def candidates(self, keys: Iterable[str]) -> set[int]:
        found: set[int] = set()
        postings = self.postings
        for key in keys:
            ids = postings.get(key)
            if ids:
                found |= ids
        return found


def screen_entity(
    index: CustomerIndex, entity: Party, keys: Sequence[str], threshold: float = THRESHOLD
) -> list[tuple[int, Match]]:
    """The customers of the index that this listed party matches at or above the threshold."""
    hits = []
    for party_id in index.candidates(keys):
        match = score(index.parties[party_id], entity)
        if match is not None and match.score >= threshold:
            hits.append((party_id, match))
    return hits


def entity_keys(entity: Party) -> set[str]:
    keys: set[str] = set()
    for form in entity.names:
        keys |= blocking_keys(form)
    return keys

"""Words of one name across languages: Russian names read back from their German and French spellings, and
common words org_words.tsv gives one meaning."""

from __future__ import annotations

from screening.similarity import TOKEN_MIN, person_token_similarity, token_similarity
from screening.spelling import skeleton, western_readings


def western_similarity(left: str, right: str, *, person: bool) -> float:
    """Two words alike as written, or once either is read back from a German or French spelling of a
    Russian name ("Tschernyschow", "Chernyshov")."""
    compare = person_token_similarity if person else token_similarity
    best = compare(left, right)
    if best >= TOKEN_MIN or not (left.isalpha() and right.isalpha()) or len(left) < 4 or len(right) < 4:
        return best
    # Read back, the two must be one spelling but for the usual romanisation differences: a reading that
    # only comes close does so by chance.
    for reading in western_readings(left):
        if skeleton(reading) == skeleton(right):
            best = max(best, compare(reading, right))
    for reading in western_readings(right):
        if skeleton(reading) == skeleton(left):
            best = max(best, compare(left, reading))
    return best


def one_org_word(left: frozenset[str], right: frozenset[str]) -> bool:
    """Whether org_words.tsv gives two words one meaning (its meanings are marked "W"), other than a
    company's (a "company" and a "corporation" of one name are often two bodies)."""
    return any(symbol[0] == "W" and symbol not in _LOOSE_MEANINGS and symbol in right for symbol in left)


_LOOSE_MEANINGS = frozenset({"WCOMPANY", "WGROUP"})

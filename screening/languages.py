"""Words of one name across languages: Russian names read back from their German and French spellings,
cognates ("Solidarnost", "Solidarity"), and common words org_words.tsv gives one meaning."""

from __future__ import annotations

import re
from functools import lru_cache

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
    if (
        not person
        and best < COGNATE_SCORE
        and cognate_key(left) == cognate_key(right)
        and _cognates(left, right)
    ):
        return COGNATE_SCORE
    return best


COGNATE_SCORE = 0.85  # one word in two languages, its ending aside ("Solidarnost", "Solidarity")
COGNATE_STEM = 6
_COGNATE_FOLDS = (("tsi", "ti"), ("ts", "c"))
_ADJECTIVE_ENDING = re.compile(r"(?:n|sk)?(?:yy|iy|ii|oy|yi|y|i|aya|aja|oe|oye|ye|ogo|ykh|ikh)")


def _cognates(left: str, right: str) -> bool:
    """Whether two words share a long stem and differ only in short endings of their languages ("nost",
    "ity"), or one adds a Russian adjective's ending ("informatsionnoe", "information")."""
    if min(len(left), len(right)) < COGNATE_STEM + 1 or not (left.isalpha() and right.isalpha()):
        return False
    left, right = _cognate_spelling(left), _cognate_spelling(right)
    size = 0
    while size < min(len(left), len(right)) and left[size] == right[size]:
        size += 1
    if size < COGNATE_STEM or size < 0.6 * min(len(left), len(right)):
        return False
    return all(
        ending in _COGNATE_ENDINGS or _ADJECTIVE_ENDING.fullmatch(ending)
        for ending in (left[size:], right[size:])
    )


def _cognate_spelling(token: str) -> str:
    for old, new in _COGNATE_FOLDS:
        token = token.replace(old, new)
    return skeleton(token, endings=False)


@lru_cache(maxsize=1 << 17)
def cognate_key(token: str) -> str:
    """The stem two cognates share at least (a blocking key), empty for a word too short to have one."""
    if len(token) < COGNATE_STEM + 1 or not token.isalpha():
        return ""
    return _cognate_spelling(token)[:COGNATE_STEM]


# Endings of nouns of one stem in English, Russian, French and Spanish, as skeleton() writes them.
_COGNATE_ENDINGS = frozenset(
    "- nost ost iti ia iia ie ion ik ika ikal al e a o s es ism ismo isme ist iia".split()
) | {""}


def one_org_word(left: frozenset[str], right: frozenset[str]) -> bool:
    """Whether org_words.tsv gives two words one meaning (its meanings are marked "W"), other than a
    company's (a "company" and a "corporation" of one name are often two bodies)."""
    return any(symbol[0] == "W" and symbol not in _LOOSE_MEANINGS and symbol in right for symbol in left)


_LOOSE_MEANINGS = frozenset({"WCOMPANY", "WGROUP"})

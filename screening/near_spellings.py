"""Two bodies' names told apart by one letter of their own word ("Hamista", "Hanista"; "SingSMS", "SinSMS"):
when the only distinctive word the names do not write alike differs by one consonant that no romanisation
writes for another, it is another name, not another spelling."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from screening.similarity import spelling_variants
from screening.spelling import consonants, skeleton
from screening.words import GENERIC_WORDS

NEAR_SPELLING_PENALTY = 0.25
SHORTEST = 4  # shorter words and codes are compared letter for letter already (similarity.token_similarity)
_FOLDS = (("kh", "h"), ("cion", "tion"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("aa", "a"))


def _folded(word: str) -> str:
    """Russian "kh" for "h" ("Kholding"), Spanish "-cion" for "-tion", Persian long vowels written two ways
    ("Nirou", "Niroo"), Arabic "-ah" for "-a" ("Nusrah") evened out."""
    for old, new in _FOLDS:
        word = word.replace(old, new)
    return word.removesuffix("h")


def _alike(left: str, right: str) -> bool:
    return left == right or _folded(left) == _folded(right) or skeleton(left) == skeleton(right)


def respelt(left: str, right: str) -> bool:
    """Whether two words differ by one consonant put in, left out or changed, that the usual romanisations'
    differences do not explain ("hamista", "hanista"); not by vowels ("haven", "havin")."""
    if (
        _alike(left, right)
        or not (left.isalpha() and right.isalpha())
        or min(len(left), len(right)) < SHORTEST
    ):
        return False
    if spelling_variants(left, right):
        return False
    if consonants(_folded(left)) == consonants(_folded(right)):
        return False  # vowels: romanisations write them one for another ("Tarmina", "Tormina")
    return Levenshtein.distance(left, right) == 1


def other_spelling(
    query: tuple[str, ...], result: tuple[str, ...], pairs: list[tuple[int, int]], alphabetic: bool
) -> bool:
    """Whether two bodies' names both written in an alphabet (`alphabetic`: the listed one; the customer's
    is checked before), of whose paired words that are not common words of bodies' names all but one are
    written alike, and that one is respelt (see `respelt`)."""
    if not alphabetic:
        return False
    distinctive = [
        (query[i], result[j])
        for i, j in pairs
        if query[i] not in GENERIC_WORDS and result[j] not in GENERIC_WORDS
    ]
    differing = [(left, right) for left, right in distinctive if not _alike(left, right)]
    return len(differing) == 1 and respelt(*differing[0])

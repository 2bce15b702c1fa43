"""What a text says an acronym stands for: "Expansion (ACR)", "ACR (Expansion)", or the same acronym
spelled out elsewhere in the text. monitoring.judging uses it to tell the customer's acronym from another
body's.
"""

from __future__ import annotations

import re

from monitoring.text import fold_key, script_of

# Articles and prepositions, left out of initials and of the words compared.
STOPWORDS = frozenset(
    "the of and for de del la le les des du d l el los las y e et en a al da do dos das po i v pour para por"
    " und der die das fur".split()
)
_SPELLED_AFTER = re.compile(r"\s*\(([^()]{6,90})\)")


def spelled_out_as(text: str, start: int, end: int) -> str | None:
    """What the text says an acronym stands for: "(Expansion)" after it, or "Expansion (" before it."""
    acronym = text[start:end]
    after = _SPELLED_AFTER.match(text, end)
    if after is not None:
        return after.group(1) if expands(acronym, after.group(1)) else None
    if text[max(0, start - 1) : start] == "(" and text[end : end + 1] == ")":
        window = text[max(0, start - 91) : start - 1]
        clause = re.split(r"[.;:!?\n,]", window)[-1]
        if len(clause.strip()) < 6:
            return None
        words = clause.split()
        for first in range(len(words)):  # the shortest tail of the clause that the acronym abbreviates
            tail = " ".join(words[first:])
            if expands(acronym, tail) and initials(tail)[:1] == fold_key(acronym)[:1]:
                return tail
        return None
    return None


def spelled_elsewhere(text: str, acronym: str, start: int) -> str | None:
    """What the text says the same acronym stands for where it spells it out (a headline's "FSB" is
    the "Financial Stability Board (FSB)" of the body)."""
    # What re.finditer(r"(?<!\w)ACRONYM(?!\w)") finds, with str.find (a regex starting with a
    # lookbehind tries every position of the text).
    if not acronym:
        return None
    size = len(acronym)
    found = text.find(acronym) if size else -1
    while found != -1:
        end = found + size
        alone_before = found == 0 or not _word_char(text[found - 1])
        if alone_before and (end == len(text) or not _word_char(text[end])):
            if found != start:
                spelled = spelled_out_as(text, found, end)
                if spelled is not None:
                    return spelled
            found = text.find(acronym, end)
        else:
            found = text.find(acronym, found + 1)
    return _capitalised_expansion(text, acronym)


# A run of capitalised words, with articles and prepositions between them ("Financial Stability Board").
_CAPITALISED_RUN = re.compile(r"[A-Z][\w-]*(?:\s+(?:(?:of|and|for|de|del|la|des|du|y|et)\s+)?[A-Z][\w-]*)+")


def _capitalised_expansion(text: str, acronym: str) -> str | None:
    """A capitalised name anywhere in the text whose initials are the acronym's letters, one by one
    ("Il Financial Stability Board chiede ... la lettera dell'FSB")."""
    letters = fold_key(acronym).replace(" ", "")
    if len(letters) < 3 or not acronym.isascii():
        return None
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group().split()
        for first in (n for n, word in enumerate(words) if fold_key(word) not in STOPWORDS):
            for last in range(first + 1, len(words) + 1):
                phrase = " ".join(words[first:last])
                if initials(phrase) == letters and words[last - 1][:1].isupper():
                    return phrase
    return None


def _word_char(char: str) -> bool:
    """What the regex \\w matches in a text (str patterns: letters, digits and the underscore)."""
    return char.isalnum() or char == "_"


def initials(phrase: str) -> str:
    """The first letters of a phrase's words, leaving out articles and prepositions."""
    return "".join(w[0] for w in fold_key(phrase).split() if w not in STOPWORDS)


def expands(acronym: str, phrase: str) -> bool:
    """Whether a phrase can be what an acronym stands for: its letters in order among the initials.

    A phrase in another script than the acronym cannot be compared and is taken as an expansion.
    """
    letters = fold_key(acronym).replace(" ", "")
    if script_of(phrase) != script_of(acronym):
        return True
    letters_in_order = iter(initials(phrase) + "".join(fold_key(phrase).split()))
    in_order = all(c in letters_in_order for c in letters)
    return len(letters) >= 2 and in_order and initials(phrase)[:1] == letters[:1]

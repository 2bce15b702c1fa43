"""Inflected forms of names, per language: "Oroszországban" is Oroszország, "Rosji" is Rosja, "Τουρκίας" is
Τουρκία, "পাকিস্তানের" is পাকিস্তান, but "szám" is not Szamoa nor "liberdade" Libéria.

Two sources, either of which may say yes:
- the language's ending table, `[inflection] endings` in monitoring/lexicon/<lang>.toml (case endings,
  postpositions, adjective suffixes, written as the language writes them and folded like the text): a
  word is the base, or the base less one final vowel (Rosja -> Rosj-i), followed by one ending;
- the language's Snowball stemmer (PyStemmer), for the languages Snowball has: the word and the base
  stem alike ("Romániában" and "Románia" both to "roman").

Everything here works on folded words (monitoring.text.fold), as the matcher's view holds them.
"""

from __future__ import annotations

from functools import cache, lru_cache

from monitoring import lexicon
from monitoring.text import fold

# ISO 639-1 -> Snowball algorithm (PyStemmer). Languages without one rely on their ending table.
_SNOWBALL = {
    "ar": "arabic",
    "de": "german",
    "el": "greek",
    "es": "spanish",
    "fr": "french",
    "hr": "serbian",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "pl": "polish",
    "pt": "portuguese",
    "ru": "russian",
    "sr": "serbian",
    "tr": "turkish",
}
# Languages close enough that one's endings read right in another's text (a Ukrainian name in a text the
# stopwords take for Russian, a Serbian one in a Croatian text).
_KIN = (frozenset("ru uk kk".split()), frozenset("sr hr".split()))
_VOWELS = frozenset("aeiouyαεηιουω")
_MIN_STEM = 4  # letters a Snowball stem must keep to count: shorter stems say nothing


def _folded(language: str, field: str) -> tuple[str, ...]:
    spec = lexicon.languages().get(language, {}).get("inflection", {}).get(field, "")
    return tuple(sorted({fold(e) for e in spec.split() if fold(e)}, key=len, reverse=True))


@cache
def endings(language: str) -> tuple[str, ...]:
    """The folded endings of a language's `[inflection]` table, longest first (empty if it has none)."""
    return _folded(language, "endings")


@cache
def drops(language: str) -> tuple[str, ...]:
    """What a name may lose before an ending (`[inflection] drop`: "ος" of Κύπρος, "ka" of Polska)."""
    return _folded(language, "drop")


def kin(text_language: str | None, language: str) -> bool:
    """Whether `language`'s endings apply in a text of `text_language` (None: not known, so they may)."""
    if not text_language or text_language == language:
        return True
    return any(text_language in group and language in group for group in _KIN)


def inflecting_languages() -> tuple[str, ...]:
    """Languages with an ending table."""
    return tuple(code for code in lexicon.languages() if endings(code))


@cache
def _stemmer(language: str):  # type: ignore[no-untyped-def]
    algorithm = _SNOWBALL.get(language)
    if algorithm is None:
        return None
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer(algorithm)


@lru_cache(maxsize=65_536)
def stem(language: str, word: str) -> str | None:
    """The Snowball stem of a folded word, or None for a language Snowball lacks."""
    stemmer = _stemmer(language)
    if stemmer is None:
        return None
    if language == "el" and word.endswith("σ"):
        word = word[:-1] + "ς"  # the fold writes every sigma as σ; the Greek stemmer wants a final ς
    return str(stemmer.stemWord(word))


def _by_table(language: str, word: str, base: str) -> bool:
    for ending in endings(language):
        if not word.endswith(ending):
            continue
        head = word[: len(word) - len(ending)]
        if head == base:
            return True
        if len(head) < 4 or not base.startswith(head):
            continue
        dropped = base[len(head) :]
        if drops(language):
            if dropped in drops(language):
                return True
        # By default the base less its final vowel, or a transliteration's vowel pair (Rossi-ya, Ukrayin-a).
        elif len(base) >= 5 and len(dropped) <= 2 and all(c in _VOWELS for c in dropped):
            return True
    return False


def inflects(language: str, word: str, base: str) -> bool:
    """Whether the folded `word` is a form of the folded one-word name `base` in `language`."""
    if word == base:
        return True
    if len(word) < len(base) - 1 or " " in word:
        return False
    if _by_table(language, word, base):
        return True
    root = stem(language, base)
    return root is not None and len(root) >= _MIN_STEM and stem(language, word) == root


def word_stem(word: str) -> str:
    """The start of a word that its inflected forms share (Biuro/Biura, Служба/Службы)."""
    return word if len(word) <= 3 else word[: min(5, len(word) - 1)]


def word_stems(word: str) -> tuple[str, ...]:
    """A text word's stems: its own, and a five-letter name word's (gárdához of gárda: "gárd")."""
    return (word_stem(word), word[:4]) if len(word) > 5 else (word_stem(word),)


def next_word_stems(view: str, end: int, limit: int) -> tuple[str, ...]:
    """The stems of the word after the space at view[end], as far as view[:limit] holds it (none if that
    space is past the limit): what the matcher compares with a stemmed name's second word."""
    if end >= limit:
        return ()
    after = view.find(" ", end + 1, limit)
    return word_stems(view[end + 1 : limit if after == -1 else after])

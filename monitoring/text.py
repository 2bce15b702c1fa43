"""Plain text from HTML, and text folded for matching with offsets back to the original."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

__all__ = ["Folded", "fold", "fold_key", "fold_text", "html_to_text", "transliterate"]

_DROPPED = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<(script|style|noscript|template|iframe|object|svg|math)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.S | re.I,
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|thead|tbody|tfoot|section|article|aside"
    r"|header|footer|nav|blockquote|pre|figure|figcaption|caption|address|main|form|fieldset|legend"
    r"|details|summary|title|option)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"</?[A-Za-z!?][^>]*>")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[^\S\n]*\n\s*(?=([^\W\d_]))")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" ?\n[\s]*")


def _dehyphenate(text: str) -> str:
    # A word hyphenated at a line end joins up again; a hyphenated compound keeps its hyphen.
    return _HYPHEN_BREAK.sub(lambda m: "" if m.group(1).islower() else "-", text)


def html_to_text(markup: str) -> str:
    """Readable plain text of an HTML fragment: tags stripped, entities decoded, whitespace normalised."""
    text = _DROPPED.sub(" ", markup)
    if "-" in text:
        text = _dehyphenate(text)
    if "<" in text:
        # In markup a line break is only a space; blocks and <br> make the lines.
        text = _SPACES.sub(" ", text.replace("\n", " "))
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.translate(_INVISIBLE)
    if "-" in text:
        text = _dehyphenate(text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


# Cyrillic and Arabic letters to Latin, one common scheme each (BGN/PCGN-like, unvowelled Arabic).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџѕѓќ",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g u dj j lj nj c"
        " dz dz g k".split(),
        strict=True,
    )
)
_ARABIC = dict(
    zip(
        "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژکگیٱ",
        "_ a a w a y a b h t th j h kh d dh r z s sh s d t z _ gh f q k l m n h w y y p ch zh"
        " k g y a".split(),
        strict=True,
    )
)
_SCRIPTS = {k: v.replace("_", "") for k, v in (_CYRILLIC | _ARABIC).items()}
_SCRIPTS |= {chr(0x660 + d): str(d) for d in range(10)} | {chr(0x6F0 + d): str(d) for d in range(10)}
_SCRIPTS |= {"ı": "i", "ł": "l", "đ": "d", "ð": "d", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th", "ħ": "h"}
_TABLE_RANGES = ((0, 0x3040), (0xA640, 0xA800), (0xFB00, 0xFFF0))


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if not all(c in _SCRIPTS for c in folded):
        folded = unicodedata.normalize("NFKD", folded).casefold()
    out = []
    for c in folded:
        if c in _SCRIPTS:
            out.append(_SCRIPTS[c])
        elif unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Cf"):
            continue
        else:
            out.append(c if c.isalnum() else " ")
    return "".join(out)


def _build_table() -> tuple[dict[int, str], dict[str, int]]:
    table: dict[int, str] = {}
    widths: dict[str, int] = {}
    for low, high in _TABLE_RANGES:
        for code in range(low, high):
            char = chr(code)
            folded = _fold_char(char)
            if folded != char:
                table[code] = folded
            if len(folded) != 1:
                widths[char] = len(folded)
    return table, widths


_TABLE, _WIDTHS = _build_table()
_CHUNK = 256


class Folded:
    """Text folded for matching (case, accents, script, punctuation), padded with one space each side.

    `view` has one space where the original has any non-alphanumeric character, so a key written
    " name " matches whole words only. `span()` maps view offsets back to the original text.
    """

    __slots__ = ("original", "view", "_identity", "_ends")

    def __init__(self, original: str) -> None:
        self.original = original
        folded = original.translate(_TABLE)
        self.view = f" {folded} "
        self._identity = len(folded) == len(original) and (
            original.isascii() or not any(c in _WIDTHS for c in set(original))
        )
        self._ends: list[int] | None = None

    def _chunk_ends(self) -> list[int]:
        if self._ends is None:
            text = self.original
            self._ends = list(
                accumulate(len(text[i : i + _CHUNK].translate(_TABLE)) for i in range(0, len(text), _CHUNK))
            )
        return self._ends

    def _original_index(self, pos: int) -> int:
        """Index of the original character that produced folded (unpadded) position `pos`."""
        ends = self._chunk_ends()
        chunk = bisect_right(ends, pos)
        index = chunk * _CHUNK
        at = ends[chunk - 1] if chunk else 0
        for char in self.original[index : index + _CHUNK]:
            at += _WIDTHS.get(char, 1)
            if at > pos:
                return index
            index += 1
        return len(self.original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the view slice [start, end) (view offsets include the padding)."""
        start, end = max(start - 1, 0), min(end - 1, len(self.view) - 2)
        if self._identity:
            return start, end
        if end <= start:
            index = self._original_index(start)
            return index, index
        return self._original_index(start), self._original_index(end - 1) + 1

    def view_offset(self, original_pos: int) -> int:
        """View offset (padding included) of an original offset."""
        if self._identity:
            return original_pos + 1
        chunk, rest = divmod(original_pos, _CHUNK)
        ends = self._chunk_ends()
        base = ends[chunk - 1] if chunk and chunk <= len(ends) else (ends[-1] if chunk else 0)
        head = self.original[chunk * _CHUNK : chunk * _CHUNK + rest]
        return base + len(head.translate(_TABLE)) + 1


@lru_cache(maxsize=8)
def fold_text(text: str) -> Folded:
    """Folded view of a text; cached so the matcher and the risk scorer fold a text once."""
    return Folded(text)


def fold(text: str) -> str:
    """Fold a short string (an alias, a lexicon term) to the form keys take: words joined by one space."""
    return " ".join(text.translate(_TABLE).split())


def fold_key(text: str) -> str:
    """Fold a name as the text view would show it: punctuation stays a space of its own ("u s  army")."""
    return " ".join(text.split()).translate(_TABLE).strip()


def transliterate(text: str) -> str:
    """Latin transliteration of Cyrillic and Arabic letters, keeping case and everything else."""
    out = []
    for char in text:
        low = char.lower()
        latin = _SCRIPTS.get(low) if low in _CYRILLIC or low in _ARABIC else None
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char != low else latin)
    return "".join(out)

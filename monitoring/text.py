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
_HYPHEN_BREAK = re.compile(r"-[^\S\n]*\n\s*(?=([^\W\d_]))")
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"


def _dehyphenate(text: str) -> str:
    # A word hyphenated at a line end joins up again; a hyphenated compound keeps its hyphen.
    def join(match: re.Match[str]) -> str:
        start = match.start()
        if start == 0 or not text[start - 1].isalpha():
            return match.group(0)
        return "" if match.group(1).islower() else "-"

    return _HYPHEN_BREAK.sub(join, text) if _HYPHEN_BREAK.search(text) else text


def html_to_text(markup: str) -> str:
    """Readable plain text of an HTML fragment: tags stripped, entities decoded, whitespace normalised.

    Linear in the size of the markup whatever its shape. An HTML5 parser was tried instead (Lexbor,
    through selectolax: same text on every corpus entry) and left out: it takes quadratic time on deep
    nesting (20,000 nested <div> 2.9 s, 200,000 over two minutes), which a hostile feed could use.
    """
    text = _dehyphenate(_DROPPED.sub(" ", markup))
    if "<" in text:
        # In markup a line break is only a space; blocks and <br> make the lines.
        text = _TAG.sub("", _BLOCK_TAG.sub("\n", text.replace("\n", " ")))
    if "&" in text:
        text = html.unescape(text)
    for char in _INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    text = _dehyphenate(text)
    # Each line's words joined by one space, empty lines left out (map and filter: no Python frame per line).
    return "\n".join(filter(None, map(" ".join, map(str.split, text.split("\n")))))


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
_BMP = 0x10000
_CJK_RANGE = (0x3400, 0xA000)
_INDIC = (0x0900, 0x0DFF)


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if not all(c in _SCRIPTS for c in folded):
        folded = unicodedata.normalize("NFKD", folded).casefold()
    out = []
    for c in folded:
        if c in _SCRIPTS:
            out.append(_SCRIPTS[c])
        elif _INDIC[0] <= ord(c) <= _INDIC[1] and unicodedata.category(c) in ("Mn", "Mc"):
            out.append(c)  # vowel signs and viramas of Bengali, Hindi...: letters of their word, not accents
        elif unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Cf"):
            continue
        else:
            out.append(c if c.isalnum() else " ")
    return "".join(out)


def _simplified_chinese() -> dict[int, str]:
    """Traditional -> Simplified for single characters (OpenCC's t2s tables)."""
    import opencc

    chars = [chr(code) for code in range(*_CJK_RANGE)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        return {}
    return {ord(a): b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


def _build_table() -> tuple[list[str], dict[str, int], bytes, re.Pattern[str]]:
    # A list, not a dict: str.translate looks every character up, and a list index is the fastest
    # lookup; characters past its end (astral planes) raise IndexError and stay as they are.
    table = [chr(code) for code in range(_BMP)]
    widths: dict[str, int] = {}
    for low, high in _TABLE_RANGES:
        for code in range(low, high):
            char = chr(code)
            table[code] = folded = _fold_char(char)
            if len(folded) != 1:
                widths[char] = len(folded)
    for code, simplified in _simplified_chinese().items():
        table[code] = simplified  # Traditional Chinese characters fold to their Simplified form
    # Latin-1 text whose characters all fold to one ASCII character goes through bytes.translate.
    latin1 = bytearray(range(256))
    slow = []
    for code in range(256):
        folded = table[code]
        if len(folded) == 1 and folded.isascii():
            latin1[code] = ord(folded)
        else:
            slow.append(re.escape(chr(code)))
    return table, widths, bytes(latin1), re.compile("[" + "".join(slow) + "\u0100-\U0010ffff]")


_TABLE, _WIDTHS, _LATIN1, _NOT_LATIN1_FAST = _build_table()
_WIDTH_TABLE = [chr(len(folded)) for folded in _TABLE]
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_all(text: str) -> tuple[str, bool, bool]:
    """The folded text, whether every character folded to exactly one, and whether the text is written
    in Latin-1 letters only (every one folding to one ASCII character)."""
    if text.isascii():
        return text.encode("ascii").translate(_LATIN1).decode("ascii"), True, True
    if not _NOT_LATIN1_FAST.search(text):
        return text.encode("latin-1").translate(_LATIN1).decode("ascii"), True, True
    folded = text.translate(_TABLE)
    return folded, len(folded) == len(text) and not any(c in _WIDTHS for c in set(text)), False


class Folded:
    """Text folded for matching (case, accents, script, punctuation), padded with one space each side.

    `view` has one space where the original has any non-alphanumeric character, so a key written
    " name " matches whole words only. `span()` maps view offsets back to the original text. `latin1`
    says that the original has no character past Latin-1 (no other script to look for); it is False
    for some that have none too (ß, ﬁ: those that fold to more than one character).
    """

    __slots__ = ("original", "view", "latin1", "_identity", "_cumulative")

    def __init__(self, original: str) -> None:
        self.original = original
        folded, self._identity, self.latin1 = _fold_all(original)
        self.view = f" {folded} "
        self._cumulative: list[int] | None = None

    def _ends(self) -> list[int]:
        """View position (unpadded) just after each original character."""
        if self._cumulative is None:
            widths = self.original.translate(_WIDTH_TABLE)
            if not widths.isascii():  # astral characters are left as they are, and fold to themselves
                widths = _NOT_ASCII.sub("\x01", widths)
            self._cumulative = list(accumulate(widths.encode("ascii")))
        return self._cumulative

    def _original_index(self, pos: int) -> int:
        """Index of the original character that produced folded (unpadded) position `pos`."""
        return bisect_right(self._ends(), pos)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the view slice [start, end) (view offsets include the padding)."""
        start, end = max(start - 1, 0), min(end - 1, len(self.view) - 2)
        if self._identity:
            return start, end
        ends = self._cumulative or self._ends()  # _original_index, inlined: called for every hit and term
        if end <= start:
            index = bisect_right(ends, start)
            return index, index
        stop = bisect_right(ends, end - 1) + 1
        while stop < len(self.original) and _WIDTHS.get(self.original[stop]) == 0:
            stop += 1  # trailing vowel marks and other zero-width characters belong to the word
        return bisect_right(ends, start), stop

    def view_offset(self, original_pos: int) -> int:
        """View offset (padding included) of an original offset."""
        if self._identity:
            return original_pos + 1
        ends = self._ends()
        return (ends[min(original_pos, len(ends)) - 1] if original_pos > 0 else 0) + 1


@lru_cache(maxsize=8)
def fold_text(text: str) -> Folded:
    """Folded view of a text; cached so the matcher and the risk scorer fold a text once."""
    return Folded(text)


def fold(text: str) -> str:
    """Fold a short string (an alias, a lexicon term) to the form keys take: words joined by one space."""
    return " ".join(text.translate(_TABLE).split())


def fold_key(text: str) -> str:
    """Fold a name as the text view would show it: punctuation stays a space of its own ("u s  army")."""
    joined = " ".join(text.split())
    if joined.isascii():  # every ASCII character folds to one: bytes.translate, as _fold_all does
        return joined.encode("ascii").translate(_LATIN1).decode("ascii").strip()
    return joined.translate(_TABLE).strip()


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


_SCRIPT = re.compile(r"([\u0400-\u04ff])|([\u0600-\u06ff])|([A-Za-z\u00c0-\u024f])|([\u0370-\u03ff])")


def script_of(text: str) -> str:
    """The script of the first letter that tells: cyrillic, arabic, latin, greek, or other."""
    found = _SCRIPT.search(text)
    if found is None:
        return "other"
    return ("cyrillic", "arabic", "latin", "greek")[found.lastindex - 1 if found.lastindex else 2]


# Chinese and Japanese characters: scripts written without spaces between words.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")

"""Other spellings of an alias for matching: Latin romanisations of Cyrillic names, Russian case endings,
Arabic prefixed particles."""

from __future__ import annotations

import itertools
import re
from functools import cache

from monitoring.text import fold, script_of, transliterate

# Latin capitals that Greek writes with the same shape: an acronym written in Greek capitals.
_GREEK_LOOKALIKES = str.maketrans("ABEZHIKMNOPTXY", "ΑΒΕΖΗΙΚΜΝΟΡΤΧΥ")


def greek_lookalike(acronym: str) -> str | None:
    """The acronym in Greek capitals of the same shape (MIT -> ΜΙΤ), if every letter has one."""
    converted = acronym.translate(_GREEK_LOOKALIKES)
    return converted if all(not c.isascii() or not c.isalpha() for c in converted) else None


# Romanisations of Cyrillic letters besides the one the folded text uses (BGN/PCGN, ISO 9 without
# diacritics, passports, French and German habits). Each letter keeps one choice through the name.
_LATIN_CHOICES = {
    "я": ("ja", "ia"),
    "ю": ("ju", "iu"),
    "й": ("i", "j"),
    "ж": ("z", "j"),
    "х": ("h",),
    "ц": ("c", "tz"),
    "ь": ("'",),
    "ъ": ("'", "ie"),
    "щ": ("sch", "sc"),
    "ч": ("c", "tch"),
    "ш": ("s", "ch"),
    "ы": ("i",),
}
_MAX_VARIANTS = 32


def latin_variants(text: str) -> set[str]:
    low = text.lower()
    letters = [c for c in _LATIN_CHOICES if c in low]
    choices = [(c, *_LATIN_CHOICES[c]) for c in letters]
    variants = set()
    for picked in itertools.islice(itertools.product(*choices), _MAX_VARIANTS):
        table = str.maketrans(dict(zip(letters, picked, strict=True)))
        variants.add(fold(transliterate(low.translate(table))))
    return variants


_ADJECTIVE = re.compile(r"(ая|яя|ый|ий|ой|ое|ее|ые|ие)\Z")
_ADJECTIVE_CASES = {
    "ая": ("ой", "ой", "ую", "ой", "ой"),
    "яя": ("ей", "ей", "юю", "ей", "ей"),
    "ый": ("ого", "ому", "ый", "ым", "ом"),
    "ой": ("ого", "ому", "ой", "ым", "ом"),
    "ий": ("его", "ему", "ий", "им", "ем"),
    "ое": ("ого", "ому", "ое", "ым", "ом"),
    "ее": ("его", "ему", "ее", "им", "ем"),
    "ые": ("ых", "ым", "ые", "ыми", "ых"),
    "ие": ("их", "им", "ие", "ими", "их"),
}
_NOUN_CASES = (
    ("ия", ("ии", "ии", "ию", "ией", "ии")),
    ("ие", ("ия", "ию", "ие", "ием", "ии")),
    ("а", ("ы", "е", "у", "ой", "е")),
    ("я", ("и", "е", "ю", "ей", "е")),
    ("о", ("а", "у", "о", "ом", "е")),
    ("е", ("я", "ю", "е", "ем", "е")),
    ("ы", ("", "ам", "ы", "ами", "ах")),
    ("й", ("я", "ю", "й", "ем", "е")),
)


def russian_cases(text: str) -> list[str]:
    """Genitive to prepositional singular of a Russian name: leading adjectives and the head noun agree."""
    words = text.split()
    head = 0
    while head < len(words) - 1 and _ADJECTIVE.search(words[head]) and not words[head].isupper():
        head += 1
    forms = [list(words) for _ in range(5)]
    for i, word in enumerate(words[: head + 1]):
        if word.isupper() or script_of(word) != "cyrillic":
            return []
        if i < head:
            ending = word[-2:]
            if ending == "ий" and word[-3:-2] in "гкхжшчщ":
                endings: tuple[str, ...] = ("ого", "ому", "ий", "им", "ом")
            else:
                endings = _ADJECTIVE_CASES[ending]
            for case, new in enumerate(endings):
                forms[case][i] = word[: -len(ending)] + new
            continue
        for ending, noun_endings in _NOUN_CASES:
            if word.endswith(ending):
                endings = noun_endings
                break
        else:
            if word[-1:] in "ьъ" or not word[-1:].isalpha():
                return []
            ending, endings = "", ("а", "у", "", "ом", "е")
        if ending == "а" and word[-2:-1] in "гкхжшчщ":
            endings = ("и", *endings[1:])
        for case, new in enumerate(endings):
            forms[case][i] = word[: len(word) - len(ending)] + new
    return [" ".join(form) for form in forms if form != words]


@cache
def _romanisations() -> tuple[dict[int, str], ...]:
    """Each language's `[romanisation] cyrillic` table (lexicon files: "с=sz ш=s"), as translate tables."""
    from monitoring import lexicon

    tables = []
    for data in lexicon.languages().values():
        spec = data.get("romanisation", {}).get("cyrillic", "")
        pairs = [item.split("=", 1) for item in spec.split()]
        if pairs:
            tables.append({ord(cyrillic): latin for cyrillic, latin in pairs})
    return tuple(tables)


def romanisations(text: str) -> list[str]:
    """A Cyrillic name as each language with a `[romanisation]` table writes it, in the name's capitals:
    ФСБ is FSZB in Hungarian, Шойгу Szojgu in Polish and Schoigu in German. The common romanisation
    (the one the folded text reads) is left out."""
    plain = fold(transliterate(text))
    found = []
    for table in _romanisations():
        words = []
        for word in text.split():
            written = word.lower().translate(table)
            words.append(
                written.upper()
                if word.isupper()
                else written[:1].upper() + written[1:]
                if word[:1].isupper()
                else written
            )
        romanised = " ".join(words)
        if fold(romanised) != plain:
            found.append(romanised)
    return list(dict.fromkeys(found))


@cache
def _spelling_variants() -> tuple[tuple[str, str], ...]:
    from monitoring import lexicon

    pairs = []
    for data in lexicon.languages().values():
        for item in data.get("spelling", {}).get("variants", "").split():
            written, instead = item.split("=", 1)
            pairs.append((written, instead))
    return tuple(pairs)


def spelling_variants(text: str) -> list[str]:
    """The name with letters that texts write in place of others (lexicon `[spelling] variants`:
    Bengali র written ব়)."""
    return [text.replace(a, b) for a, b in _spelling_variants() if a in text]


def arabic_clitics(text: str) -> list[str]:
    """Forms with an attached conjunction or preposition: و ب ل ف, and لل for a name with the article."""
    forms = [prefix + text for prefix in ("و", "ب", "ل", "ف")]
    if text.startswith("ال"):
        forms += ["لل" + text[2:], "ولل" + text[2:], "وب" + text]
    return forms


# How Cyrillic-writing languages render a Latin company name by ear, as the folded text reads it back
# (х -> kh, ц -> ts, й -> y): Huawei -> Хуавей/Хуавеи (khuavey, khuavei), Cytrox -> Цитрокс (tsitroks),
# Cellebrite -> Селлебрайт (sellebrayt), Hikvision -> Хиквижн (khikvizhn). Each rule offers the
# renderings in use; longer spellings are tried first. Only a few variants per name are kept.
_BY_EAR = (
    ("ision", ("izhn", "izion", "ision")),
    ("tion", ("shn", "tsion")),
    ("sch", ("sh",)),
    ("sh", ("sh",)),
    ("kh", ("kh",)),
    ("zh", ("zh",)),
    ("ch", ("ch", "kh")),
    ("ph", ("f",)),
    ("th", ("t",)),
    ("ck", ("k",)),
    ("qu", ("kv", "ku")),
    ("ei", ("ey", "ei", "ei")),
    ("ey", ("ey", "ei")),
    ("ay", ("ey", "ay")),
    ("ai", ("ay", "ai")),
    ("ee", ("i",)),
    ("oo", ("u",)),
    ("ea", ("i", "ea")),
    ("h", ("kh", "g")),
    ("w", ("v", "u")),
    ("x", ("ks",)),
    ("q", ("k",)),
    ("j", ("dzh", "zh")),
    ("y", ("i", "y")),
    ("z", ("z", "ts")),
)
_SPELLINGS = re.compile("|".join(re.escape(spelling) for spelling, _ in _BY_EAR) + "|.", re.S)
_RENDERINGS = dict(_BY_EAR)
_SOFT_C = re.compile(r"c(?=[eiy])")
_SILENT_E = re.compile(r"i([bcdfgklmnprstvz])e\Z")  # Sandvine -> Сандвайн, Cellebrite -> Селлебрайт
_MAX_BY_EAR = 12


def cyrillic_by_ear(word: str) -> list[str]:
    """Folded renderings of a Latin one-word name written in Cyrillic by ear (not letter for letter)."""
    low = word.lower()
    if not (low.isascii() and low.isalpha() and len(low) >= 4):
        return []
    starts = dict.fromkeys((low, _SILENT_E.sub(r"ay\1", low)))  # in this order: the cut below keeps the first
    found: list[str] = []
    for start in starts:
        soft = [_SOFT_C.sub("s", start), _SOFT_C.sub("ts", start)]
        for text in dict.fromkeys(soft):
            text = text.replace("c", "k")
            # The first rule that matches at each place, as _BY_EAR lists them (an ordered alternation).
            pieces = [_RENDERINGS.get(piece) or (piece,) for piece in _SPELLINGS.findall(text)]
            for picked in itertools.islice(itertools.product(*pieces), _MAX_BY_EAR):
                found.append("".join(picked))
                single = re.sub(r"([bcdfgklmnprstvz])\1", r"\1", found[-1])
                found.append(single)  # Интеллекса and Интелекса
    return [f for f in dict.fromkeys(found) if f != low][: 2 * _MAX_BY_EAR]

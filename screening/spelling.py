"""Spellings evened out: the skeleton of a word across romanisations, the consonants Arabic and Persian
script write, letters one sound is written with, and given names in their Slavic forms."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_BELARUSIAN_IA = re.compile(r"(?<=[a-z])ia(?=[bcdfghjklmnpqrstvwxz])")
_SKELETON = (
    ("x", "ks"),  # "Mirex", "Мирекс"; "Techexpertiza", "Tekhekspertiza"
    ("ou", "u"),
    ("au", "av"),  # Belarusian ў for Russian в ("Auramenka", "Avramenko")
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "k"),
    ("ch", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("w", "v"),
    ("y", "i"),
    ("gi", "ji"),  # after y is read i ("Georgi", "Georgy")
    ("ge", "je"),
    ("z", "s"),
    ("q", "k"),
    ("c", "k"),
)


@lru_cache(maxsize=1 << 18)
def skeleton(token: str, *, endings: bool = True) -> str:
    """A token with the usual differences of romanisation evened out ('pozitiv', 'positive'); with
    `endings`, a plural -s and final vowels are dropped too."""
    if len(token) >= 5 and token.endswith("ou"):
        token = token[:-2] + "ov"  # Belarusian -ou (-оў) for Russian -ov ("Karpiankou", "Karpenkov")
    token = _BELARUSIAN_IA.sub("e", token)  # Belarusian я for Russian е ("Aliaksei", "Aleksei")
    for old, new in _SKELETON:
        token = token.replace(old, new)
    out: list[str] = []
    for char in token:
        if not out or out[-1] != char:
            out.append(char)
    sound = "".join(out)
    if not endings:
        return sound
    if len(sound) >= 5:
        sound = sound.rstrip("s")  # a plural ("CloudMinds", "CloudMind")
    if len(sound) >= 6:
        return sound.rstrip("aeo")  # an ending of another language ("Avramenko", "Auramenka")
    return sound.rstrip("e") or token


@lru_cache(maxsize=1 << 18)
def consonants(token: str) -> str:
    """The consonants of a token's skeleton: Persian and Arabic are written without short vowels
    ("tjart" and "tejarat" read from تجارت)."""
    return "".join(c for c in skeleton(token, endings=False) if c not in "aeiou")


@lru_cache(maxsize=1 << 16)
def abjad_key(token: str) -> str:
    """A word's consonants without doubled letters: what Arabic or Persian script writes of it ("الهه" alhh,
    "Elaheh"; "یزدی" yzdy, "Yazdi")."""
    out: list[str] = []
    # ق and غ, read "q" and "gh", are both written "gh" or "q" in Latin ("تقی" tqy, "Taghi").
    for char in consonants(token.replace("gh", "q")):
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def abjad_loose_key(token: str) -> str:
    """abjad_key without v: the letter و is the vowel u or o as often as the consonant v ("نیرو" nyrw,
    "Niru"; "جمهوری" jmhwry, "Jomhouri")."""
    return abjad_key(token).replace("v", "")


# Letters one sound is written with in the romanisations of Arabic, Persian, Russian and Malay names: French
# "ch" for "sh" ("Hamcho", "Hamsho"), Malay "sy" ("Ba'asyir", "Bashir"), "q" for "gh" ("Naqdi", "Naghdi"),
# Russian "ev" for "eu" ("Evro", "Euro"); doubled vowels are one vowel.
_ROMANISATION_FOLDS = (("sy", "sh"), ("q", "gh"), ("eu", "ev"))
_FRENCH_CH = re.compile("ch(?=[aeiou])")  # before a consonant, ch is Russian ч ("Puchkov", "Pushkov")
_DOUBLED_VOWEL = re.compile(r"([aeiou])\1")


@lru_cache(maxsize=1 << 16)
def romanisation_fold(token: str) -> str:
    """A word with the letters romanisations write for one sound made one ("hamcho", "hamsho": hamsho)."""
    token = _FRENCH_CH.sub("sh", token)
    for old, new in _ROMANISATION_FOLDS:
        token = token.replace(old, new)
    return _DOUBLED_VOWEL.sub(r"\1", token)


GIVEN_NAMES_FILE = Path(__file__).with_name("given_names.tsv")
_PATRONYMIC = re.compile(r"(?:ievich|yevich|ovych|evych|ovich|evich|avich|ivna|ovna|evna|avna)$")


def _name_stem(word: str) -> str:
    return word.rstrip("aeiouy") or word


def _load_given_names() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = line.split()
        for form in forms:
            found.setdefault(form, set()).add(forms[0])
            found.setdefault("~" + _name_stem(form), set()).add(forms[0])
    return {k: frozenset(v) for k, v in found.items()}


_GIVEN_NAMES = _load_given_names()


@lru_cache(maxsize=1 << 16)
def given_name(token: str) -> frozenset[str]:
    """Which given name a word of a person's name is, in any of its Russian, Ukrainian or Belarusian forms,
    or the patronymic made from it ("Siarheevich", "Sergeyevich": sergei); none for other words."""
    found = _GIVEN_NAMES.get(token)
    if found:
        return found
    patronymic = _PATRONYMIC.search(token)
    if patronymic and patronymic.start() >= 3:
        # A patronymic meets only a patronymic ("Siarheevich", not the son's given name "Sergei").
        names = _GIVEN_NAMES.get("~" + _name_stem(token[: patronymic.start()]), frozenset())
        return frozenset("p:" + name for name in names)
    return frozenset()


# Russian adjectives of place ("Kamsky" of the Kama, "Ryazansky" of Ryazan).
PLACE_ADJECTIVE = re.compile(r"sk(?:y|iy|ii|ij|aya|aja|oye|oe|oi|oy|ogo|ovo)$")


# Russian names as German and French write them, read back into the lists' (BGN/PCGN) spelling: German
# "tsch", "sch", "w", "j", "z" ("Tschernyschow": Chernyshov; "Jelzin": Yeltsin; "Schukow": Zhukov);
# French "tch", "ch", "ou", "gu", "j" and a mute final e ("Chostakovitch": Shostakovich; "Choïgou": Shoigu).
_GERMAN = (("schtsch", "shch"), ("tsch", "ch"), ("sch", "sh"), ("w", "v"), ("z", "ts"), ("j", "y"))
_GERMAN_S = re.compile(r"(?<=[aeiouy])s(?=[aeiouyj])")
_FRENCH = (("ou", "u"), ("gue", "ge"), ("gui", "gi"), ("j", "zh"))
_FRENCH_SH = re.compile("(?<!t)ch(?=[aeiouy])")  # before a consonant, ch is Russian ч ("Puchkov", "Pushkov")
_FRENCH_FINAL_E = re.compile(r"(?<=[^aeiouy])e$")
_GERMAN_MARKS = re.compile("sch|w|j[aeiou]|j$")
_FRENCH_MARKS = re.compile("ou|tch|ch[aeiouy]|gu[ei]|[^aeiouy]e$")


@lru_cache(maxsize=1 << 16)
def western_readings(token: str) -> tuple[str, ...]:
    """A Latin word read as German and as French write Russian (and other Cyrillic) names, in the lists'
    spelling; empty when it has none of their marks."""
    out: list[str] = []
    if _GERMAN_MARKS.search(token):
        german = token
        for old, new in _GERMAN:
            german = german.replace(old, new)
        german = _GERMAN_S.sub("z", german)
        out.append(german)
        if "sch" in token:
            out.append(german.replace("sh", "zh"))  # German writes ж as it writes ш
    if _FRENCH_MARKS.search(token):
        french = _FRENCH_SH.sub("sh", token).replace("tch", "ch")
        for old, new in _FRENCH:
            french = french.replace(old, new)
        out.append(_FRENCH_FINAL_E.sub("", french))
    return tuple(reading for reading in dict.fromkeys(out) if reading != token)

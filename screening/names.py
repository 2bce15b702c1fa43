"""Names reduced for screening: transliterated, legal forms set aside, tokens weighted, blocking keys.

Built on `rigour` (OpenSanctions' name library): ICU transliteration to Latin, name normalisation and its
table of company types and legal forms in many languages and scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rigour.names import extract_org_types, normalize_name, remove_org_types, remove_person_prefixes
from rigour.text import ascii_text

# Legal forms rigour's table does not hold (or holds only in other spellings); dropped like its own.
EXTRA_LEGAL_FORMS = frozenset(
    {
        "ad",
        "ead",
        "eood",
        "ood",
        "dooel",
        "doo",
        "zrt",
        "kft",
        "nyrt",
        "bt",
        "fze",
        "fzco",
        "fzc",
        "fzllc",
        "fz",
        "pjsc",
        "ojsc",
        "cjsc",
        "zao",
        "oao",
        "pao",
        "tov",
        "too",
        "pte",
        "pvt",
        "pty",
        "sdn",
        "bhd",
        "tbk",
        "llc",
        "ltd",
        "inc",
        "corp",
        "plc",
        "gmbh",
        "ag",
        "sarl",
        "srl",
        "spa",
        "sas",
        "bv",
        "nv",
        "jsc",
        "lp",
        "llp",
        "limited",
        "incorporated",
        "co",
    }
)
# Words that say what kind of body something is rather than which one: they count, but little.
GENERIC_WORDS = frozenset(
    """
    group groups holding holdings company companies corporation corp international intl global worldwide
    technology technologies tech technical systems system solutions solution services service trading trade
    industries industry industrial enterprise enterprises digital network networks security securities
    consulting consultancy consultants development developments investment investments partners partner
    management electronics electronic engineering communications communication telecom telecommunications
    software information science scientific research institute center centre national state federal
    republic ministry department agency office bureau directorate general central authority administration
    service police army military defense defence forces force interior affairs public government municipal
    city regional province provincial joint stock private public limited liability and of the for
    bank financial finance capital import export imports exports products product manufacturing factory
    plant works import energy resources logistics media marketing academy association foundation union
    new first united america american china chinese russia russian iran iranian korea korean asia europe
    european middle east west east north south africa
    beijing shanghai shenzhen hangzhou zhejiang guangzhou guangdong jiangsu wuhan tianjin chengdu xiamen
    moscow tehran dubai hong kong singapore concern kontsern koncern headquarters
    """.split()
) | frozenset(
    # Country names and demonyms name where a body is, not which one it is.
    """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh belarus
    belgium bolivia brazil bulgaria cambodia canada chile colombia croatia cuba cyprus czech denmark egypt
    emirates ethiopia finland france french georgia german germany greece greek hungary india indian
    indonesia iraq ireland israel israeli italy italian japan japanese jordan kazakhstan kenya kuwait
    kyrgyzstan laos latvia lebanon libya lithuania malaysia mexico moldova mongolia morocco myanmar myanma
    nepal netherlands nicaragua nigeria norway oman pakistan palestine peru philippines poland portugal qatar
    romania rwanda saudi serbia slovakia spain sudan sweden switzerland syria syrian taiwan tajikistan
    tanzania thailand tunisia turkey turkmenistan uganda ukraine uzbekistan venezuela vietnam yemen zimbabwe
    british emirati turkish egyptian saudi arab arabic islamic
    """.split()
)
# Words that say what kind of body it is: two names that differ in them name two different bodies.
KIND_WORDS = frozenset(
    """
    bank university academy institute school college hospital air shipping police army navy ministry court
    party foundation association church museum corporation company steel foods motors motorcycles logistics
    broadcasting insurance capital consulting trading
    """.split()
)
# Abbreviations and spellings written out the same way on both sides.
SYNONYMS = {
    "hq": "headquarters",
    "intl": "international",
    "corp": "corporation",
    "co": "company",
    "tech": "technology",
    "technologies": "technology",
    "univ": "university",
    "dept": "department",
    "mfg": "manufacturing",
    "natl": "national",
    "assn": "association",
    "airlines": "air",
    "airline": "air",
    "airways": "air",
    "svcs": "services",
    "sys": "systems",
    "labs": "lab",
    "laboratory": "lab",
    "laboratories": "lab",
    "holdings": "holding",
    "industries": "industry",
    "mohammed": "muhammad",
    "mohammad": "muhammad",
    "mohamed": "muhammad",
}
STOP_WORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "for",
        "de",
        "del",
        "la",
        "le",
        "du",
        "des",
        "al",
        "el",
        "und",
        "et",
        "y",
        "i",
        "e",
        "a",
        "an",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "van",
        "von",
        "der",
    }
)
GENERIC_WEIGHT = 0.15
SHORT_WEIGHT = 0.6


@dataclass(frozen=True)
class NameForm:
    """One name as the matcher sees it."""

    original: str
    tokens: tuple[str, ...]  # core tokens: Latin, lower case, legal forms and stop words removed
    legal_forms: tuple[str, ...]  # generic legal forms found (llc, jsc...), for the reasons

    @property
    def core(self) -> str:
        return " ".join(self.tokens)


def token_weight(token: str) -> float:
    if token in GENERIC_WORDS:
        return GENERIC_WEIGHT
    if len(token) <= 2:
        return SHORT_WEIGHT
    return 1.0


@lru_cache(maxsize=65536)
def latin(text: str) -> str:
    """Lower-case Latin letters, digits and single spaces (any script, any punctuation)."""
    return normalize_name(ascii_text(text)) or ""


def analyse(name: str, *, person: bool = False) -> NameForm | None:
    """Reduce a name to its core tokens; None when nothing is left of it."""
    text = latin(name)
    if not text:
        return None
    forms: tuple[str, ...] = ()
    if person:
        text = remove_person_prefixes(text)
    else:
        forms = tuple(sorted({found for found, _ in extract_org_types(text, generic=True)}))
        text = remove_org_types(text)
    words = [SYNONYMS.get(w, w) for w in text.split()]
    tokens = [w for w in words if w not in STOP_WORDS and (person or w not in EXTRA_LEGAL_FORMS)]
    if not person:
        extra = sorted({w for w in words if w in EXTRA_LEGAL_FORMS} - set(forms))
        forms = forms + tuple(extra)
    if not tokens:
        # A name made only of small words ("The Group") keeps them rather than vanish.
        tokens = [w for w in words if w not in STOP_WORDS] or words
    if not tokens:
        return None
    return NameForm(name, tuple(tokens), forms)


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
    """A token with the usual differences of romanisation evened out ('pozitiv', 'positive')."""
    for old, new in _SKELETON:
        token = token.replace(old, new)
    out: list[str] = []
    for char in token:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out).rstrip("e") or token


def initials(tokens: tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens)


def abbreviations(tokens: tuple[str, ...]) -> set[str]:
    """What a name of several words may be shortened to: its initials, with or without common words."""
    options = {initials(tokens), initials(tuple(t for t in tokens if t not in GENERIC_WORDS))}
    if tokens and tokens[-1] in GENERIC_WORDS:
        options.add(initials(tokens[:-1]))
    return {o for o in options if len(o) >= 3}


def short_form(tokens: tuple[str, ...]) -> str | None:
    """The one short distinctive word of a name that may be an abbreviation ("ZTE Corp": "zte")."""
    distinctive = [t for t in tokens if t not in GENERIC_WORDS]
    if len(distinctive) == 1 and 3 <= len(distinctive[0]) <= 6:
        return distinctive[0]
    return None


def _base_keys(tokens: tuple[str, ...], skip: frozenset[str] = frozenset()) -> set[str]:
    keys: set[str] = set()
    for token in tokens:
        if token in skip:
            continue
        keys.add(token)
        if len(token) >= 4 and not token.isdigit():
            sound = skeleton(token)
            if sound != token:
                keys.add("~" + sound)
    for left, right in zip(tokens, tokens[1:], strict=False):
        if left not in skip or right not in skip:
            keys.add(left + right)
    return keys


def probe_keys(form: NameForm) -> set[str]:
    """The keys a listed name is looked up under: its words, their sound, joined neighbours, initials.

    Abbreviations meet across sides only: the initials of a long name look for a one-word name, and a
    one-word name looks for long names with those initials ("ZTE", "Zhongxing Telecommunication Equipment").
    """
    tokens = form.tokens
    keys = _base_keys(tokens)
    if len(tokens) >= 2:
        keys |= {"^1:" + a for a in abbreviations(tokens)}
    short = short_form(tokens)
    if short:
        keys.add("^n:" + short)
    return keys


STRONG = -1  # a key that alone makes a candidate (a join of two words, initials)


def index_slots(form: NameForm) -> list[tuple[str, int]]:
    """The keys a customer's name is indexed under, each with the word it stands for (or STRONG).

    Common words are left out unless the name has nothing else; a candidate must then share words
    carrying enough of the name's weight (see CustomerIndex), not one common-ish word of three.
    """
    tokens = form.tokens
    everything_generic = all(t in GENERIC_WORDS for t in tokens)
    slots: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        if token in GENERIC_WORDS and not everything_generic:
            continue
        slots.append((token, index))
        if len(token) >= 4 and not token.isdigit():
            sound = skeleton(token)
            if sound != token:
                slots.append(("~" + sound, index))
    for left, right in zip(tokens, tokens[1:], strict=False):
        if everything_generic or left not in GENERIC_WORDS or right not in GENERIC_WORDS:
            slots.append((left + right, STRONG))
    if len(tokens) >= 2:
        slots += [("^n:" + a, STRONG) for a in abbreviations(tokens)]
    short = short_form(tokens)
    if short:
        slots.append(("^1:" + short, STRONG))
    return slots

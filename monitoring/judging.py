"""How sure a watchlist hit is: how the alias is shaped and written, what the text says it stands for,
and which countries are named near it. monitoring.matching finds the hits; this module scores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from monitoring.countries import CountryMention, country_mentions, country_name
from monitoring.text import Folded, fold_key, fold_text
from monitoring.variants import script_of

NEAR = 300  # characters either side searched for country context
ADJACENT = 15  # a country this close qualifies the name itself ("the UK Ministry of Defence")
SNIPPET = 200

_STOPWORDS = frozenset(
    "the of and for de del la le les des du d l el los las y e et en a al da do dos das po i v pour para por"
    " und der die das fur".split()
)
# Institution words: an alias made only of these ("Ministry of Defence", "Policía Federal") names a
# body that many countries have, so it needs country context.
_GENERIC = re.compile(
    r"(?:minist|defen[cs]|oboron|dfa|interi|vnutrenn|dakhl|affair|asunto|polic|politsi|shurt|nation|natsion"
    r"|federa|secur|seguridad|bezopasn|amn|intelligen|inteligen|renseign|razvedk|mkhabar|servic|sluzhb"
    r"|state|estado|etat|gosudarstv|dwl|arm[yeé]|ejercit|armi|jysh|guard(?!ian)|garde|gvardi|hrs|general|glavn"
    r"|direct|direcc|upravlen|mdyr|idar|department|departa|otdel|office|oficin|bureau|agen[cst]|agentstv"
    r"|justic|yustits|public|publiq|committee|comit|komitet|lajn|investig|enquet|sledstv|center|centre"
    r"|centro|tsentr|government|gobiern|gouvern|pravitel|hkum|republi|respubl|presiden|prezident"
    r"|secretar|navy|naval|marin|flot|air|aere|force|fuerza|vooruzh|sil|gendarm|custom|aduan|douan"
    r"|tamozh|border|fronter|fronti|pogran|immigr|migra|counter|contra|anti|terror|ekstrem|protivod|unit"
    r"|unidad|special|especial|spets|cyber|ciber|crim|milit|voenn|home|intern|homeland|protec|okhran"
    r"|communic|comunic|svyaz|telecom|judic|sudebn|prosecut|fiscal|parquet|prokur|attorney|order|orden"
    r"|ordre|emergen|command|comando|inform|operat|prison|penitenc|jihaz|wzar|hay|mjls|council|consejo"
    r"|suret|safety|seguranc|sicurezz|securit|amh|aam"
    r"|conseil|sovet|jhaz|amh|mdyry|ryas|nacion|wtn)\w*\Z"
)
# Ordinary words that are also company or product names; alone and in capitals they still need support.
_COMMON = frozenset(
    """open source guardian ice sun star shield eagle falcon phoenix circle gamma apex vision matrix sentinel
    pegasus predator hermes oracle signal delta alpha omega echo nova atlas titan orion lynx cobra fox wolf
    hawk raven tiger lion bear spectrum horizon summit pioneer frontier global united first prime smart
    secure safe trust guard watch keeper eye eyes insight focus clear bright light blue red black white
    green gold silver iron steel stone rock river ocean sea sky cloud storm thunder fire water earth
    team group systems solutions technologies technology labs network networks data intelligence
    hacking services partners
    agile mobile digital cyber net link core edge point peak arrow bridge gate key lock shadow ghost
    sol luz mar sur norte paz vida mundo tierra fuego agua cielo oro plata hierro aguila halcon lobo
    soleil lumiere terre feu eau ciel etoile aigle faucon loup garde vigie phare aube
    can art aid arm bar cat dog war who its nos sin era ser mas par sur une son ton mon
    pin sim gps atm vpn sms usb pdf ceo ngo""".split()
)
_AGENCY_CONTEXT = re.compile(
    r"\b(?:agents?|officers?|officials?|agency|raids?|detain\w*|detention|custody|deport\w*|arrest\w*"
    r"|agentes|agencia|operativo|redadas?|detenid\w*|agence|policiers|агент\w*|сотрудник\w*)\b",
    re.I,
)
_CODE_NUMBER = re.compile(r"[ -]?\d|\+")
# Money and card words: an acronym that is also an ordinary abbreviation ("PIN") means that one here.
_MONEY_CONTEXT = re.compile(
    r"\b(?:banks?|cards?|codes?|atms?|accounts?|payments?|banco|tarjeta|cuenta|banque|bancaire|carte|compte"
    r"|банк\w*|карт\w*|بنك|بطاق)\b",
    re.I,
)
# "Expansion (ACR)" or "ACR (Expansion)": the text says what the acronym stands for.
_SPELLED_AFTER = re.compile(r"\s*\(([^()]{6,90})\)")
_SENTENCE_END = frozenset(".!?\n:;\"“”«»'")


@dataclass(frozen=True)
class WatchName:
    """One watched customer: the name as imported, its aliases, country (ISO alpha-2) and kind."""

    customer_id: int
    name: str
    aliases: tuple[str, ...]
    country: str
    kind: str  # government|soe|private|distributor|reseller


@dataclass(frozen=True)
class Mention:
    """A customer found in a text, with where, how sure, and why."""

    customer_id: int
    matched: str
    start: int
    end: int
    confidence: float
    reasons: tuple[str, ...]
    snippet: str


@dataclass(frozen=True, slots=True)
class Alias:
    customer: WatchName
    text: str
    shape: str  # acronym | word-acronym | generic | common | name
    script: str  # latin | cyrillic | arabic | other


@dataclass(slots=True)
class Hit:
    alias: Alias
    form: str  # exact | translit | inflected | dotted | clitic
    view_start: int
    view_end: int


_ARTICLE = re.compile(r"\A(?:wal|bal|lil|al|ll)(?=\w{3})")


@cache
def _generic_word(word: str) -> bool:
    return _GENERIC.match(_ARTICLE.sub("", word)) is not None


def alias_shape(text: str, folded: str) -> str:
    if " " not in text and text.isupper():
        letters = sum(c.isalpha() for c in text)
        if 2 <= letters <= 8:
            if letters <= 2 or folded in _COMMON or folded in _STOPWORDS:
                return "word-acronym"
            return "acronym"
    words = [w for w in folded.split() if w not in _STOPWORDS]
    if words and all(map(_generic_word, words)):
        return "generic"
    if words and all(w in _COMMON for w in words):
        return "common"
    return "name"


def written_as(alias: Alias, matched: str) -> str:
    """How the match is written compared with the alias: as-written, caps, title, lower, mixed, uncased."""
    if matched.lower() == matched.upper():
        return "uncased"
    if matched.isupper():
        return "caps"
    if matched == alias.text:
        return "title"  # exactly as imported
    if alias.shape in ("acronym", "word-acronym"):
        return "title" if matched[:1].isupper() and matched[1:].islower() else "lower"
    words = [w for w in matched.replace("-", " ").split() if w.lower() not in _STOPWORDS]
    expected = [w for w in alias.text.replace("-", " ").split() if w.lower() not in _STOPWORDS]
    capitals = [w[:1].isupper() for w in words]
    if alias.script == "latin" and len(expected) == len(words):
        wanted = [w[:1].isupper() for w in expected]
        if capitals == wanted and any(wanted):
            return "title"
    elif capitals and capitals[0]:
        return "title"
    if not any(capitals):
        return "lower"
    return "title" if all(capitals) else "mixed"


# How an alias is written that no context can lift to MIN_CONFIDENCE: skipped before any other work.
# An acronym (Latin or Cyrillic capitals) "found" in uncased script is a transliteration accident:
# Arabic عددا folds to "dda".
HOPELESS = frozenset(
    {
        ("word-acronym", "lower"),
        ("word-acronym", "uncased"),
        ("acronym", "lower"),
        ("acronym", "uncased"),
        ("common", "lower"),
        ("common", "mixed"),
        ("name", "lower"),
    }
)


def judge(
    hit: Hit, folded: Folded, countries: list[CountryMention], start: int, end: int, casing: str
) -> Mention:
    alias = hit.alias
    text = folded.original
    matched = text[start:end]
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    reasons = [_alias_reason(hit, matched)]
    if text[end : end + 2] in ("'s", "’s") or text[end : end + 1] in ("'", "’"):
        reasons.append(f'possessive "{text[start : end + 2].rstrip()}"')
    sentence_start = not before.strip() or before.rstrip()[-1] in _SENTENCE_END
    around = before[-25:] + after[:25]
    headline = casing == "caps" and any(c.isupper() for c in around) and not any(c.islower() for c in around)

    shape = alias.shape
    spelled = _spelled_out_as(text, start, end)
    if shape in ("acronym", "word-acronym") and spelled is not None and not _names_customer(alias, spelled):
        reasons.append(f'spelled out as "{" ".join(spelled.split())[:60]}": another body with that acronym')
        return Mention(
            alias.customer.customer_id, matched, start, end, 0.1, tuple(reasons), _snippet(text, start, end)
        )
    if shape == "acronym":
        score = {"caps": 0.9, "title": 0.75}.get(casing, 0.35)
        if casing == "title" and len(matched) <= 3:
            score = 0.45  # "Cid", "Sis": short title-case words are mostly names or words, not acronyms
        reasons.append(_acronym_reason(casing, matched))
        if _CODE_NUMBER.match(after):
            score *= 0.5
            reasons.append("followed by a number, like a product code or a rating")
    elif shape == "word-acronym":
        score = {"caps": 0.8, "title": 0.25}.get(casing, 0.0)
        if headline:
            score = 0.3
            reasons.append("capitals carry no weight in an all-capitals line")
        else:
            reasons.append(_acronym_reason(casing, matched))
        reasons.append(f'"{alias.text}" is also an ordinary word or abbreviation')
        if casing != "lower" and _AGENCY_CONTEXT.search(text, max(0, start - 60), end + 60):
            score += 0.15
            reasons.append("agency context (agents, officers, detention...) next to it")
        elif _MONEY_CONTEXT.search(text, max(0, start - 80), end + 80):
            score *= 0.3
            reasons.append("banking context (card, code, account...) next to it")
    elif shape == "generic":
        score = {"title": 0.4, "caps": 0.4, "uncased": 0.4}.get(casing, 0.2)
        reasons.append("generic name: needs country context")
    elif shape == "common":
        single = len(alias.text.split()) == 1
        if casing == "title" and not (single and sentence_start):
            score = 0.4 if single else 0.8
        else:
            score = 0.05
            reasons.append("written as ordinary prose")
        nxt = after.lstrip(" ")
        if score > 0.1 and nxt[:1].isupper() and not after[:1].strip():
            score *= 0.5
            reasons.append("followed by another capitalised word: part of a longer name")
        previous = before.rstrip().rsplit(" ", 1)[-1]
        if single and score > 0.1 and previous[:1].isupper() and not sentence_start:
            score *= 0.5
            reasons.append("preceded by a capitalised word: part of a longer name")
        elif single and score > 0.1 and previous.lower() in ("the", "el", "la", "le", "der", "die"):
            score *= 0.5
            reasons.append("preceded by an article, as the title of a publication would be")
    else:
        score = {"title": 0.9, "caps": 0.9, "uncased": 0.85, "mixed": 0.6}.get(casing, 0.35)
        if casing == "lower":
            reasons.append("written in lower case")
    if casing != "lower" or shape not in ("word-acronym", "common"):
        score += _country_adjustment(hit, matched, countries, reasons, score)
    score = round(min(max(score, 0.0), 1.0), 3)
    return Mention(
        alias.customer.customer_id, matched, start, end, score, tuple(reasons), _snippet(text, start, end)
    )


def _spelled_out_as(text: str, start: int, end: int) -> str | None:
    """What the text says an acronym stands for: "(Expansion)" after it, or "Expansion (" before it."""
    after = _SPELLED_AFTER.match(text, end)
    if after is not None:
        return after.group(1)
    if text[max(0, start - 1) : start] == "(" and text[end : end + 1] == ")":
        window = text[max(0, start - 91) : start - 1]
        clause = re.split(r"[.;:!?\n,]", window)[-1]
        return clause if len(clause.strip()) >= 6 else None
    return None


def _names_customer(alias: Alias, spelled: str) -> bool:
    """Whether a spelled-out acronym could be one of the customer's names, or a translation of one.

    Words are compared by their first five letters ("Defence" and "Defensa" agree); an expansion in a
    script none of the customer's names uses cannot be compared, and is given the benefit of the doubt.
    """
    names = (alias.customer.name, *alias.customer.aliases)
    if any(m.country == alias.customer.country for m in country_mentions(fold_text(spelled))):
        return True  # "Policía Nacional de Filipinas" for the Philippine National Police
    script = script_of(spelled)
    if all(script_of(name) != script for name in names):
        return True
    words = {w[:5] for w in fold_key(spelled).split() if len(w) >= 4}
    if not words:
        return True
    known = {w[:5] for name in names for w in fold_key(name).split() if len(w) >= 4}
    return len(words & known) * 2 >= len(words)


def _alias_reason(hit: Hit, matched: str) -> str:
    alias = hit.alias.text
    if hit.form == "translit" or (hit.form == "exact" and script_of(matched) != hit.alias.script):
        return f'transliteration of alias "{alias}"'
    if hit.form == "inflected":
        return f'inflected form of alias "{alias}"'
    if hit.form == "clitic":
        return f'alias "{alias}" with an attached particle'
    if matched == alias:
        return f'exact alias "{alias}"'
    return f'alias "{alias}" written "{matched}"'


def _acronym_reason(casing: str, matched: str) -> str:
    if casing == "caps":
        return "acronym in capitals"
    if casing == "title":
        return f'acronym in mixed case ("{matched}")'
    if casing == "uncased":
        return "acronym"
    return f'acronym in lower case ("{matched}")'


# Change in score by alias shape: (own country near, own country elsewhere, other country near and not
# own, share of the score lost when another country qualifies the name).
_COUNTRY_EFFECT = {
    "generic": (0.45, 0.2, -0.2, 0.85),
    "common": (0.2, 0.1, -0.2, 0.85),
    "word-acronym": (0.15, 0.05, -0.45, 0.85),
    "acronym": (0.1, 0.05, -0.45, 0.85),
    "name": (0.1, 0.05, 0.0, 0.3),
}


def _country_adjustment(
    hit: Hit, matched: str, countries: list[CountryMention], reasons: list[str], score: float
) -> float:
    """Score change from countries named near the hit: support for the customer's own, doubt for others."""
    own = hit.alias.customer.country
    own_distance = other_distance = None
    other = ""
    for mention in countries:
        if mention.view_end <= hit.view_start:
            distance = hit.view_start - mention.view_end
        elif mention.view_start >= hit.view_end:
            distance = mention.view_start - hit.view_end
        else:
            distance = 0
        if mention.country == own:
            own_distance = distance if own_distance is None else min(own_distance, distance)
        elif other_distance is None or distance < other_distance:
            other_distance, other = distance, mention.country
    alias = hit.alias
    # A capitalised phrase of several common words ("Hacking Team") is as telling as any other name.
    shape = "name" if alias.shape == "common" and " " in alias.text else alias.shape
    near, elsewhere, other_near, qualified = _COUNTRY_EFFECT[shape]
    own_name = country_name(own)
    if (
        other_distance is not None
        and other_distance <= ADJACENT
        and (own_distance is None or own_distance > ADJACENT)
    ):
        reasons.append(f"another country's body: {country_name(other)} named next to it")
        return -score * qualified
    if own_distance is not None and own_distance <= NEAR:
        reasons.append(f"country context: {own_name}")
        return near
    if shape == "acronym" and len(alias.text.replace(".", "")) > 3:
        other_near /= 2  # long acronyms collide less often than three letters do
    if alias.customer.kind not in ("government", "soe"):
        other_near = 0.0  # a company's name is a brand, reported wherever it sells
    if other_near and other_distance is not None and other_distance <= NEAR and own_distance is None:
        reasons.append(f"another country nearby: {country_name(other)}, and not {own_name}")
        return other_near
    if own_distance is not None:
        reasons.append(f"country context: {own_name} (elsewhere in the text)")
        return elsewhere
    if shape == "generic" and alias.script in ("cyrillic", "arabic") and script_of(matched) == alias.script:
        reasons.append("written in the customer's own script")
        return 0.1
    return 0.0


def _snippet(text: str, start: int, end: int) -> str:
    margin = max(0, (SNIPPET - (end - start)) // 2)
    left, right = max(0, start - margin), min(len(text), end + margin)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    snippet = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + snippet + ("…" if right < len(text) else "")

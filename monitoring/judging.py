"""What tells whether a watchlist hit is the customer: how the alias is shaped and written, what the
text says it stands for, and which countries are named near it, as named features and readable reasons.
monitoring.matching finds the hits and weighs these features with the mention model of parameters.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Levenshtein

from contracts.models import CustomerKind
from monitoring import acronyms, lexicon
from monitoring.countries import CountryMention, country_mentions, country_name
from monitoring.parameters import parameters
from monitoring.text import Folded, fold_key, fold_text, script_of
from monitoring.translation import institution_word

SNIPPET = 200

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
    r"|conseil|sovet|jhaz|amh|mdyry|ryas|nacion|wtn"
    r"|unutra|unutarn|poslov|wewnetrz|spraw|vnutrish|icisler|bakanl|belugy|esoterik|ypourg)\w*\Z"
)
# Ordinary words that are also company or product names; alone and in capitals they still need support
# ("paragon", a model in English and a till receipt in Polish; "candiru", a fish; "area").
_COMMON = frozenset(
    """open source guardian ice sun star shield eagle falcon phoenix circle gamma apex vision matrix sentinel
    pegasus predator hermes oracle signal delta alpha omega echo nova atlas titan orion lynx cobra fox wolf
    hawk raven tiger lion bear spectrum horizon summit pioneer frontier global united first prime smart
    secure safe trust guard watch keeper eye eyes insight focus clear bright light blue red black white
    green gold silver iron steel stone rock river ocean sea sky cloud storm thunder fire water earth
    team group systems solutions technologies technology labs network networks data intelligence
    hacking services partners area paragon candiru
    agile mobile digital cyber net link core edge point peak arrow bridge gate key lock shadow ghost
    sol luz mar sur norte paz vida mundo tierra fuego agua cielo oro plata hierro aguila halcon lobo
    soleil lumiere terre feu eau ciel etoile aigle faucon loup garde vigie phare aube
    can art aid arm bar cat dog war who its nos sin era ser mas par sur une son ton mon
    pin sim gps atm vpn sms usb pdf ceo ngo""".split()
)
_CODE_NUMBER = re.compile(r"[ -]?\d|\+")
# "Expansion (ACR)" or "ACR (Expansion)": the text says what the acronym stands for.
_SENTENCE_END = frozenset(".!?\n:;\"“”«»'")
_ARTICLES = frozenset("the a an el la le les los las l der die das un une una".split())
_ABBREVIATION_AFTER = re.compile(r"\s*\((\w{2,8})\)")
# Kinds of context (monitoring.lexicon) that make a text a story a security body or its vendor is in.
_SECURITY_STORY = frozenset(
    ("surveillance", "targets", "detention", "violence", "repression", "censorship", "crime", "espionage")
)


@dataclass(frozen=True)
class WatchName:
    """One watched customer: the name as imported, its aliases, country (ISO alpha-2) and kind."""

    customer_id: int
    name: str
    aliases: tuple[str, ...]
    country: str
    kind: CustomerKind


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
    features: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Alias:
    customer: WatchName
    text: str
    shape: str  # acronym | word-acronym | generic | common | name
    script: str  # latin | cyrillic | arabic | greek | other


@dataclass(slots=True)
class Hit:
    alias: Alias
    form: str  # exact | translit | inflected | dotted | clitic | lookalike | unqualified | country-police
    view_start: int
    view_end: int


_ARTICLE = re.compile(r"\A(?:wal|bal|lil|al|ll)(?=\w{3})")


@cache
def _generic_word(word: str) -> bool:
    return _generic_english(word) or institution_word(word, _generic_english)


def _generic_english(word: str) -> bool:
    return _GENERIC.match(_ARTICLE.sub("", word)) is not None


def alias_shape(text: str, folded: str) -> str:
    if " " not in text and text.isupper():
        letters = sum(c.isalpha() for c in text)
        if 2 <= letters <= 8:
            if letters <= 2 or folded in _COMMON or folded in acronyms.STOPWORDS:
                return "word-acronym"
            return "acronym"
    words = [w for w in folded.split() if w not in acronyms.STOPWORDS]
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
    words = [w for w in matched.replace("-", " ").split() if w.lower() not in acronyms.STOPWORDS]
    expected = [w for w in alias.text.replace("-", " ").split() if w.lower() not in acronyms.STOPWORDS]
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


def features(
    hit: Hit, folded: Folded, countries: list[CountryMention], start: int, end: int, casing: str
) -> tuple[dict[str, float], list[str]]:
    """Named features of a hit (for the mention model in parameters.json) and reasons a person reads."""
    alias = hit.alias
    text = folded.original
    matched = text[start:end]
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    shape = "acronym" if hit.form == "letters" else alias.shape  # NTMC spelled এনটিএমসি is still an acronym
    found: dict[str, float] = {f"shape:{shape}": 1.0, f"written:{casing}": 1.0}
    reasons = [_alias_reason(hit, matched)]
    if hit.form != "exact":
        found[f"form:{hit.form}"] = 1.0
    if text[end : end + 2] in ("'s", "’s") or text[end : end + 1] in ("'", "’"):
        found["possessive"] = 1.0
        reasons.append(f'possessive "{text[start : end + 2].rstrip()}"')
    around = before[-25:] + after[:25]
    if casing == "caps" and any(c.isupper() for c in around) and not any(c.islower() for c in around):
        found["headline"] = 1.0
        reasons.append("capitals carry no weight in an all-capitals line")
    if shape in ("acronym", "word-acronym"):
        reasons.append(_acronym_reason(casing, matched))
        if len(alias.text.replace(".", "")) <= 3:
            found["short"] = 1.0
        if shape == "word-acronym":
            reasons.append(f'"{alias.text}" is also an ordinary word or abbreviation')
        spelled = acronyms.spelled_out_as(text, start, end)
        elsewhere = acronyms.spelled_elsewhere(text, matched, start) if spelled is None else None
        if elsewhere is not None and not _names_customer(alias, elsewhere):
            spelled = elsewhere  # the text says elsewhere that this acronym is another body
        if spelled is not None:
            if _names_customer(alias, spelled):
                found["spelled:same"] = 1.0
                reasons.append(f'spelled out as "{" ".join(spelled.split())[:60]}"')
            else:
                found["spelled:other"] = 1.0
                reasons.append(
                    f'spelled out as "{" ".join(spelled.split())[:60]}": another body with that acronym'
                )
    elif shape == "generic":
        reasons.append("generic name: needs country context")
    if _CODE_NUMBER.match(after):
        found["number-after"] = 1.0
        reasons.append("followed by a number, like a product code or a rating")
    if shape in ("common", "word-acronym") or (shape == "acronym" and casing == "title"):
        words = before.rstrip().rsplit(" ", 2)
        previous = words[-1]
        earlier = words[-2] if len(words) >= 2 else ""
        if not before.strip() or before.rstrip()[-1] in _SENTENCE_END:
            found["sentence-start"] = 1.0
        elif (
            previous[:1].isupper() and previous.lower() not in _ARTICLES and earlier[-1:] not in _SENTENCE_END
        ):
            found["capital-before"] = 1.0
            reasons.append("preceded by a capitalised word: part of a longer name")
        elif previous.lower() in _ARTICLES:
            found["article-before"] = 1.0
            reasons.append("preceded by an article, as a title or an ordinary word would be")
        if after[:1] == " " and after[1:2].isupper():
            found["capital-after"] = 1.0
            reasons.append("followed by another capitalised word: part of a longer name")
    if shape in ("name", "generic"):
        abbreviation = _ABBREVIATION_AFTER.match(text, end)
        known = {a.upper() for a in alias.customer.aliases}
        if abbreviation is not None and abbreviation.group(1).upper() not in known:
            found["abbreviated-otherwise"] = 1.0
            reasons.append(f'the text abbreviates it "{abbreviation.group(1)}", not as the customer')
    if shape == "common" and " " not in alias.text.strip():
        found["common-one-word"] = 1.0  # "Guardian", "Sentinel": a word before it is a name
    if lexicon.organisation_after(folded.view, hit.view_end):
        found["organisation-after"] = 1.0
        reasons.append("followed by a kind of organisation: part of another organisation's name")
    if casing == "lower":
        reasons.append("written in lower case")
    if alias.customer.kind not in ("government", "soe"):
        found["kind:company"] = 1.0
    _country_features(hit, countries, found, reasons, matched)
    quiet_shapes = ("acronym", "word-acronym", "common")
    if (
        shape in quiet_shapes
        and not lexicon.all_terms(folded.view).categories_outside(hit.view_start, hit.view_end)
        & _SECURITY_STORY
    ):
        # An acronym shared with a school, a pollster or a steel grade turns up in stories of no security.
        found[f"{shape}&text:quiet"] = 1.0
        reasons.append("the text speaks of no security matter, harm or crime")
    # A name written in the language of the customer's country ("Nemzetbiztonsági Szakszolgálat" in a
    # Hungarian text) is less likely another country's body, whatever other countries the text names.
    own = _languages_of(alias.customer.country) if shape in ("name", "generic") else frozenset()
    if own and lexicon.text_language(text) in own:
        found[f"{shape}&language:own"] = 1.0
        reasons.append(f"the text is in a language of {country_name(alias.customer.country)}")
    # How much a country tells depends on the shape of the name and on the kind of customer (a company
    # is reported wherever it sells): weigh them together.
    for name in [k for k in found if k.startswith("country:")]:
        found[f"{shape}&{name}"] = 1.0
        if "kind:company" in found:
            found[f"company&{name}"] = 1.0
    return found, reasons


@cache
def _languages_of(country: str) -> frozenset[str]:
    """Official languages of a country, as language codes without script (CLDR, through Babel)."""
    from babel.languages import get_official_languages

    # English is written about every country: an English text says nothing of whose body it names.
    return frozenset(code.split("_")[0] for code in get_official_languages(country, de_facto=True)) - {"en"}


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
    words = {w for w in fold_key(spelled).split() if len(w) >= 4}
    if not words:
        return True
    known = {w for name in names for w in fold_key(name).split() if len(w) >= 4}
    return sum(1 for w in words if any(_same_word(w, k) for k in known)) * 2 >= len(words)


def _same_word(word: str, known: str) -> bool:
    """Whether two folded words are one word inflected, translated alike or transliterated otherwise:
    the first five letters agree ("Defence", "Defensa"), or at most about a third of the letters differ
    (Polish "służby", Russian "службы" read "sluzhby")."""
    if word[:5] == known[:5]:
        return True
    return Levenshtein.normalized_similarity(word, known) >= 0.7


def _alias_reason(hit: Hit, matched: str) -> str:
    alias = hit.alias.text
    if hit.form == "translit" or (hit.form == "exact" and script_of(matched) != hit.alias.script):
        return f'transliteration of alias "{alias}"'
    if hit.form == "misspelt" and script_of(matched) != hit.alias.script:
        return f'"{matched}": "{alias}" written by ear in another script'
    if hit.form == "inflected":
        return f'inflected form of alias "{alias}"'
    if hit.form == "clitic":
        return f'alias "{alias}" with an attached particle'
    described = {
        "unqualified": f'"{alias}", the customer\'s name without its country or legal form',
        "stemmed": f'inflected form "{matched}" of "{alias}"',
        "suffixed": f'"{alias}" with an ending ("{matched}")',
        "misspelt": f'"{matched}", one letter from "{alias}"',
        "lookalike": f'"{alias}" in lookalike letters of another script',
        "letters": f'"{matched}": an acronym of the customer spelled in letter names',
        "translated": f'"{alias}": the customer\'s English name translated word by word',
        "country-police": f'"{matched}": that country\'s police force, {hit.alias.customer.name}',
    }
    if hit.form in described:
        return described[hit.form]
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


def _country_features(
    hit: Hit, countries: list[CountryMention], found: dict[str, float], reasons: list[str], matched: str
) -> None:
    """Which countries are named near the hit: the customer's own, or another one that qualifies it."""
    settings = parameters()
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
    own_name = country_name(own)
    adjacent, near = settings.adjacent_country, settings.near_country
    own_first = own_distance is not None and (other_distance is None or own_distance <= other_distance)
    if own_first and own_distance is not None and own_distance <= adjacent:
        found["country:own-adjacent"] = 1.0
        reasons.append(f"country context: {own_name} named next to it")
    elif other_distance is not None and other_distance <= adjacent:
        found["country:other-adjacent"] = 1.0
        reasons.append(f"another country's body: {country_name(other)} named next to it")
    elif own_distance is not None and own_distance <= near:
        found["country:own-near"] = 1.0
        reasons.append(f"country context: {own_name}")
    elif own_distance is not None:
        found["country:own-elsewhere"] = 1.0
        reasons.append(f"country context: {own_name} (elsewhere in the text)")
    elif other_distance is not None and other_distance <= near:
        found["country:other-near"] = 1.0
        reasons.append(f"another country nearby: {country_name(other)}, and not {own_name}")
    else:
        found["country:none"] = 1.0
    if hit.alias.script != "latin" and script_of(matched) == hit.alias.script:
        found["own-script"] = 1.0


def snippet(text: str, start: int, end: int) -> str:
    margin = max(0, (SNIPPET - (end - start)) // 2)
    left, right = max(0, start - margin), min(len(text), end + margin)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    middle = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + middle + ("…" if right < len(text) else "")

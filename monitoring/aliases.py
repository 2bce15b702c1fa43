"""The forms of a customer's names that the matcher's automaton holds: as imported, without a country
qualifier or demonym, a company's name without its legal form or descriptor, and the other spellings of
monitoring.variants (romanisations, inflections, attached particles, Greek lookalike capitals)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from monitoring import lexicon
from monitoring.countries import country_mentions
from monitoring.judging import Alias, WatchName
from monitoring.text import fold_key, fold_text, script_of
from monitoring.translation import translated_names
from monitoring.variants import (
    arabic_clitics,
    cyrillic_by_ear,
    greek_lookalike,
    latin_variants,
    romanisations,
    russian_cases,
    spelling_variants,
)

_QUALIFIER = re.compile(r"\s*\(([^()]+)\)\s*\Z")


_LATIN_ACRONYM = re.compile(r"[A-Z]{3,6}\Z")


def alias_texts(watch: WatchName) -> Iterable[tuple[str, str | None]]:
    """The customer's names as imported, then the name without its country qualifier or demonym, a
    company's name without its legal form (rigour) or a trailing descriptor ("Nexa Technologies"), and
    its Latin acronyms spelled with other scripts' letter names (lexicon `[acronyms]`: NSO = إن إس أو),
    and a company's Latin acronym with the words that languages written without spaces run into it
    (`[attached]`: NSO集团), and its English names in other languages (`[glossary]`: Federal Security
    Service = 联邦安全局)."""
    for raw in (watch.name, *watch.aliases):
        yield raw, None
    for raw in (watch.name, *watch.aliases):
        if raw.isascii():
            for translation in translated_names(raw, watch.country):
                yield translation, "translated"
    for raw in (watch.name, *watch.aliases):
        for spelling in spelling_variants(raw):
            yield spelling, "misspelt"  # Bengali র written ব়: ব়্যাব, and with endings (ব়্যাবের)
    for raw in (watch.name, *watch.aliases):
        if script_of(raw) == "cyrillic" and " " not in raw.strip():
            # One-word names and acronyms are transliterated; longer names are translated instead.
            for spelling in romanisations(raw):
                yield spelling, "translit"  # ФСБ as Hungarian writes it: FSZB
    for raw in (watch.name, *watch.aliases):
        if _LATIN_ACRONYM.match(raw):
            for spelling in lexicon.acronym_spellings(raw):
                yield spelling, "letters"
    if watch.kind not in ("government", "soe"):
        for raw in (watch.name, *watch.aliases):
            if _LATIN_ACRONYM.match(raw):
                for word in lexicon.attached_after():
                    yield raw + word, "clitic"  # NSO集团: a company word run into a Latin acronym
        from rigour.names import remove_org_types  # only when building: it takes a while to import

        for raw in (watch.name, *watch.aliases):
            bare = " ".join(remove_org_types(raw).split())
            words = bare.split()
            if len(words) == 2 and words[1].lower() in lexicon.descriptors() and len(words[0]) >= 4:
                bare = words[0]
            if bare and bare != raw:
                yield bare, "unqualified"
    for raw in (watch.name, *watch.aliases):
        qualifier = _QUALIFIER.search(raw)
        if qualifier is not None:
            yield raw[: qualifier.start()], "unqualified"
            continue
        folded = fold_text(raw)
        for country in country_mentions(folded):
            if country.country == watch.country and country.view_start <= 1:
                skipped = len(folded.view[country.view_start : country.view_end].split())
                rest = " ".join(raw.split()[skipped:])
                if len(rest.split()) >= 2 or (rest and rest.split()[0].lower() != rest.split()[0]):
                    yield rest, "unqualified"
                break


def keys_of(alias: Alias, folded: str) -> Iterable[tuple[str, str]]:
    yield folded, "exact"
    if alias.shape in ("acronym", "word-acronym") and alias.script == "latin":
        yield " ".join(folded), "dotted"  # F.B.I. folds to "f b i"
        lookalike = greek_lookalike(alias.text)
        if lookalike is not None:
            yield fold_key(lookalike), "lookalike"
    elif alias.shape == "acronym" and alias.script in ("greek", "cyrillic"):
        yield " ".join(fold_key(c) for c in alias.text if c.strip()), "dotted"  # Ε.Υ.Π. folds to "ε υ π"
    elif "." in alias.text and all(len(w) == 1 for w in folded.split()[:2]):
        yield fold_key(alias.text.replace(".", "")), "dotted"  # "U.S. Immigration" -> "US Immigration"
    if alias.script == "latin" and alias.shape == "name" and " " not in folded:
        for variant in cyrillic_by_ear(alias.text):
            yield variant, "translit"  # Huawei written Хуавей
    if alias.script == "cyrillic":
        for variant in latin_variants(alias.text):
            yield variant, "translit"
        for form in russian_cases(alias.text):
            yield fold_key(form), "inflected"
    elif alias.script == "arabic":
        for form in arabic_clitics(alias.text):
            yield fold_key(form), "clitic"

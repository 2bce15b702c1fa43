"""A country's one watched police force, found as that country's police ("die türkische Polizei",
"la policía de Nicaragua"): a police word near a country word, anywhere in a text that names that
country and no other ("nelle Filippine ... la polizia"), or in a text that names no country, written in a
language that is the first language of that country alone (a Turkish "polis" is Turkey's)."""

from __future__ import annotations

from functools import cache

from monitoring.countries import CountryMention
from monitoring.judging import Alias, Hit
from monitoring.lexicon import text_language
from monitoring.text import Folded

POLICE_REACH = 24  # view characters between a country word and a police word ("la policía de Nicaragua")


def police_hits(
    police: dict[str, list[Alias]],
    folded: Folded,
    police_words: list[tuple[int, int]],
    countries: list[CountryMention],
    named: list[tuple[int, int]],
) -> list[tuple[Hit, int, int, str]]:
    """A hit on each watched police force whose country is named within reach of a police word, or
    named alone in the text, or whose language the text is written in when it names no country (the
    police word alone is then the match). `named`: view spans of the names found in the text."""
    # A police word inside a name found as such is that name's, not "<country> police"; a name that is
    # the police word alone ("Uganda Police" less its country) leaves it to the country named.
    police_words = [
        (s, e) for s, e in police_words if not any(a <= s and e <= b and b - a > e - s for a, b in named)
    ]
    found = []
    only = {country.country for country in countries}
    if not only and (language := text_language(folded.original)) and (home := home_country(language)):
        only = {home}
    for word_start, word_end in police_words:
        near = False
        for country in countries:
            if country.country not in police:
                continue
            before = 0 <= word_start - country.view_end <= POLICE_REACH
            after = 0 <= country.view_start - word_end <= POLICE_REACH
            if not (before or after):
                continue
            near = True
            low, high = min(word_start, country.view_start), max(word_end, country.view_end)
            start, end = folded.span(low, high)
            for alias in police[country.country]:
                found.append((Hit(alias, "country-police", low, high), start, end, "title"))
        if not near and len(only) == 1 and (country_code := next(iter(only))) in police:
            start, end = folded.span(word_start, word_end)
            for alias in police[country_code]:
                found.append((Hit(alias, "country-police", word_start, word_end), start, end, "title"))
    return found


@cache
def home_country(language: str) -> str | None:
    """The one country whose first official language `language` is (Turkish: Turkey; Spanish: none)."""
    from babel import Locale
    from babel.languages import get_official_languages

    homes = []
    for code in map(str, Locale("en").territories):
        if len(code) == 2 and code.isalpha():
            first = get_official_languages(code, de_facto=True)[:1]
            if first and first[0].split("_")[0] == language:
                homes.append(code)
    return homes[0] if len(homes) == 1 else None

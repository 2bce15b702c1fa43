"""A country's one watched police force, found as that country's police ("die türkische Polizei",
"la policía de Nicaragua"): a police word near a country word."""

from __future__ import annotations

from monitoring.countries import CountryMention
from monitoring.judging import Alias, Hit
from monitoring.text import Folded

POLICE_REACH = 24  # view characters between a country word and a police word ("la policía de Nicaragua")


def police_hits(
    police: dict[str, list[Alias]],
    folded: Folded,
    police_words: list[tuple[int, int]],
    countries: list[CountryMention],
) -> list[tuple[Hit, int, int, str]]:
    """A hit on each watched police force whose country is named within reach of a police word."""
    found = []
    for word_start, word_end in police_words:
        for country in countries:
            if country.country not in police:
                continue
            before = 0 <= word_start - country.view_end <= POLICE_REACH
            after = 0 <= country.view_start - word_end <= POLICE_REACH
            if not (before or after):
                continue
            low, high = min(word_start, country.view_start), max(word_end, country.view_end)
            start, end = folded.span(low, high)
            for alias in police[country.country]:
                found.append((Hit(alias, "country-police", low, high), start, end, "title"))
    return found

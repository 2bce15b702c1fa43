"""Countries a body's name names ("... in Algeria", "National Liberation Army of Iran"): two bodies of one
generic name told apart by the country each names."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rigour.territories import get_territories
from rigour.text import ascii_text

from screening.names import NameForm


@cache
def _country_words() -> dict[str, str]:
    """Present-day countries whose short or full name is one word, by that word ("algeria": "DZ")."""
    words = {}
    for territory in get_territories():
        if not territory.is_country or territory.is_historical:
            continue
        for name in (territory.name, territory.full_name):
            if name and " " not in name:
                words[ascii_text(name).casefold()] = territory.code.upper()
    return words


def named_countries(forms: Iterable[NameForm]) -> frozenset[str]:
    """The countries the names name by a word of their own."""
    words = _country_words()
    return frozenset(words[token] for form in forms for token in form.tokens if token in words)


def other_place(
    customer: NameForm,
    customer_countries: frozenset[str],
    listed: tuple[NameForm, ...],
    listed_countries: frozenset[str],
) -> frozenset[str]:
    """The countries the customer's name names that the listing names nowhere (neither in its names nor in
    its countries), when they tell another body: the listing is placed elsewhere, or the customer's name
    names a country the customer is not in ("... of Iran" from Iraq)."""
    named = named_countries((customer,))
    listing_places = named_countries(listed) | listed_countries
    others = named - listing_places
    if not others or (not listing_places and others <= customer_countries):
        return frozenset()
    return others

"""Countries a body's name names ("... in Algeria", "National Liberation Army of Iran"): two bodies of one
generic name told apart by the country each names."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rigour.territories import get_territories
from rigour.text import ascii_text

from screening.names import NameForm

# Cities that name a body's place ("Ansar al-Shari'a in Benghazi"), by the country they are in.
CITY_COUNTRIES = {
    city: country
    for country, cities in (
        ("LY", "benghazi tripoli misrata derna sirte"),
        ("IQ", "baghdad basra mosul erbil kirkuk"),
        ("SY", "damascus aleppo raqqa idlib homs latakia"),
        ("YE", "sanaa aden"),
        ("AF", "kabul kandahar herat"),
        ("PK", "karachi lahore peshawar quetta islamabad"),
        ("SO", "mogadishu"),
        ("LB", "beirut"),
        ("IR", "tehran isfahan mashhad tabriz shiraz qom karaj ahvaz"),
        ("RU", "moscow petersburg novosibirsk yekaterinburg vladivostok khabarovsk"),
        ("AE", "dubai sharjah ajman"),
        ("BY", "minsk"),
        ("UA", "kiev kyiv kharkiv"),
        ("KP", "pyongyang"),
        ("KR", "seoul"),
        ("TR", "istanbul ankara izmir"),
        ("CN", "beijing shanghai shenzhen guangzhou tianjin chengdu wuhan dalian harbin xiamen qingdao"),
    )
    for city in cities.split()
}


@cache
def _country_words() -> dict[str, str]:
    """The countries of present-day countries' one-word names ("algeria": "DZ") and of some cities."""
    words = {}
    for territory in get_territories():
        if not territory.is_country or territory.is_historical:
            continue
        for name in (territory.name, territory.full_name):
            if name and " " not in name:
                words[ascii_text(name).casefold()] = territory.code.upper()
    return words | CITY_COUNTRIES


def is_place_word(token: str) -> bool:
    return token in _country_words()


def countries_of(words: Iterable[str]) -> frozenset[str]:
    """The countries the words name (as countries or as cities of them)."""
    places = _country_words()
    return frozenset(places[word] for word in words if word in places)


def named_countries(forms: Iterable[NameForm]) -> frozenset[str]:
    """The countries the names name by a word of their own."""
    return frozenset().union(*(countries_of(form.tokens) for form in forms))


def other_place(
    customer_only: Iterable[str],
    customer_countries: frozenset[str],
    listed: tuple[NameForm, ...],
    listed_countries: frozenset[str],
) -> frozenset[str]:
    """The countries named by words of the customer's name the listed name lacks that the listing names
    nowhere (neither in its names nor in its countries), when they tell another body: the listing is placed
    elsewhere, or the customer's name names a country the customer is not in ("... of Iran" from Iraq)."""
    listing_places = named_countries(listed) | listed_countries
    others = countries_of(customer_only) - listing_places
    if not others or (not listing_places and others <= customer_countries):
        return frozenset()
    return others


def listed_place_elsewhere(
    listed_only: Iterable[str], customer: NameForm, customer_countries: frozenset[str]
) -> frozenset[str]:
    """The countries of places the listed name names and the customer's name lacks, when the customer is
    in none of them ("Ansar al-Shari'a in Benghazi" against "Ansar al-Sharia" in Yemen)."""
    placed = countries_of(listed_only)
    if not customer_countries or not placed:
        return frozenset()
    return placed - customer_countries - named_countries((customer,))

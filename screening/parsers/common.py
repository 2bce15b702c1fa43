"""What every list parser yields, the error it raises, and the small helpers they share."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

import orjson
import pycountry

from screening.errors import ScreeningError


class ListFormatError(ScreeningError):
    """A list file that cannot be read; the message names the file and line."""

    def __init__(self, where: str, line: int | None, message: str) -> None:
        self.where, self.line, self.message = where, line, message
        place = f"{where} line {line}" if line else where
        super().__init__(f"{place}: {message}")


@dataclass(frozen=True, slots=True)
class ListedParty:
    """One listed person or organisation, as its list publishes it."""

    entity_id: str
    person: bool
    name: str
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, upper case
    programs: tuple[str, ...] = ()
    source: str = ""  # the list within the list: CSL source, FtM datasets, OFAC programme
    listed_on: str = ""  # ISO date, when the list says
    url: str = ""
    remarks: str = ""

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def as_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "person": self.person,
            "name": self.name,
            "aliases": list(self.aliases),
            "countries": list(self.countries),
            "programs": list(self.programs),
            "source": self.source,
            "listed_on": self.listed_on,
            "url": self.url,
            "remarks": self.remarks,
        }
        return {k: v for k, v in data.items() if v not in ("", [])}

    def fingerprint(self) -> str:
        """Changes whenever what the listing says changes (names, countries, programmes, dates...)."""
        payload = orjson.dumps(self.as_data(), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha1(payload, usedforsecurity=False).hexdigest()


_COUNTRY_ALIASES = {
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "north korea": "KP",
    "korea, north": "KP",
    "south korea": "KR",
    "korea, south": "KR",
    "burma": "MM",
    "turkey": "TR",
    "turkiye": "TR",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "vietnam": "VN",
    "laos": "LA",
    "moldova": "MD",
    "taiwan": "TW",
    "palestinian": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "czech republic": "CZ",
    "united kingdom": "GB",
    "uk": "GB",
    "united states": "US",
    "usa": "US",
    "uae": "AE",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "kosovo": "XK",
    "macau": "MO",
    "hong kong": "HK",
    "region: crimea": "UA",
    "crimea": "UA",
}


@cache
def country_code(value: str) -> str | None:
    """An ISO alpha-2 code for a code or an English country name; None when it names no country."""
    text = value.strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        return text.upper() if pycountry.countries.get(alpha_2=text.upper()) or text.upper() == "XK" else None
    folded = text.lower()
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


def countries_of(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        code = country_code(value)
        if code and code not in found:
            found.append(code)
    return tuple(found)


_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    return _SPACES.sub(" ", str(value)).strip() if value is not None else ""


def unique(values: list[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        value = clean(value)
        if value and value not in seen:
            seen.append(value)
    return tuple(seen)


def split_multi(value: str, separator: str = ";") -> list[str]:
    return [part.strip() for part in value.split(separator) if part.strip()]

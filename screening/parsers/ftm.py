"""OpenSanctions / FollowTheMoney `entities.ftm.json`: one JSON entity per line, read line by line.

Persons and organisations (the matchable legal-entity schemata) are yielded; sanctions, addresses,
relationships and vessels are counted and skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import orjson

from screening.parsers.common import ListedParty, ListFormatError, clean, countries_of, unique

PERSON_SCHEMATA = frozenset({"Person"})
ORGANISATION_SCHEMATA = frozenset({"Organization", "Company", "PublicBody", "LegalEntity"})
NAME_PROPS = ("name", "alias", "previousName")
COUNTRY_PROPS = (
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "mainCountry",
    "registrationCountry",
)


def parse(stream: IO[bytes], where: str = "entities.ftm.json") -> Iterator[ListedParty]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ListFormatError(where, number, f"not a JSON entity ({exc})") from None
        party = _party(data, where, number)
        if party is not None:
            yield party


def _party(data: Any, where: str, number: int) -> ListedParty | None:
    if not isinstance(data, dict):
        raise ListFormatError(where, number, "each line must be one JSON object (an entity)")
    entity_id, schema = data.get("id"), data.get("schema")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise ListFormatError(where, number, "the entity has no 'id'")
    if not isinstance(schema, str) or not schema:
        raise ListFormatError(where, number, f"entity {entity_id} has no 'schema'")
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise ListFormatError(where, number, f"entity {entity_id}: 'properties' must be an object")
    if schema not in PERSON_SCHEMATA and schema not in ORGANISATION_SCHEMATA:
        return None
    values = {
        key: _strings(properties.get(key, []), where, number, key) for key in (*NAME_PROPS, *COUNTRY_PROPS)
    }
    names = unique([*values["name"], *values["alias"], *values["previousName"]])
    caption = clean(data.get("caption"))
    if not names and caption:
        names = (caption,)
    if not names:
        raise ListFormatError(where, number, f"entity {entity_id} has no name")
    countries = countries_of([c for key in COUNTRY_PROPS for c in values[key]])
    datasets = _strings(data.get("datasets", []), where, number, "datasets")
    topics = _strings(properties.get("topics", []), where, number, "topics")
    urls = _strings(properties.get("sourceUrl", []), where, number, "sourceUrl")
    first_seen = data.get("first_seen")
    return ListedParty(
        entity_id=entity_id.strip(),
        person=schema in PERSON_SCHEMATA,
        name=caption if caption in names else names[0],
        aliases=tuple(n for n in names if n != (caption if caption in names else names[0])),
        countries=countries,
        programs=unique(topics),
        source=", ".join(unique(datasets)),
        listed_on=first_seen[:10] if isinstance(first_seen, str) else "",
        url=urls[0] if urls else "",
        remarks=" ".join(_strings(properties.get("notes", []), where, number, "notes"))[:1000],
    )


def _strings(value: Any, where: str, number: int, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ListFormatError(where, number, f"'{key}' must be a list of strings")
    return value

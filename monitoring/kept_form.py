"""The plain-data form of a kept matcher (monitoring.matching.Matcher.state and restore).

Lists are kept as one text each, rows and fields apart, and split on first use: reading them back as JSON
lists took a third of a second at 50,000 customers. The separators are private-use characters, which JSON
writes as they are (control characters it escapes, and reading the escapes back took most of the load
time). A name holding one is not kept: its matcher is built on every run.
"""

from __future__ import annotations

from collections.abc import Iterable

from contracts.models import CustomerKind
from monitoring.judging import Alias, WatchName

FIELD, ITEM, ROW = "\ue01f", "\ue01e", "\ue01d"
_KINDS = {kind.value: kind for kind in CustomerKind}

#: What an automaton key leads to: key length, padded with spaces, a stem, and (alias index, form) pairs.
Payload = tuple[int, bool, bool, tuple[tuple[int, str], ...]]


def payload_text(payload: Payload) -> str:
    length, padded, stem, entries = payload
    items = ITEM.join(f"{index}:{form}" for index, form in entries)
    return FIELD.join((str(length), "1" if padded else "", "1" if stem else "", items))


def payload_of(text: str) -> Payload:
    length, padded, stem, items = text.split(FIELD)
    entries = tuple((int(i), form) for i, _, form in (item.partition(":") for item in items.split(ITEM)))
    return int(length), bool(padded), bool(stem), entries


def joined(fields: Iterable[str]) -> str:
    """One row's fields as one text; ValueError if a field holds a separator."""
    fields = list(fields)
    if any(FIELD in field or ITEM in field or ROW in field for field in fields):
        raise ValueError("a name holds a field separator: this matcher is built on every run")
    return FIELD.join(fields)


def rows_of(text: str) -> list:
    """The rows of a kept list."""
    if not isinstance(text, str):
        raise TypeError("a kept matcher's list is not a text")
    return text.split(ROW) if text else []


def customer_row(watch: WatchName) -> str:
    return joined([str(watch.customer_id), watch.name, watch.country, str(watch.kind), *watch.aliases])


def customer_of(row: str) -> WatchName:
    customer_id, name, country, kind, *aliases = row.split(FIELD)
    return WatchName(int(customer_id), name, tuple(aliases), country, _KINDS[kind])


def alias_row(customer_number: int, alias: Alias) -> str:
    return joined((str(customer_number), alias.text, alias.shape, alias.script))


def alias_text_of(row: str) -> str:
    return row.split(FIELD, 2)[1]


def alias_fields(row: str) -> tuple[int, str, str, str]:
    """Customer number, text, shape and script of a kept alias row."""
    number, text, shape, script = row.split(FIELD)
    return int(number), text, shape, script


def stemmed_text(stemmed: dict[str, list[int]]) -> str:
    return ROW.join(joined((key, ",".join(map(str, numbers)))) for key, numbers in stemmed.items())


def stemmed_of(text: str) -> dict[str, list[int]]:
    stemmed = {}
    for row in rows_of(text):
        key, numbers = row.split(FIELD)
        stemmed[key] = [int(i) for i in numbers.split(",")]
    return stemmed

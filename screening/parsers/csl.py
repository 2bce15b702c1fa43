"""The US Consolidated Screening List (trade.gov), in its JSON and its CSV forms.

JSON: `{"results": [ {...}, ... ]}` (other top-level keys ignored), each result with `id`, `source`, `type`,
`name`, `alt_names`, `addresses` [{address, city, state, postal_code, country}], `programs`, `start_date`...
The results are decoded one at a time, so that an error names the line it is on.
CSV: the same fields, one row each, several values in a cell separated by "; ".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Generator, Iterator
from typing import IO, Any

from screening.parsers.common import (
    ListedParty,
    ListFormatError,
    clean,
    countries_of,
    split_multi,
    unique,
)

SKIPPED_TYPES = frozenset({"vessel", "aircraft"})
CSV_REQUIRED = ("source", "name")
_DECODER = json.JSONDecoder()


def parse_json(stream: IO[bytes], where: str = "consolidated.json") -> Iterator[ListedParty]:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(where, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = _JsonReader(text, where)
    for position, result in reader.results():
        party = _party(result, where, reader.line_of(position), str(result.get("id") or ""))
        if party is not None:
            yield party


class _JsonReader:
    """Walks the top-level object and decodes the `results` array element by element."""

    def __init__(self, text: str, where: str) -> None:
        self.text, self.where = text, where
        self._lines_upto = 0
        self._line = 1

    def line_of(self, position: int) -> int:
        if position < self._lines_upto:
            self._lines_upto, self._line = 0, 1
        self._line += self.text.count("\n", self._lines_upto, position)
        self._lines_upto = position
        return self._line

    def _skip(self, position: int) -> int:
        while position < len(self.text) and self.text[position] in " \t\r\n":
            position += 1
        return position

    def _expect(self, position: int, char: str) -> int:
        position = self._skip(position)
        if self.text[position : position + 1] != char:
            found = self.text[position : position + 1] or "the end of the file"
            raise ListFormatError(self.where, self.line_of(position), f"expected {char!r}, found {found!r}")
        return position + 1

    def _decode(self, position: int) -> tuple[Any, int]:
        position = self._skip(position)
        try:
            return _DECODER.raw_decode(self.text, position)
        except json.JSONDecodeError as exc:
            raise ListFormatError(self.where, exc.lineno, f"not valid JSON ({exc.msg})") from None

    def results(self) -> Iterator[tuple[int, dict[str, Any]]]:
        position = self._skip(0)
        if self.text[position : position + 1] == "[":
            yield from self._array(position)
            return
        position = self._expect(position, "{")
        found = False
        while True:
            position = self._skip(position)
            if self.text[position : position + 1] == "}":
                break
            key, position = self._decode(position)
            position = self._expect(position, ":")
            if key == "results":
                found = True
                position = yield from self._array(self._skip(position))
            else:
                _, position = self._decode(position)
            position = self._skip(position)
            if self.text[position : position + 1] == ",":
                position += 1
        if not found:
            raise ListFormatError(
                self.where, None, "no 'results' array: is this the Consolidated Screening List?"
            )

    def _array(self, position: int) -> Generator[tuple[int, dict[str, Any]], None, int]:
        position = self._expect(position, "[")
        while True:
            position = self._skip(position)
            if self.text[position : position + 1] == "]":
                return position + 1
            start = position
            value, position = self._decode(position)
            if not isinstance(value, dict):
                raise ListFormatError(self.where, self.line_of(start), "each result must be a JSON object")
            yield start, value
            position = self._skip(position)
            if self.text[position : position + 1] == ",":
                position += 1
            elif self.text[position : position + 1] != "]":
                raise ListFormatError(
                    self.where, self.line_of(position), "expected ',' or ']' after a result"
                )


def parse_csv(stream: IO[bytes], where: str = "consolidated.csv") -> Iterator[ListedParty]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from _csv_rows(csv.DictReader(text), where)
    finally:
        text.detach()  # the caller owns the stream


def _csv_rows(reader: csv.DictReader[str], where: str) -> Iterator[ListedParty]:
    try:
        header = reader.fieldnames or []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ListFormatError(where, 1, f"unreadable header ({exc})") from None
    missing = [c for c in CSV_REQUIRED if c not in header] + ([] if {"_id", "id"} & set(header) else ["_id"])
    if missing:
        raise ListFormatError(where, 1, "missing column(s): " + ", ".join(missing))
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise ListFormatError(where, line, "more cells than columns")
            if len(row) == 1 and not any((v or "").strip(" \x1a") for v in row.values()):
                continue
            data: dict[str, Any] = {k: (v or "") for k, v in row.items()}
            data["id"] = data.get("_id") or data.get("id")
            for key in ("alt_names", "programs", "nationalities", "citizenships"):
                data[key] = split_multi(data.get(key, ""))
            data["addresses"] = [{"address": a} for a in split_multi(data.get("addresses", ""))]
            party = _party(data, where, line, str(data["id"]))
            if party is not None:
                yield party
    except UnicodeDecodeError as exc:
        raise ListFormatError(where, reader.line_num + 1, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise ListFormatError(where, reader.line_num, f"not valid CSV ({exc})") from None


def _party(data: dict[str, Any], where: str, line: int, entity_id: str) -> ListedParty | None:
    if not entity_id.strip():
        raise ListFormatError(where, line, "a result without an id")
    kind = clean(data.get("type")).lower()
    if kind in SKIPPED_TYPES:
        return None
    name = clean(data.get("name"))
    if not name:
        raise ListFormatError(where, line, f"result {entity_id} has no name")
    aliases = _list(data.get("alt_names"), where, line, "alt_names")
    addresses = data.get("addresses") or []
    if not isinstance(addresses, list):
        raise ListFormatError(where, line, "'addresses' must be a list")
    places = []
    for address in addresses:
        if not isinstance(address, dict):
            raise ListFormatError(where, line, "each address must be an object")
        country = clean(address.get("country"))
        if not country and address.get("address"):
            # The CSV writes each address on one line, the country last: "street, city, ..., CN".
            country = clean(str(address["address"]).rsplit(",", 1)[-1])
        places.append(country)
    nationalities = _list(data.get("nationalities"), where, line, "nationalities")
    citizenships = _list(data.get("citizenships"), where, line, "citizenships")
    return ListedParty(
        entity_id=entity_id.strip(),
        person=kind == "individual",
        name=name,
        aliases=tuple(a for a in unique(aliases) if a != name),
        countries=countries_of([*places, *nationalities, *citizenships]),
        programs=unique(_list(data.get("programs"), where, line, "programs")),
        source=clean(data.get("source")),
        listed_on=clean(data.get("start_date"))[:10],
        url=clean(data.get("source_information_url")),
        remarks=clean(data.get("remarks"))[:1000],
    )


def _list(value: Any, where: str, line: int, key: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return split_multi(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ListFormatError(where, line, f"'{key}' must be a list of strings")
    return value

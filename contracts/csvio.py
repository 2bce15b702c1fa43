"""Reading import files: every row is checked before anything is written, errors name line and column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import ImportFailed
from contracts.models import Customer
from endwatch.csvfile import safe_row, unescape_cell

MAX_ROWS = 50_000
TRUE = frozenset({"1", "true", "yes", "y", "x"})
FALSE = frozenset({"", "0", "false", "no", "n"})
_REF = re.compile(r"^(?P<name>.+?)\s*\[(?P<country>[A-Za-z]{2})\]$")


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]
    present: frozenset[str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def fail(self, column: str, message: str) -> ImportFailed:
        return ImportFailed(self.line, column, message)


def read_rows(text: str, required: Iterable[str], optional: Iterable[str]) -> list[Row]:
    """Parse a CSV file with a header; reject unknown, missing and repeated columns."""
    required, optional = list(required), list(optional)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ImportFailed(1, "", "the file is empty; expected a header: " + ",".join(required))
        columns = [cell.strip().lower() for cell in header]
        for column in columns:
            if column not in required and column not in optional:
                raise ImportFailed(1, column, "unknown column; known: " + ",".join(required + optional))
            if columns.count(column) > 1:
                raise ImportFailed(1, column, "column appears twice")
        for column in required:
            if column not in columns:
                raise ImportFailed(1, column, "required column is missing")
        rows: list[Row] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                message = f"{len(cells)} fields but the header has {len(columns)}"
                raise ImportFailed(reader.line_num, "", message)
            if len(rows) >= MAX_ROWS:
                raise ImportFailed(reader.line_num, "", f"more than {MAX_ROWS} rows; split the file")
            values = dict(zip(columns, map(unescape_cell, cells), strict=False))
            rows.append(Row(reader.line_num, values, frozenset(columns)))
    except csv.Error as exc:
        raise ImportFailed(reader.line_num, "", f"not readable as CSV ({exc})") from None
    return rows


def text_field(row: Row, column: str, max_length: int, required: bool = False) -> str:
    value = row.get(column)
    if required and not value:
        raise row.fail(column, "must not be empty")
    if len(value) > max_length:
        raise row.fail(column, f"longer than {max_length} characters")
    return value


def list_field(row: Row, column: str, max_length: int = 200) -> list[str]:
    items: list[str] = []
    for part in row.get(column).split(";"):
        item = " ".join(part.split())
        if len(item) > max_length:
            raise row.fail(column, f"an entry is longer than {max_length} characters")
        if item and item not in items:
            items.append(item)
    return items


def bool_field(row: Row, column: str) -> bool:
    value = row.get(column).lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise row.fail(column, f"{row.get(column)!r} is not yes or no")


def date_field(row: Row, column: str) -> date | None:
    value = row.get(column)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise row.fail(column, f"{value!r} is not a date in the form YYYY-MM-DD") from None


def country_field(row: Row, column: str) -> str:
    value = row.get(column).upper()
    if not value:
        raise row.fail(column, "must not be empty")
    if not is_country(value):
        raise row.fail(column, f"{row.get(column)!r} is not an ISO 3166-1 alpha-2 country code")
    return value


def is_country(code: str) -> bool:
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return False
    return pycountry.countries.get(alpha_2=code) is not None


def choice_field(row: Row, column: str, choices: Iterable[str]) -> str:
    allowed = list(choices)
    value = row.get(column).lower()
    if value not in allowed:
        raise row.fail(column, f"{row.get(column)!r} is not one of " + "|".join(allowed))
    return value


def split_ref(text: str) -> tuple[str, str | None]:
    """'Name [CC]' gives (Name, CC); a bare name gives (name, None)."""
    match = _REF.match(text.strip())
    if match:
        return match.group("name").strip(), match.group("country").upper()
    return text.strip(), None


def name_key(name: str, country: str) -> tuple[str, str]:
    return " ".join(name.split()).casefold(), country.upper()


def write_csv(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue()


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


class CustomerIndex:
    """Finds customers by 'Name' or 'Name [CC]', among stored ones and those about to be imported."""

    def __init__(self, session: Session) -> None:
        self.by_key: dict[tuple[str, str], Customer] = {}
        for customer in session.scalars(select(Customer)):
            self.by_key[name_key(customer.name, customer.country)] = customer
        self.pending: dict[tuple[str, str], int] = {}

    def resolve(self, row: Row, column: str, text: str) -> tuple[str, str]:
        name, country = split_ref(text)
        if country is not None:
            key = name_key(name, country)
            if key not in self.by_key and key not in self.pending:
                raise row.fail(column, f"no customer {text!r}")
            return key
        folded = name_key(name, "")[0]
        matches = {k for k in (*self.by_key, *self.pending) if k[0] == folded}
        if not matches:
            raise row.fail(column, f"no customer named {name!r}")
        if len(matches) > 1:
            raise row.fail(column, f"{name!r} exists in several countries; write it as 'Name [CC]'")
        return matches.pop()

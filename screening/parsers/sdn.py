"""OFAC's SDN list as its three legacy CSV files: sdn.csv, alt.csv (other names), add.csv (addresses).

No header row; "-0-" stands for an empty value; the files end with a Ctrl-Z line. sdn.csv fields: ent_num,
SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks.
alt.csv: ent_num, alt_num, alt_type, alt_name, alt_remarks. add.csv: ent_num, add_num, address,
city/state/province/postal code, country, add_remarks.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import IO

from screening.parsers.common import ListedParty, ListFormatError, clean, countries_of, unique

SDN_COLUMNS = 12
ALT_COLUMNS = 5
ADD_COLUMNS = 6
NULL = "-0-"
SKIPPED_TYPES = frozenset({"vessel", "aircraft"})


def _text(stream: IO[bytes]) -> io.StringIO:
    data = stream.read()
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        return io.StringIO(data.decode("cp1252", errors="replace"), newline="")


def _rows(stream: IO[bytes], where: str, columns: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(_text(stream))
    try:
        for row in reader:
            if not row or all(not cell.strip(" \x1a") for cell in row):
                continue
            if len(row) != columns:
                raise ListFormatError(
                    where, reader.line_num, f"{len(row)} fields where {columns} are expected"
                )
            values = [("" if cell.strip() == NULL else cell.strip()) for cell in row]
            if not values[0].isdigit():
                raise ListFormatError(where, reader.line_num, f"ent_num {values[0]!r} is not a number")
            yield reader.line_num, values
    except csv.Error as exc:
        raise ListFormatError(where, reader.line_num, f"not valid CSV ({exc})") from None


def parse(
    sdn: IO[bytes],
    alt: IO[bytes],
    add: IO[bytes],
    where: tuple[str, str, str] = ("sdn.csv", "alt.csv", "add.csv"),
) -> Iterator[ListedParty]:
    aliases: dict[str, list[str]] = defaultdict(list)
    for _, row in _rows(alt, where[1], ALT_COLUMNS):
        if row[3]:
            aliases[row[0]].append(clean(row[3]))
    countries: dict[str, list[str]] = defaultdict(list)
    for _, row in _rows(add, where[2], ADD_COLUMNS):
        if row[4]:
            countries[row[0]].append(row[4])
    for line, row in _rows(sdn, where[0], SDN_COLUMNS):
        ent_num, name, kind, program = row[0], row[1], row[2].lower(), row[3]
        if kind in SKIPPED_TYPES:
            continue
        if not name:
            raise ListFormatError(where[0], line, f"entry {ent_num} has no name")
        programs = unique([p.strip(" []") for p in program.split("] [")]) if program else ()
        yield ListedParty(
            entity_id=ent_num,
            person=kind == "individual",
            name=clean(name),
            aliases=tuple(a for a in unique(aliases.get(ent_num, [])) if a != clean(name)),
            countries=countries_of(countries.get(ent_num, [])),
            programs=programs,
            source="SDN",
            remarks=clean(row[11])[:1000],
        )

"""CSV cells that a spreadsheet opens as text, never as a formula (CSV injection, OWASP).

A cell starting with = + - @, a tab or a carriage return is written with a leading apostrophe, and so is
one that already starts with an apostrophe, so that `unescape_cell` gives back exactly what was written.
Plain numbers (-3, 0.5) are left as they are. Every CSV the project writes goes through `safe_row`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = frozenset("=+-@\t\r'")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in TRIGGERS and not _NUMBER.match(text):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[str]:
    return [safe_cell(value) for value in values]


def unescape_cell(text: str) -> str:
    """What `safe_cell` was given, for files the project wrote and reads back (imports)."""
    if len(text) > 1 and text[0] == "'" and text[1] in TRIGGERS:
        return text[1:]
    return text

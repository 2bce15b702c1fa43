"""Readers for the published list formats; each yields ListedParty records and raises ListFormatError."""

from screening.parsers.common import ListedParty, ListFormatError

__all__ = ["ListFormatError", "ListedParty"]

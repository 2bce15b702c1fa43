"""Domain errors of the screening package; views and commands turn them into messages."""

from __future__ import annotations

from endwatch.errors import Refused


class ScreeningError(Refused):
    """Base of every error this domain raises on purpose."""


class NotFound(ScreeningError):
    pass


class AlreadyDecided(ScreeningError):
    pass

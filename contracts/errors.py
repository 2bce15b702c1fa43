"""Domain errors of the contracts package; views and commands turn them into messages."""

from __future__ import annotations

from endwatch.errors import Refused


class ContractsError(Refused):
    """Base of every error this domain raises on purpose."""


class NotFound(ContractsError):
    pass


class InvalidAction(ContractsError):
    """An enforcement action that cannot be proposed or decided as asked."""


class ClauseMissing(InvalidAction):
    """The deployment's contract does not hold the clause that allows the action."""


class ApprovalBySameUser(InvalidAction):
    """The member who proposed an action may not approve it."""


class BadToken(ContractsError):
    """An unknown or revoked deployment token."""


class ImportFailed(ContractsError):
    """A file that cannot be imported; nothing of it was written. The message names line and column."""

    def __init__(self, line: int, column: str, message: str) -> None:
        self.line, self.column, self.message = line, column, message
        where = f"line {line}, column {column!r}" if column else f"line {line}"
        super().__init__(f"{where}: {message}")

"""Domain errors of the contracts package; views and commands turn them into messages."""

from __future__ import annotations


class ContractsError(Exception):
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

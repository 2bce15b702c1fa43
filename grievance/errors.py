"""Errors this domain raises on purpose (intake, follow-up and triage); their messages are safe to show."""

from __future__ import annotations

from endwatch.errors import Refused


class GrievanceError(Refused):
    """A refused grievance operation; the message is safe to show."""


class IntakeUnavailable(GrievanceError):
    """No recovery key exists, so a case could be lost: intake is refused rather than risk it."""


class ReceiptNotFound(GrievanceError):
    """No case has this receipt."""


class NoCaseAccess(GrievanceError):
    """This key holds no copy of the case key."""


class AttachmentRefused(GrievanceError):
    """A file that is not accepted; `reason` is a code the public view turns into a translated message."""

    def __init__(self, reason: str, filename: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.filename = filename


class TriageError(GrievanceError):
    """A refused triage operation; the message is safe to show to staff."""


class CaseNotFound(TriageError):
    """No such case."""


class Recused(TriageError):
    """The member is recused from this case."""


class IllegalTransition(TriageError):
    """The case cannot move to that state from where it is."""


class BadCursor(TriageError):
    """A page cursor that was not made by the case queue."""

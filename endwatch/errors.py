"""The one base of every error a domain raises on purpose.

A `Refused` error means "no, and here is why": its message is shown to the person who asked, and nothing
of the refused action is written. Each domain's own base (GrievanceError, MonitoringError, ContractsError,
AccountError) derives from it, so the shell's refusal handler can undo, say why and go back.
"""

from __future__ import annotations


class Refused(Exception):
    """An action refused on purpose; the message is safe to show to the person who asked."""

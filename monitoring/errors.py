"""Errors this domain raises on purpose; each message is one line for a person."""

from __future__ import annotations

from endwatch.errors import Refused


class MonitoringError(Refused):
    """A request this domain refuses; the message is one line for a person."""


class FeedInvalid(MonitoringError):
    pass


class FeedExists(MonitoringError):
    pass


class FeedUnavailable(MonitoringError):
    pass


class AlertNotFound(MonitoringError):
    pass


class AlertAlreadyDecided(MonitoringError):
    pass


class NotifyError(Exception):
    """A notice could not be delivered; the alerts stay pending."""

"""Reporting reads every domain: the grievance fixture that makes the organisation recovery key is shared."""

from tests.grievance.conftest import recovery_key

__all__ = ["recovery_key"]

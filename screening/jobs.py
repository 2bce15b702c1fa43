"""Scheduled jobs of this domain: refresh the lists that are due, screen customers that changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from endwatch.config import Config
from endwatch.scheduler import JobSpec

if TYPE_CHECKING:
    from screening import runs


def refresh_lists(session: Session, config: Config) -> runs.Outcome:
    """Every 15 minutes: re-read the lists that are due (URLs by conditional GET) and screen what changed."""
    from screening import runs  # the name analyser's tables load when a job first runs, not with the app

    return runs.refresh_and_screen(session, config, due_only=True)


def screen_changed_customers(session: Session, config: Config) -> runs.Outcome | None:
    """Every minute: screen the customers added or changed since (queued by the customers_changed signal)."""
    from screening import runs

    return runs.screen_pending(session, config)


JOBS = [
    JobSpec("screening.refresh_lists", "screening.jobs:refresh_lists", "interval", {"minutes": 15}),
    JobSpec(
        "screening.screen_changed", "screening.jobs:screen_changed_customers", "interval", {"minutes": 1}
    ),
]

"""Scheduled jobs of this domain: poll due feeds, announce critical alerts, send the digest."""

from __future__ import annotations

from sqlalchemy.orm import Session

from endwatch.config import Config
from endwatch.scheduler import JobSpec
from monitoring import notify
from monitoring.polling import PollReport, poll_due_feeds


def poll_feeds(session: Session, config: Config) -> PollReport:
    """Every minute: poll the feeds that are due (each feed keeps its own schedule and back-off)."""
    return poll_due_feeds(session, config)


def notify_critical_alerts(session: Session, config: Config) -> int:
    return notify.notify_critical(session, config)


def send_alert_digest(session: Session, config: Config) -> int:
    return notify.send_digest(session, config)


JOBS = [
    JobSpec("monitoring.poll_feeds", "monitoring.jobs:poll_feeds", "interval", {"minutes": 1}),
    JobSpec(
        "monitoring.notify_critical", "monitoring.jobs:notify_critical_alerts", "interval", {"minutes": 1}
    ),
    JobSpec("monitoring.send_digest", "monitoring.jobs:send_alert_digest", "interval", {"minutes": 15}),
]

"""Shell housekeeping jobs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from endwatch import staff_login
from endwatch.config import Config
from endwatch.scheduler import JobSpec


def purge_idle_sessions(session: Session, config: Config) -> int:
    return staff_login.purge_idle_sessions(session, timedelta(minutes=config.session_idle_minutes))


JOBS = [
    JobSpec("endwatch.purge_idle_sessions", "endwatch.jobs:purge_idle_sessions", "interval", {"minutes": 5}),
]

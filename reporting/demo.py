"""Demo data of this domain for `endwatch init --demo`: last year's report, published, so that /transparency
shows a report from the first minute (the grievance demo has filled that year with handled reports)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from endwatch.config import Config
from endwatch.db import utcnow
from reporting import snapshots


def load_demo(session: Session, config: Config) -> list[str]:
    now = utcnow()
    period = snapshots.Period(now.year - 1)
    if snapshots.find(session, period) is not None:
        return []
    snapshots.publish(session, config, period, actor="demo", now=now)
    return [
        f"Demo: the transparency report for {period} is published at /transparency; "
        f"{now.year} can be previewed by staff at /staff/transparency and published once it has ended."
    ]

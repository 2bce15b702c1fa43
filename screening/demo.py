"""Demo data of this domain for `endwatch init --demo`: a fictional list naming a demo customer's supplier."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from endwatch.config import Config
from screening.models import HitStatus, ListFormat, ScreeningHit
from screening.samples import DEMO_LIST_NAME, demo_list_path


def load_demo(session: Session, config: Config) -> list[str]:
    """Load the shipped list (no network) and screen every customer against it."""
    from screening import runs  # the name analyser's tables: not loaded by every `endwatch` command

    outcome = runs.import_and_screen(session, config, DEMO_LIST_NAME, str(demo_list_path()), ListFormat.FTM)
    hits = session.scalar(
        select(func.count())
        .select_from(ScreeningHit)
        .where(ScreeningHit.status == HitStatus.NEW, ScreeningHit.active)
    )
    alerts = sum(run.alerts for run in outcome.runs)
    return [f"Screening: {DEMO_LIST_NAME} loaded, {hits} hit(s) to review, {alerts} critical alert(s)."]

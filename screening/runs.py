"""What the commands, jobs and demo do: load or refresh lists, screen what changed, announce alerts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import click
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from endwatch import db
from endwatch.config import Config
from endwatch.db import utcnow
from monitoring import notify
from monitoring.fetch import fetch_feed
from screening import lists, services
from screening.errors import ScreeningError
from screening.lists import LoadReport
from screening.models import ListFormat, ScreeningList
from screening.services import RunReport

log = logging.getLogger(__name__)
FULL_RUN_FROM = 50_000  # entities to screen again


@dataclass
class Outcome:
    loads: list[LoadReport] = field(default_factory=list)
    runs: list[RunReport] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return len(self.errors)

    @property
    def alerts(self) -> int:
        return sum(run.alerts for run in self.runs)

    def lines(self) -> list[str]:
        out = [report.line() for report in self.loads]
        out += [f"{name}: failed: {error}" for name, error in sorted(self.errors.items())]
        out += [run.line() for run in self.runs]
        return out


def all_lists(session: Session) -> Sequence[ScreeningList]:
    return session.scalars(select(ScreeningList).order_by(ScreeningList.name)).all()


def _limits(config: Config) -> lists.FetchLimits:
    return lists.list_limits(config.feed_allow_private_networks)


def _screen_changes(session: Session, outcome: Outcome, report: LoadReport) -> None:
    outcome.loads.append(report)
    if report.unchanged:
        return
    services.mark_delisted(session, report.delisted_pks)
    if len(report.screen_pks) > FULL_RUN_FROM:
        outcome.runs.append(services.run(session))  # most of the list is new: one full pass is cheaper
    elif report.screen_pks:
        outcome.runs.append(services.run(session, entity_pks=report.screen_pks))


def import_and_screen(session: Session, config: Config, name: str, source: str, fmt: ListFormat) -> Outcome:
    outcome = Outcome()
    report = lists.import_list(session, name, source, fmt, fetch_feed, _limits(config))
    _screen_changes(session, outcome, report)
    return outcome


def refresh_and_screen(session: Session, config: Config, *, due_only: bool) -> Outcome:
    """Every list (or every list due), each in its own savepoint: one that fails keeps its old version."""
    outcome = Outcome()
    query = select(ScreeningList).where(ScreeningList.format != ListFormat.YENTE).order_by(ScreeningList.id)
    if due_only:
        now = utcnow()
        query = query.where(or_(ScreeningList.next_check_at.is_(None), ScreeningList.next_check_at <= now))
    for lst in session.scalars(query).all():
        try:
            with session.begin_nested():
                report = lists.refresh_one(session, lst, fetch_feed, _limits(config))
                _screen_changes(session, outcome, report)
        except ScreeningError as exc:
            lists.record_failure(lst, str(exc))
            outcome.errors[lst.name] = str(exc)
            log.warning("list %s not refreshed: %s", lst.name, exc)
    session.flush()
    return outcome


def screen_everything(session: Session, config: Config, customer_ids: Sequence[int] | None = None) -> Outcome:
    """The local lists, and a yente server when ENDWATCH_YENTE_URL is set."""
    outcome = Outcome()
    outcome.runs.append(services.run(session, customer_ids=customer_ids))
    if config.yente_url:
        try:
            with session.begin_nested():
                outcome.runs.append(
                    services.run_yente(
                        session, config.yente_url, config.yente_dataset, customer_ids=customer_ids
                    )
                )
        except ScreeningError as exc:
            outcome.errors[f"yente ({config.yente_dataset})"] = str(exc)
            log.warning("yente screening failed: %s", exc)
    return outcome


def screen_pending(session: Session, config: Config) -> Outcome | None:
    ids = services.take_pending(session)
    return screen_everything(session, config, ids) if ids else None


def announce_critical(count: int) -> None:
    """After the work is committed, tell staff about new critical alerts at once (the job retries)."""
    if not count:
        return
    from flask import current_app

    try:
        with db.unit_of_work() as session:
            notify.notify_critical(session, current_app.config["ENDWATCH"])
    except Exception as exc:  # the alerts are stored; the notify job will retry
        click.echo(f"warning: critical alerts not announced yet: {exc}", err=True)

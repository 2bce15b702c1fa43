"""Scheduled jobs: each domain adds its JOBS to the app (`add_jobs`, from its init_app), and `build` hands
them all to APScheduler.

Jobs are stored by reference in a SQLAlchemy job store, so exactly one `endwatch worker` (or the
embedded scheduler of `endwatch serve`) runs them; web workers never do. Each run gets its own
app context, session and commit.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy.orm import Session

from endwatch import db
from endwatch.config import Config

log = logging.getLogger(__name__)
JOB_TABLE = "apscheduler_jobs"
JOBS_KEY = "endwatch.jobs"

JobFunction = Callable[[Session, Config], Any]


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "package.module:function", called as function(session, config)
    trigger: str = "interval"
    trigger_args: dict[str, Any] = field(default_factory=dict)


_app: Flask | None = None


def add_jobs(app: Flask, specs: list[JobSpec]) -> None:
    """Register a domain's jobs with this app (called from the domain's init_app)."""
    app.extensions.setdefault(JOBS_KEY, []).extend(specs)


def all_jobs(app: Flask) -> list[JobSpec]:
    return list(app.extensions.get(JOBS_KEY, []))


def resolve(path: str) -> JobFunction:
    # The job store keeps jobs by reference ("module:function"), so a job is found again after a restart.
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def run_job(func_path: str) -> Any:
    """Entry point APScheduler calls: one app context, one session, one commit."""
    if _app is None:
        raise RuntimeError("the scheduler was not started through endwatch.scheduler.build")
    return run_in_app(_app, func_path)


def run_in_app(app: Flask, func_path: str) -> Any:
    function = resolve(func_path)
    with app.app_context(), db.unit_of_work() as session:
        return function(session, app.config["ENDWATCH"])


def build(app: Flask, *, blocking: bool) -> BaseScheduler:
    global _app
    _app = app
    engine = db.get_database(app).engine
    options: dict[str, Any] = {
        "jobstores": {"default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)},
        "executors": {"default": ThreadPoolExecutor(4)},
        "job_defaults": {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        "timezone": "UTC",
    }
    scheduler: BaseScheduler = BlockingScheduler(**options) if blocking else BackgroundScheduler(**options)
    for spec in all_jobs(app):
        scheduler.add_job(
            "endwatch.scheduler:run_job",
            spec.trigger,
            args=[spec.func],
            id=spec.id,
            name=spec.id,
            replace_existing=True,
            **spec.trigger_args,
        )
    return scheduler

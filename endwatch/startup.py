"""Sweeps a process runs once before it serves (`endwatch serve`, gunicorn's master); domains add their own.

A sweep is called as sweep(session, config, grace) in one unit of work; `grace` is how old leftovers must
be to belong to no request in flight (zero when nothing else is running yet).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from endwatch import db
from endwatch.config import Config

Sweep = Callable[[Session, Config, timedelta], Any]
KEY = "endwatch.startup_sweeps"


def add_sweep(app: Flask, sweep: Sweep) -> None:
    app.extensions.setdefault(KEY, []).append(sweep)


def run_sweeps(app: Flask, grace: timedelta) -> list[Any]:
    """Run every sweep the domains added, in one commit; return what each returned."""
    with app.app_context(), db.unit_of_work() as session:
        return [sweep(session, app.config["ENDWATCH"], grace) for sweep in app.extensions.get(KEY, [])]

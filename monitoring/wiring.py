"""How the monitoring domain plugs into the app: its blueprint, jobs and signals."""

from __future__ import annotations

from flask import Flask

from endwatch import events, scheduler
from monitoring import jobs, services, views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    scheduler.add_jobs(app, jobs.JOBS)
    events.customers_changed.connect(services.rematch_on_customers_changed)

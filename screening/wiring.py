"""How the screening domain plugs into the app: its blueprint, jobs and the customers_changed and
deployments_changed signals."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from endwatch import events, scheduler
from screening import jobs, views


def queue_on_change(sender: Any, customer_ids: Any = (), **_: Any) -> None:
    """Customers added or changed, or their deployments: screen them and their suppliers again (the job
    takes them within a minute)."""
    if isinstance(sender, Session) and customer_ids:
        from screening import services  # with the name analyser's tables: loaded when first needed

        services.queue_with_suppliers(sender, list(customer_ids))


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    scheduler.add_jobs(app, jobs.JOBS)
    events.customers_changed.connect(queue_on_change)
    events.deployments_changed.connect(queue_on_change)

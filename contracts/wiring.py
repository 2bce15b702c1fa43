"""How the contracts domain plugs into the app: the staff blueprint, the entitlement API and jobs."""

from __future__ import annotations

from flask import Flask

from contracts import jobs, views
from endwatch import scheduler
from endwatch.extensions import csrf


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(views.api_bp)
    app.register_blueprint(views.wellknown_bp)
    csrf.exempt(views.api_bp)  # devices authenticate with a bearer token, not a browser session
    scheduler.add_jobs(app, jobs.JOBS)

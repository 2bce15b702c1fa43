"""How the reporting domain plugs into the app: its blueprint (/transparency and /staff/dashboard) and
the staff home page's work due."""

from __future__ import annotations

from flask import Flask

from reporting import views, work_due


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    # The staff home page lists the work due through this hook (the shell knows no domain).
    app.extensions["endwatch.work_due"] = work_due.build

"""How the reporting domain plugs into the app: its blueprint (/transparency and /staff/dashboard)."""

from __future__ import annotations

from flask import Flask

from reporting import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)

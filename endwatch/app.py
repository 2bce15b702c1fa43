"""The application factory."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from sqlalchemy import Connection
from werkzeug.middleware.proxy_fix import ProxyFix

from endwatch import db, keyring
from endwatch.config import Config, load_config
from endwatch.extensions import LANGUAGES, RTL_LANGUAGES, babel, csrf, limiter, select_locale

PACKAGE_DIR = Path(__file__).resolve().parent

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


STAFF_NAV = (
    ("reports.dashboard", "Dashboard"),
    ("triage.queue", "Cases"),
    ("monitoring.alerts", "Alerts"),
    ("monitoring.feeds", "Feeds"),
    ("contracts.customers", "Customers"),
    ("contracts.deployments", "Deployments"),
    ("contracts.gaps", "Safeguard gaps"),
    ("contracts.actions", "Enforcement"),
)


def templates_dir() -> str:
    """Templates ship inside the wheel as endwatch/templates; in a checkout they sit at the root."""
    shipped = PACKAGE_DIR / "templates"
    return str(shipped if shipped.is_dir() else PACKAGE_DIR.parent / "templates")


def default_home() -> str:
    """ENDWATCH_HOME when unset: ./var in a checkout (as scripts/run uses), the Flask instance folder
    of an installed package otherwise."""
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "scripts" / "run").is_file():
        return str(checkout / "var")
    return Flask("endwatch").instance_path


def create_app(
    config: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    bind: Connection | None = None,
) -> Flask:
    app = Flask("endwatch", template_folder=templates_dir(), static_folder=str(PACKAGE_DIR / "static"))
    settings = load_config(environ, overrides=config, default_home=default_home())
    keyring.ensure_home(settings)
    app.config.update(
        ENDWATCH=settings,
        SECRET_KEY=settings.secret_key or keyring.read_file_secret(settings, "secret_key"),
        SESSION_COOKIE_NAME="endwatch",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        MAX_CONTENT_LENGTH=settings.extra.get("max_content_length", 60 * 1024 * 1024),
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_ENABLED=settings.extra.get("ratelimit_enabled", True),
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE_DIR / "translations"),
    )
    if settings.trusted_proxies:
        proxies = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    db.init_app(app, settings.database_url, bind)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    _register_blueprints(app)
    _register_hooks(app)
    _quiet_request_logs()
    return app


def _register_blueprints(app: Flask) -> None:
    from contracts.views import api_bp as entitlement_api
    from contracts.views import bp as contracts_views
    from endwatch.views import bp as staff
    from grievance.report_views import bp as reports
    from grievance.views import public_bp as grievance_public
    from grievance.views import triage_bp as grievance_triage
    from monitoring.views import bp as monitoring_views

    app.register_blueprint(staff)
    app.register_blueprint(grievance_public)
    app.register_blueprint(grievance_triage)
    app.register_blueprint(monitoring_views)
    app.register_blueprint(reports)
    app.register_blueprint(contracts_views)
    app.register_blueprint(entitlement_api)
    csrf.exempt(entitlement_api)


def _register_hooks(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = (
            "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        from flask_babel import get_locale

        locale = str(get_locale() or "en")
        return {
            "languages": LANGUAGES,
            "current_language": locale,
            "text_direction": "rtl" if locale in RTL_LANGUAGES else "ltr",
            "staff_user": _staff_user_for_templates(),
            "staff_nav": [
                (endpoint, label) for endpoint, label in STAFF_NAV if endpoint in app.view_functions
            ],
        }

    @app.errorhandler(429)
    def too_many(error: Any) -> Any:
        if request.path.startswith("/api/"):
            response = app.make_response(({"error": "too many requests; slow down"}, 429))
        else:
            response = app.make_response((render_template("errors/429.html"), 429))
        breached = limiter.current_limit
        wait = int(breached.reset_at - time.time()) + 1 if breached is not None else 60
        response.headers["Retry-After"] = str(max(wait, 1))
        return response

    @app.errorhandler(413)
    def too_large(error: Any) -> Any:
        return render_template("errors/413.html"), 413


def _staff_user_for_templates() -> Any:
    from endwatch.auth import current_user

    return current_user() if request.path.startswith("/staff") else None


def _quiet_request_logs() -> None:
    # Werkzeug's and waitress's request lines carry client addresses: never log them.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def config_of(app: Flask) -> Config:
    return app.config["ENDWATCH"]

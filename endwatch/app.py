"""The application factory: config, extensions, the shell's own pages, then each domain's init_app."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale
from sqlalchemy import Connection
from werkzeug.middleware.proxy_fix import ProxyFix

from contracts import wiring as contracts
from endwatch import audit, db, handlers, keyring, logs, mail, scheduler
from endwatch import jobs as shell_jobs
from endwatch import views as staff_views
from endwatch.auth import current_user
from endwatch.config import load_config
from endwatch.extensions import LANGUAGES, RTL_LANGUAGES, babel, csrf, limiter, select_locale
from endwatch.inmemory import InMemoryRequest
from grievance import wiring as grievance
from monitoring import wiring as monitoring
from reporting import wiring as reporting
from screening import wiring as screening

PACKAGE_DIR = Path(__file__).resolve().parent

STAFF_NAV = (
    ("reports.dashboard", "Dashboard"),
    ("triage.queue", "Cases"),
    ("monitoring.alerts", "Alerts"),
    ("monitoring.feeds", "Feeds"),
    ("contracts.customers", "Customers"),
    ("contracts.deployments", "Deployments"),
    ("contracts.gaps", "Safeguard gaps"),
    ("contracts.actions", "Enforcement"),
    ("screening.hits", "Screening"),
    ("reports.staff_transparency", "Transparency"),
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
    app.request_class = InMemoryRequest  # uploads never spooled to disk (endwatch.inmemory)
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
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE_DIR / "translations"),
    )
    # Installations sharing one Redis keep apart: their hourly secrets and counters live under a prefix of
    # their own (derived from the secret key, so it says nothing about any visitor).
    install = hmac.new(app.config["SECRET_KEY"].encode(), b"ratelimit", "sha256").hexdigest()[:16]
    namespace = f"endwatch-{install}"
    app.config.update(RATELIMIT_NAMESPACE=namespace, RATELIMIT_KEY_PREFIX=namespace)
    if settings.trusted_proxies:
        proxies = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    db.init_app(app, settings.database_url, bind)
    audit.init_app(app, settings)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    mail.init_app(app, settings)
    handlers.init_app(app, settings)
    app.context_processor(_template_globals)

    app.register_blueprint(staff_views.bp)
    scheduler.add_jobs(app, shell_jobs.JOBS)
    contracts.init_app(app)
    monitoring.init_app(app)
    grievance.init_app(app)
    reporting.init_app(app)
    screening.init_app(app)

    logs.init_app()
    return app


def _template_globals() -> dict[str, Any]:
    locale = str(get_locale() or "en")
    return {
        "languages": LANGUAGES,
        "current_language": locale,
        "text_direction": "rtl" if locale in RTL_LANGUAGES else "ltr",
        "staff_user": current_user() if request.path.startswith("/staff") else None,
        "staff_nav": [
            (endpoint, label) for endpoint, label in STAFF_NAV if endpoint in current_app.view_functions
        ],
    }

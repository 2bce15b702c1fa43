"""App-wide request handling: security headers, error pages, the language cookie, and refusals.

A refusal is a `Refused` error (each domain's errors derive from it) raised by a service. The handler
here rolls the request's work back, shows the message and redirects to the page the view named with
`on_refusal_go_to` (or `back_on_refusal`); a view that named none answers 400. Nothing of a refused
action is ever committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from endwatch import auth, db, resume
from endwatch.config import Config
from endwatch.errors import Refused
from endwatch.extensions import LANGUAGES, limiter

F = TypeVar("F", bound=Callable[..., Any])
LANG_COOKIE = "lang"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def init_app(app: Flask, config: Config) -> None:
    app.after_request(security_headers)
    app.after_request(_remember_language(config))
    app.register_error_handler(Refused, refused)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(404, lambda error: (render_template("errors/404.html"), 404))
    app.register_error_handler(413, lambda error: (render_template("errors/413.html"), 413))
    app.register_error_handler(429, too_many)
    app.register_error_handler(500, lambda error: (render_template("errors/500.html"), 500))


# -- refusals ----------------------------------------------------------------------------------------


def on_refusal_go_to(url: str, code: int = 302) -> None:
    """Where a refusal raised later in this request sends the person (with the message shown there)."""
    g.refusal_redirect = (url, code)


def back_on_refusal(endpoint: str, *url_arguments: str, code: int = 302) -> Callable[[F], F]:
    """Decorate a view: a refusal it raises goes back to `endpoint`, built from the view's own URL
    arguments named in `url_arguments`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            on_refusal_go_to(url_for(endpoint, **{name: kwargs[name] for name in url_arguments}), code)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def refused(error: Refused) -> Any:
    """Undo the refused action, say why, and go back to where the view said."""
    db.rollback_request()
    target = g.get("refusal_redirect")
    if target is None:
        return render_template("errors/400.html"), 400
    url, code = target
    flash(str(error), "error")
    return redirect(url, code=code)


def csrf_failed(error: CSRFError) -> Any:
    """Staff keep what they sent (see endwatch.resume); the public side gets its own page."""
    if request.method == "POST" and request.path.startswith("/staff/"):
        signed_in = auth.current_session() is not None
        ended = auth.config().session_idle_minutes if g.get("staff_session_ended") else 0
        return resume.page_after_bad_token(signed_in, ended)
    if request.method == "POST":
        from grievance.views import page_after_bad_token  # the public side keeps what was typed too

        kept = page_after_bad_token()
        if kept is not None:
            return kept
    return render_template("errors/400.html"), 400


# -- headers, cookies, error pages -------------------------------------------------------------------


def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _remember_language(config: Config) -> Callable[[Response], Response]:
    def remember_language(response: Response) -> Response:
        """The no-JavaScript language switch: a link with ?lang=xx stores the choice in a cookie."""
        chosen = request.args.get("lang")
        if chosen in LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(
                LANG_COOKIE, chosen, samesite="Lax", httponly=True, secure=config.secure_cookies, max_age=None
            )
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response

    return remember_language


def too_many(error: Any) -> Any:
    breached = limiter.current_limit
    return too_many_page(int(breached.reset_at - time.time()) + 1 if breached is not None else 60)


def too_many_page(wait: int) -> Response:
    """The 429 answer, saying in Retry-After how many seconds to wait."""
    if request.path.startswith("/api/"):
        response = current_app.make_response(({"error": "too many requests; slow down"}, 429))
    else:
        response = current_app.make_response((render_template("errors/429.html"), 429))
    response.headers["Retry-After"] = str(max(wait, 1))
    return response

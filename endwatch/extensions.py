"""Extension objects, created once and wired in the app factory with init_app."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_mailman import Mail
from flask_wtf.csrf import CSRFProtect

from endwatch import ratelimit

LANGUAGES = ("en", "es", "fr", "ar", "ru")
RTL_LANGUAGES = frozenset({"ar"})


def hashed_key(kind: str, value: str) -> str:
    """A rate-limit key that never stores `value` (an address, an e-mail), and that nobody can link back
    to it once the hour is over (endwatch.ratelimit)."""
    return ratelimit.forgetful_key(kind, value)


def client_key() -> str:
    """Rate-limit key for the client, without its address."""
    return hashed_key("c", request.remote_addr or "unknown")


def select_locale() -> str:
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen  # type: ignore[return-value]
    return request.accept_languages.best_match(LANGUAGES) or "en"


# Rate-limit headers would cost a storage round trip on every request; 429s carry Retry-After instead.
limiter = Limiter(key_func=client_key, headers_enabled=False, swallow_errors=False)
csrf = CSRFProtect()
babel = Babel()
mail = Mail()

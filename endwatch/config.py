"""Typed configuration from ENDWATCH_* environment variables, checked at start-up."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PREFIX = "ENDWATCH_"
MIB = 1024 * 1024


class ConfigError(Exception):
    """A missing or malformed configuration value; the message names the variable."""


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{PREFIX}{name} must be greater than zero, got {raw!r}")
    return value


def _non_negative_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{PREFIX}{name} must not be negative, got {raw!r}")
    return value


def _text(name: str, raw: str) -> str:
    if not raw.strip():
        raise ConfigError(f"{PREFIX}{name} is set but empty")
    return raw.strip()


def _flag(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{PREFIX}{name} must be true or false, got {raw!r}")


def _database_url(name: str, raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"{PREFIX}{name} is not a database URL: {raw!r}") from None
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(f"{PREFIX}{name} must be a sqlite:// or postgresql:// URL, got {raw!r}")
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _storage_uri(name: str, raw: str) -> str:
    if not raw.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
        raise ConfigError(f"{PREFIX}{name} must be memory:// or a redis:// URI, got {raw!r}")
    return raw


def _rate(name: str, raw: str) -> str:
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} is not a rate limit such as '5 per 15 minutes': {raw!r}") from None
    return raw


def _emails(name: str, raw: str) -> tuple[str, ...]:
    addresses = tuple(part.strip() for part in raw.split(",") if part.strip())
    for address in addresses:
        if "@" not in address or " " in address:
            raise ConfigError(f"{PREFIX}{name} holds a malformed e-mail address: {address!r}")
    return addresses


def _scheduler(name: str, raw: str) -> str:
    if raw not in {"embedded", "off"}:
        raise ConfigError(f"{PREFIX}{name} must be 'embedded' or 'off', got {raw!r}")
    return raw


def _http_url(name: str, raw: str) -> str:
    if not raw.startswith(("http://", "https://")) or len(raw) < 10 or " " in raw:
        raise ConfigError(f"{PREFIX}{name} must be an http:// or https:// URL, got {raw!r}")
    return raw


Parser = Callable[[str, str], Any]


def _setting(default: Any, parser: Parser, doc: str) -> Any:
    return field(default=default, metadata={"parser": parser, "doc": doc})


@dataclass(frozen=True)
class Config:
    """Every setting Endwatch reads, with its default; see README for the full list."""

    home: str = _setting("", _text, "folder for the embedded database, keys and attachments")
    database_url: str = _setting("", _database_url, "SQLAlchemy URL; default SQLite in ENDWATCH_HOME")
    secret_key: str = _setting("", _text, "signs sessions and CSRF tokens; default: HOME/keys/secret_key")
    ratelimit_storage_uri: str = _setting("memory://", _storage_uri, "memory:// or redis://host:port/db")
    scheduler: str = _setting("embedded", _scheduler, "'embedded' runs jobs inside `serve`; 'off' never")
    session_idle_minutes: int = _setting(30, _positive_int, "staff and follow-up sessions expire when idle")
    login_limit: str = _setting("5 per 15 minutes", _rate, "failed staff logins allowed per account")
    login_client_limit: str = _setting("30 per hour", _rate, "staff login attempts allowed per client")
    trusted_proxies: int = _setting(0, _non_negative_int, "how many reverse proxies set X-Forwarded-For")
    retention_days: int = _setting(365, _positive_int, "concluded cases are purged after this many days")
    report_min_count: int = _setting(5, _positive_int, "counts below this are published as 'fewer than k'")
    smtp_host: str = _setting("", _text, "SMTP server for notifications; empty disables e-mail")
    smtp_port: int = _setting(25, _positive_int, "SMTP port")
    smtp_from: str = _setting("endwatch@localhost", _text, "sender address of notifications")
    notify_emails: tuple[str, ...] = _setting((), _emails, "comma-separated staff addresses for notices")
    argon2_time_cost: int = _setting(3, _positive_int, "Argon2id passes for passwords and key wrapping")
    argon2_memory_kib: int = _setting(65536, _positive_int, "Argon2id memory in KiB")
    receipt_time_cost: int = _setting(2, _positive_int, "Argon2id passes for receipt hashes")
    receipt_memory_kib: int = _setting(19456, _positive_int, "Argon2id memory in KiB for receipt hashes")
    secure_cookies: bool = _setting(False, _flag, "mark cookies Secure (set true behind HTTPS)")
    intake_limit: str = _setting("10 per hour", _rate, "reports allowed per visitor (browser session)")
    followup_limit: str = _setting(
        "10 per hour", _rate, "receipts per visitor that pass their check but open no report"
    )
    attachment_max_mb: int = _setting(10, _positive_int, "largest attachment accepted, in MiB")
    submission_max_mb: int = _setting(25, _positive_int, "all attachments of one submission together, in MiB")
    feed_poll_minutes: int = _setting(30, _positive_int, "how often a healthy feed is polled")
    feed_poll_workers: int = _setting(16, _positive_int, "feeds fetched in parallel in one poll cycle")
    rematch_days: int = _setting(30, _positive_int, "entries this recent are re-matched on customer changes")
    digest_minutes: int = _setting(1440, _positive_int, "longest wait of a non-critical alert for its digest")
    feed_allow_private_networks: bool = _setting(False, _flag, "let feeds reach private addresses")
    webhook_url: str = _setting("", _http_url, "receives signed alert notices (JSON POST); empty disables")
    webhook_secret: str = _setting("", _text, "HMAC-SHA256 key for the X-Endwatch-Signature header")
    yente_url: str = _setting("", _http_url, "yente server that also screens customers (/match); empty: off")
    yente_dataset: str = _setting("default", _text, "the yente dataset (collection) screened against")
    risk_checklist: str = _setting(
        "", _text, "JSON file overriding the red-flag checklist, tiers and review periods"
    )
    entitlement_limit: str = _setting(
        "120 per minute", _rate, "entitlement checks allowed per deployment token"
    )

    @property
    def home_path(self) -> Path:
        return Path(self.home)

    @property
    def keys_path(self) -> Path:
        return self.home_path / "keys"

    @property
    def data_path(self) -> Path:
        return self.home_path / "data"

    @property
    def max_request_bytes(self) -> int:
        """Largest request body accepted: twice what one submission may attach, plus 1 MiB of form fields.

        The slack lets a submission somewhat over its limit get the page that names the limit, instead of
        a bare "too large".
        """
        return (2 * self.submission_max_mb + 1) * MIB


def setting_names() -> list[str]:
    return [PREFIX + f.name.upper() for f in fields(Config)]


def load_config(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    default_home: str | None = None,
) -> Config:
    """Build the config from the environment, then apply already-typed overrides (tests, scripts)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(Config)}
    for name, spec in known.items():
        raw = environ.get(PREFIX + name.upper())
        if raw is None:
            continue
        values[name] = spec.metadata["parser"](name.upper(), raw)
    unknown = sorted(k for k in environ if k.startswith(PREFIX) and k[len(PREFIX) :].lower() not in known)
    if unknown:
        raise ConfigError(f"{unknown[0]} is not a known setting (see README, 'Configuration')")
    for key, value in (overrides or {}).items():
        if key not in known:
            raise ConfigError(f"{key!r} is not a known setting (see the Config class in endwatch/config.py)")
        values[key] = value
    config = replace(Config(), **values)
    if not config.home:
        if not default_home:
            raise ConfigError(f"{PREFIX}HOME is not set")
        config = replace(config, home=default_home)
    config = replace(config, home=str(Path(config.home).expanduser().resolve()))
    if not config.database_url:
        sqlite_path = Path(config.home) / "endwatch.db"
        config = replace(config, database_url=f"sqlite:///{sqlite_path}")
    return config

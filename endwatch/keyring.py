"""Server-side secrets in ENDWATCH_HOME/keys and the organisation's public keys.

Nothing here can open a grievance: case keys are sealed to staff public keys and to the offline
recovery key, whose private half is shown once by `endwatch init` and never stored.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import crypto
from endwatch.config import Config, ConfigError
from endwatch.models import OrgKey

FILE_SECRETS = ("secret_key", "receipt_pepper")
RECOVERY = "recovery"


def ensure_home(config: Config) -> None:
    """Create the home, key and data folders, for the owner only; fail with one line naming ENDWATCH_HOME."""
    try:
        for folder in (config.home_path, config.keys_path, config.data_path):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)
        database = sqlite_file(config.database_url)
        if database is not None and database.exists():
            database.chmod(0o600)
        probe = config.home_path / f".write-test-{secrets.token_hex(4)}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"ENDWATCH_HOME {config.home} is not writable: {exc.strerror}") from None


def ensure_file_secrets(config: Config) -> list[str]:
    """Create any missing server secret; return the names created. Safe against concurrent starts."""
    created = []
    for name in FILE_SECRETS:
        path = config.keys_path / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        created.append(name)
    return created


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL (None for PostgreSQL or an in-memory database)."""
    if not url.startswith("sqlite:///") or url in {"sqlite://", "sqlite:///:memory:"}:
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def read_file_secret(config: Config, name: str) -> str:
    path: Path = config.keys_path / name
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing: run `endwatch init` first") from None
    except OSError as exc:
        raise ConfigError(f"{path} is unreadable: {exc.strerror}") from None
    if len(value) < 32:
        raise ConfigError(f"{path} is too short to be a secret")
    return value


def recovery_public_key(session: Session) -> bytes | None:
    key = session.scalars(
        select(OrgKey)
        .where(OrgKey.purpose == RECOVERY, OrgKey.retired_at.is_(None))
        .order_by(OrgKey.id.desc())
    ).first()
    return key.public_key if key else None


def ensure_recovery_key(session: Session) -> str | None:
    """Create the organisation recovery key once; return its private half to be shown once, or None."""
    if recovery_public_key(session) is not None:
        return None
    private, public = crypto.new_keypair()
    session.add(OrgKey(purpose=RECOVERY, key_id=crypto.key_id(public), public_key=public))
    session.flush()
    return crypto.encode_key(private)

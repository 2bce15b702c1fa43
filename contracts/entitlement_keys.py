"""The entitlement signing keys: the private key on disk, the public keys published as a JWKS.

The private signing key lives in ENDWATCH_HOME/keys (0600) because the server signs with nobody logged in;
its public half is published from the `org_keys` table as a JWK Set (RFC 7517) so that devices verify
answers offline. A retired key stays published for a short while, with its retirement time: an answer
it signed after that time is refused.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from endwatch import audit, crypto
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.models import OrgKey

PURPOSE = "entitlement"
KEY_FILE = "entitlement_signing_key"
# Answers live five minutes: a retired key is needed only until its last answers expired, and devices
# may keep the key set cached for five more.
RETIRED_KEYS_PUBLISHED_FOR = timedelta(hours=1)
JWKS_MAX_AGE = 300


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private: bytes
    public: bytes


_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], SigningKey]] = {}


def key_path(config: Config) -> Path:
    return config.keys_path / KEY_FILE


def signing_key(config: Config) -> SigningKey:
    """The current private signing key, created on first use (O_EXCL, so concurrent workers agree)."""
    path = key_path(config)
    try:
        stat = path.stat()
    except FileNotFoundError:
        _write_key(path, exclusive=True)
        stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_ino)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        private_text, public_text = path.read_text().split()
        private, public = crypto.decode_key(private_text), crypto.decode_key(public_text)
        key = SigningKey(crypto.key_id(public), private, public)
        _cache[str(path)] = (stamp, key)
        return key


def _write_key(path: Path, *, exclusive: bool) -> None:
    private, public = crypto.new_signing_key()
    body = f"{crypto.encode_key(private)}\n{crypto.encode_key(public)}\n"
    target = path if exclusive else path.with_name(f"{path.name}.{crypto.random_token(6)}.new")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another worker created it first; use theirs
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    if not exclusive:
        os.replace(target, path)


def ensure_published(session: Session, key: SigningKey, published: set[str] | None = None) -> None:
    """Make sure the key's public half is in org_keys; `published` skips the check once it is known."""
    if published is not None and key.key_id in published:
        return
    exists = session.scalars(select(OrgKey.id).where(OrgKey.key_id == key.key_id)).first()
    if exists is None:
        try:
            with session.begin_nested():
                session.add(OrgKey(purpose=PURPOSE, key_id=key.key_id, public_key=key.public))
        except IntegrityError:
            pass  # published by a concurrent request
    if published is not None:
        published.add(key.key_id)


def rotate_key(session: Session, config: Config, actor: str) -> str:
    """Replace the signing key; earlier public keys are marked retired but stay published for a while."""
    _write_key(key_path(config), exclusive=False)
    key = signing_key(config)
    now = utcnow()
    session.execute(
        update(OrgKey)
        .where(OrgKey.purpose == PURPOSE, OrgKey.retired_at.is_(None), OrgKey.key_id != key.key_id)
        .values(retired_at=now)
    )
    ensure_published(session, key)
    audit.record(session, "entitlement.rotate_key", actor=actor, target=f"org_key:{key.key_id}")
    return key.key_id


def published_keys(session: Session) -> list[OrgKey]:
    cutoff = utcnow() - RETIRED_KEYS_PUBLISHED_FOR
    return list(
        session.scalars(
            select(OrgKey)
            .where(OrgKey.purpose == PURPOSE, (OrgKey.retired_at.is_(None)) | (OrgKey.retired_at > cutoff))
            .order_by(OrgKey.created_at.desc(), OrgKey.id.desc())
        )
    )


def jwks(keys: list[OrgKey]) -> dict[str, Any]:
    """The JWK Set of the published keys; `created_at` and `retired_at` (and the `key_id` and
    `public_key` of the earlier key document) are extra members that JOSE libraries ignore."""
    return {
        "keys": [
            {
                **crypto.public_jwk(k.public_key, k.key_id),
                "created_at": _timestamp(k.created_at),
                "retired_at": _timestamp(k.retired_at) if k.retired_at else None,
                "key_id": k.key_id,
                "public_key": crypto.encode_key(k.public_key),
            }
            for k in keys
        ]
    }


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")

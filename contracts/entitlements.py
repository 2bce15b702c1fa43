"""Signed update-entitlement answers, deployment tokens and the entitlement signing keys.

The private signing key lives in ENDWATCH_HOME/keys (0600) because the server signs with nobody logged in;
its public half is published from the `org_keys` table so that devices verify answers offline.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.errors import BadToken, ContractsError
from contracts.models import Deployment, DeploymentStatus, DeploymentToken, Product
from endwatch import audit, crypto
from endwatch.config import Config
from endwatch.db import utcnow
from endwatch.models import OrgKey

PURPOSE = "entitlement"
KEY_FILE = "entitlement_signing_key"
ANSWER_TTL = timedelta(minutes=5)
RETIRED_KEYS_PUBLISHED_FOR = timedelta(days=30)
TOKEN_PREFIX = "ewd_"  # noqa: S105 - a visible marker, not a secret
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
CLOCK_SKEW = timedelta(seconds=60)


class AnswerInvalid(ContractsError):
    """A signed answer that must not be trusted: bad signature, unknown key or expired."""


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private: bytes
    public: bytes


# -- tokens -----------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough and keeps the lookup one indexed query.
    return crypto.sha256_hex(token.encode())


def issue_token(session: Session, deployment: Deployment, actor: str) -> str:
    """A new bearer token for a deployment, returned once; earlier tokens are revoked."""
    now = utcnow()
    session.execute(
        update(DeploymentToken)
        .where(DeploymentToken.deployment_id == deployment.id, DeploymentToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token = TOKEN_PREFIX + crypto.random_token(32)
    session.add(DeploymentToken(deployment_id=deployment.id, token_hash=token_hash(token), created_at=now))
    session.flush()
    audit.record(session, "deployment.token", actor=actor, target=f"deployment:{deployment.id}")
    return token


@dataclass(frozen=True)
class Facts:
    """What a decision needs about a deployment, read in one indexed query (this path is hot)."""

    ref: str
    status: DeploymentStatus
    updates_denied: bool
    licence_start: date | None
    licence_end: date | None
    max_version: str
    receives_updates: bool


_FACTS = (
    select(
        Deployment.ref,
        Deployment.status,
        Deployment.updates_denied,
        Deployment.licence_start,
        Deployment.licence_end,
        Deployment.max_version,
        Product.receives_updates,
    )
    .join(DeploymentToken, DeploymentToken.deployment_id == Deployment.id)
    .join(Product, Product.id == Deployment.product_id)
    .where(DeploymentToken.token_hash == bindparam("token_hash"), DeploymentToken.revoked_at.is_(None))
)


def facts_for_token(session: Session | Connection, token: str) -> Facts:
    # The statement is built once: on this hot path its construction cost more than the query.
    row = session.execute(_FACTS, {"token_hash": token_hash(token)}).first()
    if row is None:
        raise BadToken("unknown or revoked deployment token")
    return Facts(*row)


# -- decisions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    may_install: bool
    service_active: bool
    reasons: tuple[str, ...]


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def decide(deployment: Facts, version: str, today: date) -> Decision:
    """May this deployment install `version` today, and is its service active?"""
    reasons = []
    status = deployment.status
    if status == DeploymentStatus.SUSPENDED:
        reasons.append("service suspended")
    elif status == DeploymentStatus.TERMINATED:
        reasons.append("contract terminated")
    elif status == DeploymentStatus.PLANNED:
        reasons.append("deployment not yet in service")
    elif status == DeploymentStatus.EXPIRED:
        reasons.append("licence expired")
    if deployment.licence_start and today < deployment.licence_start:
        reasons.append(f"licence starts on {deployment.licence_start.isoformat()}")
    if deployment.licence_end and today > deployment.licence_end:
        reasons.append(f"licence ended on {deployment.licence_end.isoformat()}")
    service_active = not reasons
    if deployment.updates_denied and status != DeploymentStatus.TERMINATED:
        reasons.append("updates denied")
    if not deployment.receives_updates:
        reasons.append("product receives no updates")
    if deployment.max_version and version_key(version) > version_key(deployment.max_version):
        reasons.append(f"licence covers versions up to {deployment.max_version}")
    return Decision(not reasons, service_active, tuple(reasons))


def answer(
    session: Session | Connection, key: SigningKey, token: str, version: str, nonce: str = ""
) -> dict[str, Any]:
    """The signed entitlement document for the deployment holding `token`.

    The caller makes sure `key` is published (`ensure_published`) before answering with it.
    """
    deployment = facts_for_token(session, token)
    now = utcnow()
    decision = decide(deployment, version, now.date())
    payload: dict[str, Any] = {
        "v": 1,
        "deployment": deployment.ref,
        "version": version,
        "may_install": decision.may_install,
        "service_active": decision.service_active,
        "reasons": list(decision.reasons),
        "issued_at": _timestamp(now),
        "expires_at": _timestamp(now + ANSWER_TTL),
        "key_id": key.key_id,
    }
    if nonce:
        payload["nonce"] = nonce
    return sign_payload(key, payload)


def sign_payload(key: SigningKey, payload: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    signature = crypto.sign(key.private, text.encode())
    return {
        "alg": "Ed25519",
        "key_id": key.key_id,
        "payload": text,
        "signature": crypto.encode_key(signature),
    }


def verify_answer(document: dict[str, Any], public_keys: dict[str, bytes], now: datetime) -> dict[str, Any]:
    """What a device does offline: check the signature with a published key, then the validity window."""
    try:
        key = public_keys[document["key_id"]]
        text = document["payload"]
        signature = crypto.decode_key(document["signature"])
    except (KeyError, TypeError, ValueError):
        raise AnswerInvalid("unknown key or malformed answer") from None
    if document.get("alg") != "Ed25519" or not crypto.verify_signature(key, signature, text.encode()):
        raise AnswerInvalid("signature does not verify")
    payload: dict[str, Any] = json.loads(text)
    if payload.get("key_id") != document["key_id"]:
        raise AnswerInvalid("the signed key id differs from the envelope")
    issued, expires = _parse_time(payload["issued_at"]), _parse_time(payload["expires_at"])
    if issued - CLOCK_SKEW > now:
        raise AnswerInvalid("issued in the future")
    if now >= expires:
        raise AnswerInvalid("answer expired")
    return payload


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- signing keys -----------------------------------------------------------------------------------

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


def key_document(keys: list[OrgKey]) -> dict[str, Any]:
    return {
        "alg": "Ed25519",
        "keys": [
            {
                "key_id": k.key_id,
                "public_key": crypto.encode_key(k.public_key),
                "encoding": "base64url, raw 32 bytes",
                "created_at": _timestamp(k.created_at),
                "retired_at": _timestamp(k.retired_at) if k.retired_at else None,
            }
            for k in keys
        ],
    }

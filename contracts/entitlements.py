"""Signed update-entitlement answers and deployment tokens.

An answer is a compact JWS (RFC 7515, EdDSA over Ed25519 per RFC 8037) whose payload names the deployment,
the version asked about and the device's nonce, valid for five minutes. Devices verify it offline with
any JOSE library and the JWKS published at /.well-known/jwks.json (contracts.entitlement_keys), as
`verify_answer` does here and docs/ENTITLEMENTS.md shows.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from packaging.version import InvalidVersion, Version
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from contracts.entitlement_keys import SigningKey
from contracts.errors import BadToken, ContractsError
from contracts.models import Deployment, DeploymentStatus, DeploymentToken, Product
from endwatch import audit, crypto
from endwatch.db import utcnow

ANSWER_TTL = timedelta(minutes=5)
ANSWER_TYPE = "entitlement+jwt"
TOKEN_PREFIX = "ewd_"  # noqa: S105 - a visible marker, not a secret
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
CLOCK_SKEW = timedelta(seconds=60)


class AnswerInvalid(ContractsError):
    """A signed answer that must not be trusted: bad signature, unknown or retired key, expired, or the
    answer to another request."""


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


@functools.lru_cache(maxsize=1024)
def parse_version(text: str) -> Version | None:
    """A version number (PEP 440: 5.4, 5.4.1, 5.5rc1), or None for text such as 'latest'."""
    try:
        return Version(Version(text).public)
    except InvalidVersion:
        return None


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
    asked = parse_version(version)
    if asked is None:
        reasons.append(f"{version!r} is not a version number")
    elif deployment.max_version:
        highest = parse_version(deployment.max_version)
        if highest is None:
            reasons.append(f"the licence's highest version {deployment.max_version!r} cannot be read")
        elif asked > highest:
            reasons.append(f"licence covers versions up to {deployment.max_version}")
    return Decision(not reasons, service_active, tuple(reasons))


def answer(session: Session | Connection, key: SigningKey, token: str, version: str, nonce: str) -> str:
    """The signed entitlement answer (a compact JWS) for the deployment holding `token`.

    The caller makes sure `key` is published (`entitlement_keys.ensure_published`) before answering.
    """
    deployment = facts_for_token(session, token)
    now = utcnow().replace(microsecond=0)
    decision = decide(deployment, version, now.date())
    payload: dict[str, Any] = {
        "v": 1,
        "deployment": deployment.ref,
        "version": version,
        "nonce": nonce,
        "may_install": decision.may_install,
        "service_active": decision.service_active,
        "reasons": list(decision.reasons),
        "issued_at": _timestamp(now),
        "expires_at": _timestamp(now + ANSWER_TTL),
        "key_id": key.key_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ANSWER_TTL).timestamp()),
    }
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return crypto.jws_sign(key.private, key.public, key.key_id, text.encode(), ANSWER_TYPE)


def verify_answer(
    answer_jws: str, jwks: dict[str, Any], now: datetime, *, deployment: str, version: str, nonce: str
) -> dict[str, Any]:
    """What a device does offline: verify the JWS with a published key that was not yet retired when it
    signed, check the validity window, and check that it answers this request (deployment, version,
    nonce)."""
    try:
        kid = crypto.jws_header(answer_jws).get("kid")
        key = next(k for k in jwks["keys"] if k.get("kid") == kid and k.get("kty") == "OKP")
        payload: dict[str, Any] = json.loads(crypto.jws_verify(answer_jws, crypto.decode_key(key["x"])))
        issued = datetime.fromtimestamp(int(payload["iat"]), UTC)
        expires = datetime.fromtimestamp(int(payload["exp"]), UTC)
    except (crypto.SignatureInvalid, StopIteration, KeyError, TypeError, ValueError) as exc:
        raise AnswerInvalid(f"unknown key, malformed answer or bad signature ({exc})") from None
    if payload.get("key_id") != kid:
        raise AnswerInvalid("the signed key id differs from the header")
    retired = key.get("retired_at")
    if retired and issued > _parse_time(retired):
        raise AnswerInvalid("signed after its key was retired")
    if expires - issued > ANSWER_TTL:
        raise AnswerInvalid("valid for longer than the server ever answers")
    if issued - CLOCK_SKEW > now:
        raise AnswerInvalid("issued in the future")
    if now >= expires:
        raise AnswerInvalid("answer expired")
    asked = {"deployment": deployment, "version": version, "nonce": nonce}
    for field, expected in asked.items():
        if payload.get(field) != expected:
            raise AnswerInvalid(f"the answer is for another {field}: not the answer to this request")
    return payload


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))

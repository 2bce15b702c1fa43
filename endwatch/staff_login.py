"""Staff login and server-side sessions.

A login session keeps the account key encrypted under a key that lives only in the member's cookie; the
server keeps the SHA-256 of that key and opens the session only for a cookie holding the key itself,
so a copy of the database and of the cookie-signing secret opens no session.

Every failed login costs the same as a successful one: a password check and an unwrapping of the
account key (Argon2id each), whether the account is unknown, the password wrong or the code wrong.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from endwatch import audit, crypto
from endwatch.accounts import claim_totp, find_user, open_vault
from endwatch.db import utcnow
from endwatch.models import StaffSession, User


@dataclass
class LoginResult:
    user: User
    session_id: str
    cookie_key: str


def login(
    session: Session, email: str, password: str, code: str, params: crypto.KdfParams
) -> LoginResult | None:
    """Check password and (once enrolled) the TOTP code; on success open a server-side session."""
    user = find_user(session, email)
    if user is None or not user.active:
        dummy_hash, dummy_wrap = _dummy(params)
        crypto.verify_password(dummy_hash, password)
        _unwrap(dummy_wrap, password)
        audit.record(session, "login.failed", actor="anonymous", details={"reason": "unknown account"})
        return None
    password_ok = crypto.verify_password(user.password_hash, password)
    account_key = _unwrap(user.key_wrap, password)  # done even for a wrong password: the same cost
    if not password_ok or account_key is None:
        _failed(session, user, "password")
        return None
    vault = open_vault(user, account_key)
    stage = "ready"
    if user.must_change_password:
        stage = "password"
    elif not user.totp_enrolled:
        stage = "totp"
    elif not claim_totp(session, user, vault, code):
        _failed(session, user, "code")
        return None
    stale = crypto.password_needs_rehash(user.password_hash, params)
    if stale or not crypto.wrapped_with(user.key_wrap, params):
        # The Argon2 cost changed since this password was set: hash and wrap it again at today's cost.
        user.password_hash = crypto.hash_password(password, params)
        user.key_wrap = crypto.wrap_with_passphrase(account_key, password, params)
    result = _open_session(session, user, account_key, stage)
    if stage == "ready":
        user.last_login_at = utcnow()
    audit.record(
        session, "login.success", actor=user.email, target=f"user:{user.id}", details={"stage": stage}
    )
    return result


def cookie_key_bytes(cookie_key: str) -> bytes | None:
    try:
        raw = crypto.decode_key(cookie_key)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == crypto.KEY_BYTES else None


def load_session(session: Session, session_id: str, cookie_key: str, idle: timedelta) -> StaffSession | None:
    """The live session with that id, only for a cookie holding its key half; touched, or removed if idle."""
    staff_session = session.get(StaffSession, session_id)
    key = cookie_key_bytes(cookie_key)
    if staff_session is None or key is None or not crypto.equal(staff_session.key_check, _key_check(key)):
        return None
    now = utcnow()
    if now - staff_session.last_seen_at > idle or not staff_session.user.active:
        session.delete(staff_session)
        return None
    staff_session.last_seen_at = now
    return staff_session


def session_account_key(staff_session: StaffSession, cookie_key: bytes) -> bytes:
    return crypto.decrypt(cookie_key, staff_session.vault, staff_session.id.encode())


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.id == session_id))


def purge_idle_sessions(session: Session, idle: timedelta) -> int:
    result = session.execute(delete(StaffSession).where(StaffSession.last_seen_at < utcnow() - idle))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _open_session(session: Session, user: User, account_key: bytes, stage: str) -> LoginResult:
    session_id = crypto.random_token(24)
    cookie_key = crypto.new_key()
    staff_session = StaffSession(
        id=session_id,
        user_id=user.id,
        vault=crypto.encrypt(cookie_key, account_key, session_id.encode()),
        key_check=_key_check(cookie_key),
        stage=stage,
    )
    session.add(staff_session)
    session.flush()
    return LoginResult(user, session_id, crypto.encode_key(cookie_key))


def _key_check(cookie_key: bytes) -> str:
    # The key carries 256 random bits: a fast hash cannot be reversed or guessed.
    return crypto.sha256_hex(b"endwatch-staff-session\n" + cookie_key)


def _unwrap(blob: bytes, password: str) -> bytes | None:
    try:
        return crypto.unwrap_with_passphrase(blob, password)
    except crypto.DecryptionError:
        return None


def _failed(session: Session, user: User, reason: str) -> None:
    audit.record(
        session, "login.failed", actor=user.email, target=f"user:{user.id}", details={"reason": reason}
    )


_dummies: dict[crypto.KdfParams, tuple[str, bytes]] = {}


def _dummy(params: crypto.KdfParams) -> tuple[str, bytes]:
    """A password hash and a wrapped key at today's cost, checked when the account does not exist."""
    if params not in _dummies:
        secret = crypto.random_password()
        _dummies[params] = (
            crypto.hash_password(secret, params),
            crypto.wrap_with_passphrase(crypto.new_key(), secret, params),
        )
    return _dummies[params]

"""Staff accounts: creation, login, password change, TOTP enrolment and server-side sessions.

Each account has a random account key K. K encrypts the account's vault (its X25519 private key and
TOTP secret) and is itself stored only wrapped by the password (Argon2id). A login session keeps K
encrypted under a key that lives only in the browser's cookie, so a copy of the database opens nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from endwatch import audit, crypto
from endwatch.db import utcnow
from endwatch.errors import Refused
from endwatch.models import Role, StaffSession, User

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "Endwatch"


class AccountError(Refused):
    """A refused account operation; the message is shown to the person who asked."""


@dataclass
class Vault:
    private_key: bytes
    totp_secret: str | None


@dataclass
class LoginResult:
    user: User
    session_id: str
    cookie_key: str


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AccountError(f"unknown role {value!r}: choose one of {choices}") from None


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def create_user(
    session: Session,
    email: str,
    role: str,
    params: crypto.KdfParams,
    *,
    actor: str = "cli",
    password: str = "",
    totp_secret: str | None = None,
) -> tuple[User, str]:
    """Create a staff account; return it and its one-time password.

    A preset password and TOTP secret (demo accounts only) skip the first-login set-up.
    """
    email = email.strip()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    parsed_role = parse_role(role)
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    one_time = password or crypto.random_password()
    account_key = crypto.new_key()
    private, public = crypto.new_keypair()
    user = User(
        email=email,
        role=parsed_role,
        password_hash=crypto.hash_password(one_time, params),
        must_change_password=not (password and totp_secret),
        totp_enrolled=bool(password and totp_secret),
        public_key=public,
        vault=_seal_vault(account_key, Vault(private, totp_secret if password else None)),
        key_wrap=crypto.wrap_with_passphrase(account_key, one_time, params),
    )
    session.add(user)
    session.flush()
    audit.record(session, "user.create", actor=actor, target=f"user:{user.id}", details={"role": role})
    return user, one_time


def login(
    session: Session, email: str, password: str, code: str, params: crypto.KdfParams
) -> LoginResult | None:
    """Check password and (once enrolled) the TOTP code; on success open a server-side session."""
    user = find_user(session, email)
    if user is None or not user.active:
        crypto.verify_password(_dummy_hash(params), password)  # same cost whether or not the account exists
        audit.record(session, "login.failed", actor="anonymous", details={"reason": "unknown account"})
        return None
    if not crypto.verify_password(user.password_hash, password):
        audit.record(
            session,
            "login.failed",
            actor=user.email,
            target=f"user:{user.id}",
            details={"reason": "password"},
        )
        return None
    account_key = crypto.unwrap_with_passphrase(user.key_wrap, password)
    vault = open_vault(user, account_key)
    stage = "ready"
    if user.must_change_password:
        stage = "password"
    elif not user.totp_enrolled:
        stage = "totp"
    elif not _check_totp(user, vault, code):
        audit.record(
            session, "login.failed", actor=user.email, target=f"user:{user.id}", details={"reason": "code"}
        )
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


def change_password(
    session: Session, user: User, account_key: bytes, current: str, new: str, params: crypto.KdfParams
) -> None:
    if not crypto.verify_password(user.password_hash, current):
        raise AccountError("the current password is wrong")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the new password must have at least {MIN_PASSWORD_LENGTH} characters")
    if new == current:
        raise AccountError("the new password must differ from the current one")
    user.password_hash = crypto.hash_password(new, params)
    user.key_wrap = crypto.wrap_with_passphrase(account_key, new, params)
    user.must_change_password = False
    audit.record(session, "user.password_changed", actor=user.email, target=f"user:{user.id}")


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_qr_svg(user: User, secret: str) -> str:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)
    # A viewBox and no fixed size: the stylesheet draws it large enough to scan, without clipping it.
    return segno.make(uri, error="m").svg_inline(
        scale=1, omitsize=True, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def enrol_totp(session: Session, user: User, account_key: bytes, secret: str, code: str) -> None:
    vault = open_vault(user, account_key)
    candidate = Vault(vault.private_key, secret)
    if not _check_totp(user, candidate, code):
        raise AccountError("that code does not match: check the time on your device and try again")
    user.vault = _seal_vault(account_key, candidate)
    user.totp_enrolled = True
    audit.record(session, "user.totp_enrolled", actor=user.email, target=f"user:{user.id}")


def current_totp(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def open_vault(user: User, account_key: bytes) -> Vault:
    data = json.loads(crypto.decrypt(account_key, user.vault, _vault_aad(user)))
    return Vault(crypto.decode_key(data["private_key"]), data.get("totp_secret"))


def session_account_key(staff_session: StaffSession, cookie_key: str) -> bytes:
    return crypto.decrypt(crypto.decode_key(cookie_key), staff_session.vault, staff_session.id.encode())


def load_session(session: Session, session_id: str, idle: timedelta) -> StaffSession | None:
    """The live session with that id, touched; expired ones are removed."""
    staff_session = session.get(StaffSession, session_id)
    if staff_session is None:
        return None
    now = utcnow()
    if now - staff_session.last_seen_at > idle or not staff_session.user.active:
        session.delete(staff_session)
        return None
    staff_session.last_seen_at = now
    return staff_session


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.id == session_id))


def purge_idle_sessions(session: Session, idle: timedelta) -> int:
    result = session.execute(delete(StaffSession).where(StaffSession.last_seen_at < utcnow() - idle))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def set_active(session: Session, user: User, active: bool, *, actor: str) -> None:
    user.active = active
    if not active:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    audit.record(
        session, "user.activated" if active else "user.deactivated", actor=actor, target=f"user:{user.id}"
    )


def _open_session(session: Session, user: User, account_key: bytes, stage: str) -> LoginResult:
    session_id = crypto.random_token(24)
    cookie_key = crypto.new_key()
    staff_session = StaffSession(
        id=session_id,
        user_id=user.id,
        vault=crypto.encrypt(cookie_key, account_key, session_id.encode()),
        stage=stage,
    )
    session.add(staff_session)
    session.flush()
    return LoginResult(user, session_id, crypto.encode_key(cookie_key))


def _check_totp(user: User, vault: Vault, code: str) -> bool:
    if not vault.totp_secret:
        return False
    code = "".join(code.split())
    totp = pyotp.TOTP(vault.totp_secret)
    now_step = totp.timecode(utcnow())
    for step in (now_step - 1, now_step, now_step + 1):
        if step > user.last_totp_step and crypto.equal(totp.generate_otp(step), code):
            user.last_totp_step = step  # a code is accepted once only
            return True
    return False


def _seal_vault(account_key: bytes, vault: Vault) -> bytes:
    data = {"private_key": crypto.encode_key(vault.private_key), "totp_secret": vault.totp_secret}
    return crypto.encrypt(account_key, json.dumps(data).encode(), b"endwatch-vault")


def _vault_aad(_user: User) -> bytes:
    return b"endwatch-vault"


_dummy_hashes: dict[crypto.KdfParams, str] = {}


def _dummy_hash(params: crypto.KdfParams) -> str:
    if params not in _dummy_hashes:
        _dummy_hashes[params] = crypto.hash_password(crypto.random_password(), params)
    return _dummy_hashes[params]

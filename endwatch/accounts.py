"""Staff accounts: creation and confirmation, password change, admin reset, TOTP enrolment, vaults.

Each account has a random account key K. K encrypts the account's vault (its X25519 private key and
TOTP secret) and is itself stored only wrapped by the password (Argon2id). Changing the password
replaces K and the key pair, so that an old copy of the database and the old password open nothing
that arrived after the change. Logging in and sessions are endwatch.staff_login.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from endwatch import audit, crypto, events
from endwatch.db import utcnow
from endwatch.errors import Refused
from endwatch.models import Role, StaffSession, User

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "Endwatch"
VAULT_AAD = b"endwatch-vault"


class AccountError(Refused):
    """A refused account operation; the message is shown to the person who asked."""


@dataclass
class Vault:
    private_key: bytes
    totp_secret: str | None


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AccountError(f"unknown role {value!r}: choose one of {choices}") from None


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def label(user: User | None) -> str:
    """How the audit names who made an account: a member, or the command line."""
    return f"user:{user.id}" if user is not None else "cli"


def create_user(
    session: Session,
    email: str,
    role: str,
    params: crypto.KdfParams,
    *,
    actor: str = "cli",
    creator: User | None = None,
    password: str = "",
    totp_secret: str | None = None,
) -> tuple[User, str]:
    """Create a staff account; return it and its one-time password.

    `creator` is the admin who made it on the web (none: the command line). An admin account made on the
    web waits, inactive, for a second admin's confirmation when another admin exists. A preset password
    and TOTP secret (demo accounts only) skip the first-login set-up.
    """
    email = email.strip()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    parsed_role = parse_role(role)
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    awaiting = creator is not None and parsed_role == Role.ADMIN and _other_admin_exists(session, creator)
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
        vault=seal_vault(account_key, Vault(private, totp_secret if password else None)),
        key_wrap=crypto.wrap_with_passphrase(account_key, one_time, params),
        active=not awaiting,
        awaiting_confirmation=awaiting,
        created_by_id=creator.id if creator else None,
    )
    session.add(user)
    session.flush()
    details = {"role": parsed_role.value, "created_by": label(creator), "awaiting_confirmation": awaiting}
    audit.record(session, "user.create", actor=actor, target=f"user:{user.id}", details=details)
    return user, one_time


def confirm_admin(session: Session, member: User, admin: User) -> None:
    """A second admin confirms an admin account made on the web; only then can it log in."""
    if not member.awaiting_confirmation:
        raise AccountError(f"{member.email} does not await confirmation")
    if admin.id in (member.id, member.created_by_id) or admin.role != Role.ADMIN or not admin.active:
        raise AccountError("another admin than the one who created the account must confirm it")
    member.awaiting_confirmation = False
    member.active = True
    member.confirmed_by_id = admin.id
    audit.record(
        session,
        "user.confirm",
        actor=admin.email,
        target=f"user:{member.id}",
        details={"created_by": label(member.created_by)},
    )


def reset_account(session: Session, member: User, admin: User, params: crypto.KdfParams) -> str:
    """Force a new password and TOTP enrolment; return the one-time password.

    The member's keys are thrown away, never handed to the admin: the new key pair holds no case key
    until a member who holds one grants it again.
    """
    if member.id == admin.id:
        raise AccountError("change your own password from your account page; another admin resets yours")
    if member.awaiting_confirmation:
        raise AccountError(f"{member.email} awaits confirmation; confirm or deactivate it instead")
    one_time = crypto.random_password()
    account_key = crypto.new_key()
    private, public = crypto.new_keypair()
    member.password_hash = crypto.hash_password(one_time, params)
    member.key_wrap = crypto.wrap_with_passphrase(account_key, one_time, params)
    member.vault = seal_vault(account_key, Vault(private, None))
    member.public_key = public
    member.must_change_password = True
    member.totp_enrolled = False
    member.reset_by_id = admin.id
    ended = _end_sessions(session, member)
    events.member_keys_revoked.send(session, user=member, actor=admin.email)
    audit.record(
        session,
        "user.reset",
        actor=admin.email,
        target=f"user:{member.id}",
        details={"sessions_ended": ended},
    )
    return one_time


def change_password(
    session: Session,
    staff_session: StaffSession,
    account_key: bytes,
    cookie_key: bytes,
    current: str,
    new: str,
    params: crypto.KdfParams,
) -> None:
    """New password, new account key and key pair; every other session of the member ends."""
    user = staff_session.user
    if not crypto.verify_password(user.password_hash, current):
        raise AccountError("the current password is wrong")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the new password must have at least {MIN_PASSWORD_LENGTH} characters")
    if new == current:
        raise AccountError("the new password must differ from the current one")
    vault = open_vault(user, account_key)
    new_key = crypto.new_key()
    private, public = crypto.new_keypair()
    user.password_hash = crypto.hash_password(new, params)
    user.key_wrap = crypto.wrap_with_passphrase(new_key, new, params)
    user.vault = seal_vault(new_key, Vault(private, vault.totp_secret))
    user.public_key = public
    user.must_change_password = False
    replies = events.member_key_replaced.send(session, user=user, old_private_key=vault.private_key)
    resealed = sum(int(count or 0) for _receiver, count in replies)
    staff_session.vault = crypto.encrypt(cookie_key, new_key, staff_session.id.encode())
    ended = _end_sessions(session, user, keep=staff_session.id)
    audit.record(
        session,
        "user.password_changed",
        actor=user.email,
        target=f"user:{user.id}",
        details={"case_keys_resealed": resealed, "sessions_ended": ended},
    )


def set_active(session: Session, user: User, active: bool, *, actor: str) -> None:
    if user.awaiting_confirmation:
        raise AccountError(f"{user.email} awaits a second admin's confirmation")
    user.active = active
    if not active:
        _end_sessions(session, user)
    audit.record(
        session, "user.activated" if active else "user.deactivated", actor=actor, target=f"user:{user.id}"
    )


# -- two different people ------------------------------------------------------------------------------


def sponsors(session: Session, user: User) -> set[int]:
    """Members who made or reset this account, and those who made or reset theirs, and so on."""
    found: set[int] = set()
    pending = [user]
    while pending:
        member = pending.pop()
        for sponsor_id in (member.created_by_id, member.reset_by_id):
            if sponsor_id is not None and sponsor_id not in found:
                found.add(sponsor_id)
                sponsor = session.get(User, sponsor_id)
                if sponsor is not None:
                    pending.append(sponsor)
    return found


def not_independent(session: Session, first: User, second: User) -> str:
    """Why `second` cannot be the other person of a decision `first` took part in ('' if they can)."""
    if first.id == second.id:
        return "an action must be approved by someone other than its proposer"
    if first.id in sponsors(session, second):
        return f"{second.email} cannot approve: their account was created or reset by {first.email}"
    if second.id in sponsors(session, first):
        return f"{second.email} cannot approve: they created or reset the account of {first.email}"
    return ""


# -- TOTP and vaults -----------------------------------------------------------------------------------


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
    if not claim_totp(session, user, candidate, code):
        raise AccountError("that code does not match: check the time on your device and try again")
    user.vault = seal_vault(account_key, candidate)
    user.totp_enrolled = True
    audit.record(session, "user.totp_enrolled", actor=user.email, target=f"user:{user.id}")


def current_totp(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def claim_totp(session: Session, user: User, vault: Vault, code: str) -> bool:
    """Whether `code` is the member's current code, used once only, even by concurrent logins.

    The step is claimed by one conditional UPDATE: on PostgreSQL a second login with the same code waits
    for the first to commit and then finds the condition false.
    """
    if not vault.totp_secret:
        return False
    code = "".join(code.split())
    totp = pyotp.TOTP(vault.totp_secret)
    now_step = totp.timecode(utcnow())
    steps = (now_step - 1, now_step, now_step + 1)
    matched = [step for step in steps if crypto.equal(totp.generate_otp(step), code)]
    if not matched:
        return False
    step = matched[0]
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, User.last_totp_step < step)
        .values(last_totp_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(user, "last_totp_step", step)
    return True


def open_vault(user: User, account_key: bytes) -> Vault:
    data = json.loads(crypto.decrypt(account_key, user.vault, VAULT_AAD))
    return Vault(crypto.decode_key(data["private_key"]), data.get("totp_secret"))


def seal_vault(account_key: bytes, vault: Vault) -> bytes:
    data = {"private_key": crypto.encode_key(vault.private_key), "totp_secret": vault.totp_secret}
    return crypto.encrypt(account_key, json.dumps(data).encode(), VAULT_AAD)


def _end_sessions(session: Session, user: User, keep: str | None = None) -> int:
    statement = delete(StaffSession).where(StaffSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(StaffSession.id != keep)
    result = session.execute(statement.execution_options(synchronize_session=False))
    session.expire(user, ["sessions"])
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _other_admin_exists(session: Session, creator: User) -> bool:
    return (
        session.scalars(
            select(User.id).where(User.role == Role.ADMIN, User.active.is_(True), User.id != creator.id)
        ).first()
        is not None
    )

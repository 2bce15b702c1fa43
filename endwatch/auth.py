"""Who is asking: the staff member behind a request, and the role checks on every staff route."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from endwatch import accounts, db, resume
from endwatch.config import Config
from endwatch.crypto import KdfParams
from endwatch.models import Role, StaffSession, User

F = TypeVar("F", bound=Callable[..., Any])
ALL_ROLES = frozenset(Role)
READ_ROLES = ALL_ROLES
WRITE_ROLES = frozenset({Role.ADMIN, Role.TRIAGER})


def config() -> Config:
    return current_app.config["ENDWATCH"]


def password_params() -> KdfParams:
    cfg = config()
    return KdfParams(time_cost=cfg.argon2_time_cost, memory_kib=cfg.argon2_memory_kib)


def current_session() -> StaffSession | None:
    """The live staff session of this request, loaded once."""
    if "staff_session" not in g:
        g.staff_session = None
        session_id = session.get("sid")
        if session_id:
            idle = timedelta(minutes=config().session_idle_minutes)
            g.staff_session = accounts.load_session(db.session(), session_id, idle)
            if g.staff_session is None:
                session.clear()
                g.staff_session_ended = True
    return g.staff_session


def current_user() -> User | None:
    staff_session = current_session()
    return staff_session.user if staff_session and staff_session.stage == "ready" else None


def actor() -> str:
    user = current_user()
    return user.email if user else "anonymous"


def account_key() -> bytes:
    """The logged-in member's account key, opened with the half kept in their cookie."""
    staff_session = current_session()
    if staff_session is None:
        abort(401)
    return accounts.session_account_key(staff_session, session["k"])


def private_key() -> bytes:
    """The logged-in member's X25519 private key, for opening case keys sealed to them."""
    user = current_user()
    if user is None:
        abort(401)
    return accounts.open_vault(user, account_key()).private_key


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only staff holding one of `roles`, fully logged in (password changed, TOTP enrolled)."""
    allowed = frozenset(roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            staff_session = current_session()
            if staff_session is None:
                ended = g.get("staff_session_ended", False)
                if request.method == "POST":
                    return resume.login_page_for_lost_post(config().session_idle_minutes if ended else 0)
                if ended:
                    minutes = config().session_idle_minutes
                    flash(f"Your session ended after {minutes} idle minutes. Log in again.", "info")
                return redirect(url_for("staff.login", next=request.path))
            if staff_session.stage != "ready":
                return redirect(url_for("staff.setup"))
            if staff_session.user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.endwatch_roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def staff_open(view: F) -> F:
    """Mark a staff route reachable before login (login, logout, first-login set-up)."""
    view.endwatch_roles = None  # type: ignore[attr-defined]
    return view


def self_service(view: F) -> F:
    """Mark a POST route that changes only the member's own account (allowed to auditors too)."""
    view.endwatch_self_service = True  # type: ignore[attr-defined]
    return view


read_access = roles_required(*READ_ROLES)
write_access = roles_required(*WRITE_ROLES)
admin_only = roles_required(Role.ADMIN)

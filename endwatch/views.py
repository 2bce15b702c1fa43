"""Staff sign-in, first-login set-up, account administration and the audit page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RequestLimit
from limits import parse
from sqlalchemy import select

from endwatch import accounts, audit, db, ratelimit, resume, staff_login
from endwatch.auth import (
    account_key,
    actor,
    admin_only,
    config,
    cookie_key,
    current_session,
    current_user,
    password_params,
    read_access,
    roles_required,
    self_service,
    staff_open,
)
from endwatch.db import utcnow
from endwatch.extensions import hashed_key, limiter
from endwatch.forms import ConfirmForm, LoginForm, PasswordForm, TotpForm, UserForm
from endwatch.handlers import back_on_refusal, too_many_page
from endwatch.models import AuditRecord, Role, User

bp = Blueprint("staff", __name__, url_prefix="/staff")
LOGIN_BUDGET = "login"


def _account_limit_key() -> str:
    return hashed_key("a", (request.form.get("email") or "").strip().lower())


def _account_guess(spend: bool) -> ratelimit.Verdict:
    """Spend one of the guesses the account named in the form has (ENDWATCH_LOGIN_LIMIT), before its
    password is checked, so that attempts sent at once never get more; or only look whether any is left."""
    if spend:
        return ratelimit.spend_on(LOGIN_BUDGET, _account_limit_key(), config().login_limit)
    return ratelimit.check_on(LOGIN_BUDGET, _account_limit_key(), config().login_limit)


def _account_locked_out(refused: ratelimit.Verdict) -> Any:
    limit = parse(config().login_limit)
    _locked_out(str(limit), limit.get_expiry(), per_account=True)
    return too_many_page(refused.retry_after + 1)


def _client_locked_out(limit: RequestLimit) -> None:
    _locked_out(str(limit.limit), limit.limit.get_expiry(), per_account=False)


def _locked_out(limit: str, window: int, per_account: bool) -> None:
    """Audit a lock-out once per window: of the account named in the form, or of a client (unnamed)."""
    email = (request.form.get("email") or "").strip()
    member = accounts.find_user(db.session(), email) if per_account else None
    target = f"user:{member.id}" if member is not None else ""
    reason = "account" if per_account else "client"
    if audit.recent(db.session(), "login.locked_out", target, window, reason=reason):
        return
    audit.record(
        db.session(),
        "login.locked_out",
        actor=member.email if member is not None else "anonymous",
        target=target,
        details={"reason": reason, "limit": limit},
    )
    db.keep_on_error()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: config().login_client_limit, methods=["POST"], on_breach=_client_locked_out)
@staff_open
def login() -> Any:
    form = LoginForm()
    if request.method != "POST":
        return render_template("staff/login.html", form=form, **resume.carried_context())
    valid = form.validate_on_submit()
    guess = _account_guess(spend=valid)
    if not guess.allowed:
        return _account_locked_out(guess)
    if not valid:
        return render_template("staff/login.html", form=form, **resume.carried_context()), 400
    result = staff_login.login(
        db.session(), form.email.data or "", form.password.data or "", form.code.data or "", password_params()
    )
    if result is None:
        db.keep_on_error()
        flash("E-mail, password or code is wrong.", "error")
        return render_template("staff/login.html", form=form, **resume.carried_context()), 401
    ratelimit.refund(guess)  # a member who logs in correctly is not penalised
    session.clear()
    session["sid"] = result.session_id
    session["k"] = result.cookie_key
    session.permanent = False
    if result.user.must_change_password or not result.user.totp_enrolled:
        return redirect(url_for("staff.setup"))
    return resume.resume_page() or redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@staff_open
def logout() -> Any:
    ConfirmForm().validate_on_submit() or abort(400)
    staff_session = current_session()
    if staff_session is not None:
        audit.record(
            db.session(), "logout", actor=staff_session.user.email, target=f"user:{staff_session.user_id}"
        )
        staff_login.end_session(db.session(), staff_session.id)
    session.clear()
    return redirect(url_for("staff.login"))


@bp.route("/setup", methods=["GET", "POST"])
@staff_open
def setup() -> Any:
    """First login: a new password, then TOTP enrolment; nothing else is reachable before both."""
    staff_session = current_session()
    if staff_session is None:
        return redirect(url_for("staff.login"))
    user = staff_session.user
    if staff_session.stage == "password":
        form = PasswordForm()
        if form.validate_on_submit():
            try:
                accounts.change_password(
                    db.session(),
                    staff_session,
                    account_key(),
                    cookie_key(),
                    form.current.data or "",
                    form.new.data or "",
                    password_params(),
                )
            except accounts.AccountError as exc:
                flash(str(exc), "error")
            else:
                staff_session.stage = "ready" if user.totp_enrolled else "totp"
                return redirect(url_for("staff.setup"))
        return render_template("staff/setup_password.html", form=form)
    if staff_session.stage == "totp":
        form = TotpForm()
        secret = session.get("totp_secret") or accounts.new_totp_secret()
        session["totp_secret"] = secret
        if form.validate_on_submit():
            try:
                accounts.enrol_totp(db.session(), user, account_key(), secret, form.code.data or "")
            except accounts.AccountError as exc:
                flash(str(exc), "error")
            else:
                session.pop("totp_secret", None)
                staff_session.stage = "ready"
                return redirect(url_for("staff.home"))
        return render_template(
            "staff/setup_totp.html", form=form, secret=secret, qr_svg=accounts.totp_qr_svg(user, secret)
        )
    return redirect(url_for("staff.home"))


@bp.route("/")
@read_access
def home() -> Any:
    """The work due, as the domains report it through the `endwatch.work_due` hook."""
    user = current_user()
    provider = current_app.extensions.get("endwatch.work_due")
    due = provider(db.session(), utcnow(), user) if provider and user else None
    return render_template("staff/home.html", user=user, due=due)


@bp.route("/password", methods=["GET", "POST"])
@self_service
@read_access
def password() -> Any:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session(),
                g.staff_session,
                account_key(),
                cookie_key(),
                form.current.data or "",
                form.new.data or "",
                password_params(),
            )
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash("Password changed; your other sessions have ended.", "info")
            return redirect(url_for("staff.home"))
    return render_template("staff/setup_password.html", form=form)


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users() -> Any:
    form = UserForm()
    one_time = None
    if form.validate_on_submit():
        try:
            created, one_time = accounts.create_user(
                db.session(),
                form.email.data or "",
                form.role.data or "",
                password_params(),
                actor=actor(),
                creator=current_user(),
            )
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Created {created.email}. Give them this one-time password in person.", "info")
            if created.awaiting_confirmation:
                flash("A second admin must confirm this admin account before it can log in.", "info")
    members = db.session().scalars(select(User).order_by(User.email)).all()
    return render_template(
        "staff/users.html", form=form, members=members, one_time=one_time, confirm=ConfirmForm()
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_only
@back_on_refusal("staff.users")
def user_active(user_id: int) -> Any:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    member = db.session().get(User, user_id) or abort(404)
    if member.id == g.staff_session.user_id:
        flash("You cannot deactivate your own account.", "error")
    else:
        accounts.set_active(db.session(), member, not member.active, actor=actor())
    return redirect(url_for("staff.users"))


@bp.route("/users/<int:user_id>/confirm", methods=["POST"])
@admin_only
@back_on_refusal("staff.users")
def user_confirm(user_id: int) -> Any:
    ConfirmForm().validate_on_submit() or abort(400)
    member = db.session().get(User, user_id) or abort(404)
    accounts.confirm_admin(db.session(), member, g.staff_session.user)
    flash(f"{member.email} is confirmed and may log in.", "info")
    return redirect(url_for("staff.users"))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@admin_only
@back_on_refusal("staff.users")
def user_reset(user_id: int) -> Any:
    """A new one-time password; the member chooses a password and enrols an authenticator again."""
    ConfirmForm().validate_on_submit() or abort(400)
    member = db.session().get(User, user_id) or abort(404)
    one_time = accounts.reset_account(db.session(), member, g.staff_session.user, password_params())
    flash(
        f"{member.email} was reset: they set a new password and authenticator at their next login, and a "
        "member who holds their cases must grant them again.",
        "info",
    )
    members = db.session().scalars(select(User).order_by(User.email)).all()
    return render_template(
        "staff/users.html", form=UserForm(), members=members, one_time=one_time, confirm=ConfirmForm()
    )


@bp.route("/audit")
@roles_required(Role.ADMIN, Role.AUDITOR)
def audit_log() -> Any:
    audit.record(db.session(), "audit.viewed", actor=actor())
    report = audit.verify(db.session(), audit.load_checkpoint(config(), str(current_app.secret_key)))
    records = db.session().scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(200)).all()
    return render_template("staff/audit.html", report=report, records=records)


def _safe_next(target: str | None) -> str:
    return resume.safe_target(target) or url_for("staff.home")

"""Nothing typed is lost when a staff session ends: log in again on the same page, then send it.

A POST that arrives after the member's idle session ended is answered with the login page, which carries
every posted field (as hidden `carry-NAME` fields) and the address it was sent to. After a good login the
member sees what they typed and sends it on with one click, under a fresh CSRF token; the original route
then handles it as usual. Files cannot be carried: the page says so.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, render_template, request

from endwatch.forms import LoginForm

CARRY = "carry-"
RESUME_TO = "resume_to"
NOT_CARRIED = frozenset({"csrf_token"})


def safe_target(target: str | None) -> str | None:
    """A staff address on this site, or None."""
    if target and target.startswith("/staff/") and "//" not in target and "\\" not in target:
        return target
    return None


def _posted_fields() -> list[tuple[str, str]]:
    return [
        (name, value) for name, values in request.form.lists() if name not in NOT_CARRIED for value in values
    ]


def _had_files() -> bool:
    return any(upload.filename for upload in request.files.values())


def login_page_for_lost_post(idle_minutes: int) -> tuple[str, int]:
    """The login page answering a POST whose session had ended, carrying what was posted."""
    return render_template(
        "staff/login.html",
        form=LoginForm(formdata=None),
        carried=_posted_fields(),
        resume_to=request.path,
        files_dropped=_had_files(),
        expired_after=idle_minutes,
    ), 401


def carried_context() -> dict[str, Any]:
    """What a login form posted back about the lost POST, to render the login page again with it."""
    target = safe_target(request.form.get(RESUME_TO))
    if target is None:
        return {}
    carried = [
        (name[len(CARRY) :], value)
        for name, values in request.form.lists()
        if name.startswith(CARRY)
        for value in values
    ]
    dropped = request.form.get("files_dropped") == "1"
    return {"carried": carried, "resume_to": target, "files_dropped": dropped}


def resume_page() -> str | None:
    """After a good login: the page that sends the lost POST on, or None when there is none."""
    context = carried_context()
    if not context.get("carried"):
        return None
    # The login started a new session: drop the CSRF token cached for this request under the old one.
    g.pop("csrf_token", None)
    return render_template("staff/resume.html", **context)


def page_after_bad_token(signed_in: bool, ended_after: int) -> Any:
    """A staff POST whose CSRF token no longer holds (the page was left open, the browser restarted):
    the same fields again under a fresh token, after a new login if the session is gone too
    (`ended_after`: the idle minutes after which it ended, 0 if there was none)."""
    if request.path in ("/staff/login", "/staff/logout", "/staff/setup"):
        flash("The form had expired. Please log in again.", "info")
        return render_template("staff/login.html", form=LoginForm(formdata=None)), 400
    if not signed_in:
        return login_page_for_lost_post(ended_after)
    page = render_template(
        "staff/resume.html",
        carried=_posted_fields(),
        resume_to=request.path,
        files_dropped=_had_files(),
        expired_form=True,
    )
    return page, 400

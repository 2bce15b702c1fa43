"""Staff triage routes (/staff/cases): the queue, one case, and the actions taken on it.

Every route that touches a case loads it through `services.case_for`, which refuses recused members;
every route that reads or writes content unseals the case key through `services.data_key`, which audits
it. GET routes are open to every role (auditors see clear fields and the audit trail, never content);
POST routes need a role that may change cases. A refused action raises a GrievanceError: the shell's
refusal handler rolls it back, shows the message and returns to the case page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, StringField

from endwatch import db, handlers
from endwatch.auth import (
    admin_only,
    config,
    current_user,
    private_key,
    read_access,
    roles_required,
    write_access,
)
from endwatch.case_crypto import READER_ROLES, decrypt_filename
from endwatch.confirm import ask_first
from endwatch.db import utcnow
from endwatch.errors import Refused
from endwatch.forms import ConfirmForm
from endwatch.models import Role, User
from grievance.content import read_attachment
from grievance.errors import BadCursor, CaseNotFound, NoCaseAccess, Recused, TriageError
from grievance.models import Case, CaseState
from grievance.triage import export, links, page, references, replies, services
from grievance.triage import queue as case_queue
from grievance.triage.forms import (
    ConcludeForm,
    LinkForm,
    MemberForm,
    MergeForm,
    NoteForm,
    RateForm,
    ReplyForm,
    SafeguardForm,
    StateForm,
)

bp = Blueprint("triage", __name__, url_prefix="/staff/cases")
key_holders_only = roles_required(Role.ADMIN, Role.TRIAGER)
CaseAction = Callable[..., Any]


def _me() -> User:
    user = current_user()
    if user is None:
        abort(401)
    return user


def load_case(case_id: int) -> Case:
    """The case, or a page saying why not (404 unknown, 403 recused)."""
    try:
        return services.case_for(db.session(), case_id, _me())
    except CaseNotFound as exc:
        abort(Response(render_template("triage/refused.html", message=str(exc)), 404))
    except Recused as exc:
        abort(Response(render_template("triage/refused.html", message=str(exc)), 403))


def _back(case: Case) -> Any:
    return redirect(url_for("triage.case", case_id=case.id), code=303)


def case_action(make_form: Callable[[], FlaskForm], *, bare: bool = False) -> Callable[[CaseAction], Any]:
    """The shape of every POST on a case: load it, check the form, run the action, go back to the case.

    The action gets (case, form, **url arguments) and returns a message to flash, a response, or None.
    An invalid form is flashed and sent back (`bare` forms, with nothing but a CSRF token, answer 400);
    a refusal is rolled back, flashed and sent back by the shell's refusal handler.
    """

    def decorator(action: CaseAction) -> Any:
        @wraps(action)
        def view(case_id: int, **kwargs: Any) -> Any:
            current = load_case(case_id)
            handlers.on_refusal_go_to(url_for("triage.case", case_id=case_id), code=303)
            form = make_form()
            if not form.validate_on_submit():
                if bare:
                    abort(400)
                return _invalid(current, form)
            try:
                outcome = action(current, form, **kwargs)
            except Refused as exc:
                if bare or not _typed(form):
                    raise
                db.rollback_request()
                return _retry(current, form, [str(exc)])
            if isinstance(outcome, str):
                flash(outcome, "info")
                outcome = None
            return outcome or _back(current)

        return view

    return decorator


def _invalid(case: Case, form: Any) -> Any:
    errors = [
        f"{form[name].label.text}: {'; '.join(msgs)}" for name, msgs in form.errors.items() if name in form
    ]
    if _typed(form) and "csrf_token" not in form.errors:
        return _retry(case, form, errors)
    flash(" ".join(errors) or "The form was not valid; reload the page and try again.", "error")
    return _back(case)


def _typed(form: Any) -> bool:
    """Whether the form carries text someone typed, which a refusal must not throw away."""
    return any(
        isinstance(field, StringField) and not isinstance(field, HiddenField) and field.data for field in form
    )


def _retry(case: Case, form: Any, errors: list[str]) -> Any:
    """The refused form again on a page of its own, with what was typed and why it was not done."""
    page.fill_choices(form, db.session(), case)
    return render_template("triage/retry.html", case=case, form=form, errors=errors, action=request.path), 400


def _member(form: MemberForm) -> User | None:
    value = form.member.data or ""
    if not value:
        return None
    member = db.session().get(User, int(value)) if value.isdigit() else None
    if member is None:
        abort(400)
    return member


# -- the queue ---------------------------------------------------------------------------------------


@bp.get("/")
@read_access
def queue() -> Any:
    wanted = page.queue_filters(request.args, db.session())
    after, retention_days = request.args.get("after") or None, config().retention_days
    try:
        result = case_queue.page(db.session(), wanted.filters, _me(), utcnow(), retention_days, after)
    except BadCursor as exc:
        flash(str(exc), "error")
        return redirect(url_for("triage.queue"))
    kept: dict[str, Any] = {k: v for k, v in request.args.items() if k != "after"}
    return render_template(
        "triage/queue.html",
        form=wanted.form,
        next_url=url_for("triage.queue", **kept, after=result.next_cursor) if result.next_cursor else None,
        csv_url=url_for("triage.queue_csv", **kept),
        **page.queue_page(db.session(), result),
    )


@bp.get("/queue.csv")
@read_access
def queue_csv() -> Any:
    filters = page.queue_filters(request.args, db.session()).filters
    rows = case_queue.all_rows(db.session(), filters, _me(), utcnow(), config().retention_days)
    body = export.queue_csv(db.session(), rows, filters, actor=_me().email)
    disposition = f"attachment; filename=cases-{utcnow():%Y%m%d}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})


# -- one case ----------------------------------------------------------------------------------------


@bp.get("/<int:case_id>")
@read_access
def case(case_id: int) -> Any:
    current, me = load_case(case_id), _me()
    key = private_key() if me.role in READER_ROLES else None
    context = page.case_page(db.session(), current, me, key, utcnow(), config().retention_days)
    return render_template("triage/case.html", **context)


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
@key_holders_only
def attachment(case_id: int, attachment_id: int) -> Any:
    current = load_case(case_id)
    found = next((a for a in current.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    try:
        key = services.data_key(db.session(), current, _me(), private_key(), f"attachment:{attachment_id}")
    except NoCaseAccess:
        abort(403)
    # Served as a download under its own name and type, never rendered inline: the bytes came from an
    # anonymous stranger (and every response says nosniff).
    name = decrypt_filename(key, current.reference, found.stored_name, found.filename_enc)
    return send_file(
        io.BytesIO(read_attachment(config(), current, key, found)),
        mimetype=found.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=export.download_name(name, f"case-{current.reference}-{found.id}"),
        conditional=False,
        etag=False,
        max_age=0,
    )


@bp.post("/<int:case_id>/bundle")
@write_access
@case_action(ConfirmForm, bare=True)
def bundle(current: Case, form: ConfirmForm) -> Any:
    data = export.case_bundle(db.session(), config(), current, _me(), private_key())
    disposition = f"attachment; filename=case-{current.reference}.zip"
    return Response(data, mimetype="application/zip", headers={"Content-Disposition": disposition})


@bp.post("/<int:case_id>/state")
@write_access
@case_action(StateForm)
def change_state(current: Case, form: StateForm) -> str:
    services.change_state(db.session(), current, _me(), CaseState(form.state.data))
    return f"Case moved to {services.STATE_LABELS[current.state].lower()}."


@bp.post("/<int:case_id>/conclude")
@write_access
@case_action(ConcludeForm)
def conclude(current: Case, form: ConcludeForm) -> Any:
    chosen = services.check_conclusion(current, form.outcome.data, form.reason.data or "")
    outcome = services.OUTCOME_LABELS[chosen]
    question = ask_first(
        title=f"Conclude case {current.reference}: {outcome.lower()}?",
        consequence="The case is closed: no further state change, and the submitter is told the outcome. "
        "Its content is purged when the retention period ends.",
        button="Conclude the case",
        back=url_for("triage.case", case_id=current.id) + "#actions",
        shown={"Outcome": outcome, "Reason (encrypted)": form.reason.data or ""},
    )
    if question is not None:
        return question
    services.conclude(db.session(), current, _me(), private_key(), form.outcome.data, form.reason.data or "")
    return "Case concluded."


@bp.post("/<int:case_id>/rate")
@write_access
@case_action(RateForm)
def rate(current: Case, form: RateForm) -> str:
    severity = int(form.severity.data) if form.severity.data else None
    likelihood = int(form.likelihood.data) if form.likelihood.data else None
    services.rate(db.session(), current, _me(), severity, likelihood)
    return f"Rating saved: severity {severity or 'not rated'}, likelihood {likelihood or 'not rated'}."


@bp.post("/<int:case_id>/assign")
@write_access
@case_action(lambda: MemberForm(prefix="assign"))
def assign(current: Case, form: MemberForm) -> None:
    services.assign(db.session(), current, _me(), private_key(), _member(form))


@bp.post("/<int:case_id>/grant")
@write_access
@case_action(lambda: MemberForm(prefix="grant"))
def grant(current: Case, form: MemberForm) -> str | None:
    member = _member(form)
    if member is None:
        return None
    services.grant(db.session(), current, _me(), private_key(), member)
    return f"{member.email} can now open this case."


@bp.post("/<int:case_id>/recuse")
@write_access
@case_action(lambda: MemberForm(prefix="recuse"))
def recuse(current: Case, form: MemberForm) -> Any:
    member = _member(form)
    if member is None:
        return None
    question = ask_first(
        title=f"Recuse {member.email} from case {current.reference}?",
        consequence=f"{member.email}'s key to this case is destroyed: they can no longer open it by any "
        "route. An admin can lift the recusal, but access must then be granted again.",
        button=f"Recuse {member.email}",
        back=url_for("triage.case", case_id=current.id) + "#actions",
    )
    if question is not None:
        return question
    services.recuse(db.session(), current, _me(), member)
    flash(f"{member.email} is recused: their key to this case was destroyed.", "info")
    return redirect(url_for("triage.queue"), code=303) if member.id == _me().id else None


@bp.post("/<int:case_id>/recusals/<int:user_id>/lift")
@admin_only
@case_action(ConfirmForm, bare=True)
def lift_recusal(current: Case, form: ConfirmForm, user_id: int) -> str:
    member = db.session().get(User, user_id) or abort(404)
    services.lift_recusal(db.session(), current, _me(), member)
    return f"Recusal lifted; grant {member.email} access again if they need it."


@bp.post("/<int:case_id>/notes")
@write_access
@case_action(NoteForm)
def add_note(current: Case, form: NoteForm) -> None:
    services.add_note(db.session(), current, _me(), private_key(), form.body.data or "")


@bp.post("/<int:case_id>/reply")
@write_access
@case_action(ReplyForm)
def reply(current: Case, form: ReplyForm) -> str:
    body, feedback = form.body.data or "", bool(form.feedback.data)
    files = replies.read_files(config(), request.files.getlist(form.attachments.name))
    me, key = _me(), private_key()
    services.reply(db.session(), current, me, key, body, feedback=feedback, files=files, config=config())
    if files:
        shown = f"Reply sent with {len(files)} file(s), hidden data removed"
        return shown + ": the submitter reads it at follow-up."
    return "Reply sent: the submitter reads it at follow-up."


@bp.post("/<int:case_id>/merge")
@write_access
@case_action(MergeForm)
def merge(current: Case, form: MergeForm) -> Any:
    reference = (form.target.data or "").strip().upper()
    target = db.session().scalars(select(Case).where(Case.reference == reference)).first()
    if target is None:
        raise TriageError(f"There is no case {reference}.")
    links.check_merge(db.session(), current, target, _me())
    question = ask_first(
        title=f"Merge case {current.reference} into {target.reference}?",
        consequence=f"{current.reference} is concluded as a duplicate of {target.reference} and its links "
        "move there; its content stays with it.",
        button=f"Merge into {target.reference}",
        back=url_for("triage.case", case_id=current.id) + "#actions",
    )
    if question is not None:
        return question
    links.merge(db.session(), current, target, _me(), private_key())
    return f"Merged into {target.reference}."


@bp.post("/<int:case_id>/links")
@write_access
@case_action(LinkForm)
def add_link(current: Case, form: LinkForm) -> str:
    kind, ref_id = references.resolve(db.session(), form.picked.data or "", form.reference.data or "")
    links.link(db.session(), current, _me(), kind.value, ref_id)
    return f"Linked to the {kind.value}."


@bp.post("/<int:case_id>/links/<int:link_id>/delete")
@write_access
@case_action(ConfirmForm, bare=True)
def remove_link(current: Case, form: ConfirmForm, link_id: int) -> None:
    links.unlink(db.session(), current, _me(), link_id)


@bp.post("/<int:case_id>/safeguard")
@write_access
@case_action(SafeguardForm)
def propose_safeguard(current: Case, form: SafeguardForm) -> str:
    chosen = form.deployment_id.data or ""
    if not chosen.isdigit():
        raise TriageError("Choose the deployment the action is for.")
    deployment_id = int(chosen)
    links.propose_safeguard(
        db.session(), current, _me(), deployment_id, form.kind.data or "", form.reason.data or ""
    )
    return "Safeguard action proposed; another member must approve it in Enforcement."

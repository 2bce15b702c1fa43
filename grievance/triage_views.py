"""Staff triage routes, registered on ``triage_bp`` (/staff/cases).

Every route that touches a case goes through `_case`, which refuses recused members; every route that
reads or writes content unseals the case key through `grievance.triage.data_key`, which audits it.
GET routes are open to every role (auditors see clear fields and the audit trail, never content);
POST routes need a role that may change cases.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from endwatch import audit, db
from endwatch.auth import (
    admin_only,
    config,
    current_user,
    private_key,
    read_access,
    roles_required,
    write_access,
)
from endwatch.case_crypto import READER_ROLES
from endwatch.db import utcnow
from endwatch.forms import ConfirmForm
from endwatch.models import Role, User
from grievance import case_links, deadlines, export, triage, triage_queue
from grievance.content import read_attachment
from grievance.errors import BadCursor, CaseNotFound, GrievanceError, NoCaseAccess, Recused
from grievance.models import Case, CaseState
from grievance.triage_forms import (
    ConcludeForm,
    LinkForm,
    MemberForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    RateForm,
    ReplyForm,
    SafeguardForm,
    StateForm,
)
from grievance.views import triage_bp

key_holders_only = roles_required(Role.ADMIN, Role.TRIAGER)


def _me() -> User:
    user = current_user()
    if user is None:
        abort(401)
    return user


def _case(case_id: int) -> Case:
    try:
        return triage.case_for(db.session(), case_id, _me())
    except CaseNotFound as exc:
        abort(Response(render_template("triage/refused.html", message=str(exc)), 404))
    except Recused as exc:
        abort(Response(render_template("triage/refused.html", message=str(exc)), 403))


def _back(case: Case) -> Any:
    return redirect(url_for("triage.case", case_id=case.id), code=303)


def _refused(case: Case, exc: Exception) -> Any:
    """Undo whatever the refused operation flushed, say why, and go back to the case."""
    db.session().rollback()
    flash(str(exc), "error")
    return _back(case)


def _invalid(case: Case, form: Any) -> Any:
    errors = [
        f"{form[name].label.text}: {'; '.join(msgs)}" for name, msgs in form.errors.items() if name in form
    ]
    flash(" ".join(errors) or "The form was not valid; reload the page and try again.", "error")
    return _back(case)


def _filters(form: QueueFilterForm) -> triage_queue.QueueFilters:
    data = form.data
    return triage_queue.QueueFilters(
        state=CaseState(data["state"]) if data["state"] else None,
        min_severity=int(data["severity"]) if data["severity"] else None,
        country=(data["country"] or "").strip().upper(),
        product_id=data["item"],
        customer_id=data["customer"],
        assignee=data["assignee"] or "",
        overdue=bool(data["overdue"]),
        older_than_days=int(data["age"]) if data["age"] else None,
        oldest_first=data["order"] == "oldest",
    )


def _queue_form() -> tuple[QueueFilterForm, triage_queue.QueueFilters]:
    form = QueueFilterForm(request.args)
    members = db.session().scalars(select(User).where(User.role != Role.AUDITOR).order_by(User.email))
    form.assignee.choices = list(form.assignee.choices or []) + [  # type: ignore[operator]
        SelectChoice(str(m.id), m.email) for m in members
    ]
    if request.args and not form.validate():
        return form, triage_queue.QueueFilters()
    return form, _filters(form)


# -- queue -------------------------------------------------------------------------------------------


@triage_bp.route("/")
@read_access
def queue() -> Any:
    form, filters = _queue_form()
    try:
        result = triage_queue.page(
            db.session(), filters, _me(), utcnow(), config().retention_days, request.args.get("after") or None
        )
    except BadCursor as exc:
        flash(str(exc), "error")
        return redirect(url_for("triage.queue"))
    users = {u.id: u.email for u in db.session().scalars(select(User))}
    next_args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "after"}
    return render_template(
        "triage/queue.html",
        form=form,
        page=result,
        users=users,
        products=_product_names({row.case.product_id for row in result.rows if row.case.product_id}),
        next_url=url_for("triage.queue", **next_args, after=result.next_cursor)
        if result.next_cursor
        else None,
        csv_url=url_for("triage.queue_csv", **next_args),
        states=triage.STATE_LABELS,
        outcomes=triage.OUTCOME_LABELS,
    )


@triage_bp.route("/queue.csv")
@read_access
def queue_csv() -> Any:
    _form, filters = _queue_form()
    rows = triage_queue.all_rows(db.session(), filters, _me(), utcnow(), config().retention_days)
    body = export.queue_csv(db.session(), rows, filters, actor=_me().email)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=cases-{utcnow():%Y%m%d}.csv"},
    )


def _product_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    try:
        from contracts.models import Product
    except ImportError:
        return {}
    return dict(db.session().execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())


# -- one case ----------------------------------------------------------------------------------------


@triage_bp.route("/<int:case_id>")
@read_access
def case(case_id: int) -> Any:
    current = _case(case_id)
    me = _me()
    session = db.session()
    opened = None
    no_access = ""
    if me.role in READER_ROLES:
        try:
            opened = triage.open_case(session, current, me, private_key())
        except NoCaseAccess as exc:
            no_access = str(exc)
    members = [u for u in session.scalars(select(User).order_by(User.email)) if triage.may_hold_cases(u)]
    recused = triage.recused_members(session, current)
    recused_ids = {u.id for u in recused}
    eligible = [u for u in members if u.id not in recused_ids]
    member_choices = [SelectChoice(str(u.id), u.email) for u in eligible]
    assign_form = MemberForm(prefix="assign")
    assign_form.member.choices = [SelectChoice("", "Nobody")] + member_choices
    grant_form = MemberForm(prefix="grant")
    holders = triage.key_holders(session, current)
    grant_form.member.choices = [SelectChoice(str(u.id), u.email) for u in eligible if u not in holders]
    recuse_form = MemberForm(prefix="recuse")
    recuse_form.member.choices = [SelectChoice(str(u.id), u.email) for u in eligible]
    state_form = StateForm()
    state_form.state.choices = [
        SelectChoice(s.value, triage.STATE_LABELS[s])
        for s in triage.allowed_transitions(current)
        if s != CaseState.CONCLUDED
    ]
    rate_form = RateForm(severity=str(current.severity or ""), likelihood=str(current.likelihood or ""))
    merged_into = session.get(Case, current.merged_into_id) if current.merged_into_id else None
    return render_template(
        "triage/case.html",
        case=current,
        opened=opened,
        no_access=no_access,
        can_write=me.role in READER_ROLES,
        is_admin=me.role == Role.ADMIN,
        deadline=deadlines.next_deadline(current, utcnow()),
        purge_on=triage_queue.purge_date(current, config().retention_days),
        users={u.id: u.email for u in session.scalars(select(User))},
        holders=holders,
        recused=recused,
        links=case_links.links_of(session, current),
        merged_into=merged_into,
        trail=audit.trail(session, f"case:{current.id}"),
        states=triage.STATE_LABELS,
        outcomes=triage.OUTCOME_LABELS,
        severity_scale=triage.SEVERITY_SCALE,
        likelihood_scale=triage.LIKELIHOOD_SCALE,
        concludable=CaseState.CONCLUDED in triage.allowed_transitions(current),
        state_form=state_form,
        conclude_form=ConcludeForm(),
        rate_form=rate_form,
        assign_form=assign_form,
        grant_form=grant_form,
        recuse_form=recuse_form,
        note_form=NoteForm(),
        reply_form=ReplyForm(),
        merge_form=MergeForm(),
        link_form=LinkForm(),
        safeguard_form=SafeguardForm(),
        confirm=ConfirmForm(),
    )


@triage_bp.route("/<int:case_id>/attachments/<int:attachment_id>")
@key_holders_only
def attachment(case_id: int, attachment_id: int) -> Any:
    current = _case(case_id)
    found = next((a for a in current.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    try:
        key = triage.data_key(db.session(), current, _me(), private_key(), f"attachment:{attachment_id}")
    except NoCaseAccess:
        abort(403)
    data = read_attachment(config(), current, key, found)
    # Served as a download, never rendered inline: the bytes came from an anonymous stranger.
    return Response(
        data,
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename=case-{current.reference}-{found.id}"},
    )


@triage_bp.route("/<int:case_id>/bundle", methods=["POST"])
@write_access
def bundle(case_id: int) -> Any:
    current = _case(case_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        data = export.case_bundle(db.session(), config(), current, _me(), private_key())
    except GrievanceError as exc:
        return _refused(current, exc)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename=case-{current.reference}.zip"},
    )


@triage_bp.route("/<int:case_id>/state", methods=["POST"])
@write_access
def change_state(case_id: int) -> Any:
    current = _case(case_id)
    form = StateForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    try:
        triage.change_state(db.session(), current, _me(), CaseState(form.state.data))
    except GrievanceError as exc:
        return _refused(current, exc)
    flash(f"Case moved to {triage.STATE_LABELS[current.state].lower()}.", "info")
    return _back(current)


@triage_bp.route("/<int:case_id>/conclude", methods=["POST"])
@write_access
def conclude(case_id: int) -> Any:
    current = _case(case_id)
    form = ConcludeForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    try:
        triage.conclude(
            db.session(), current, _me(), private_key(), form.outcome.data, form.reason.data or ""
        )
    except GrievanceError as exc:
        return _refused(current, exc)
    flash("Case concluded.", "info")
    return _back(current)


@triage_bp.route("/<int:case_id>/rate", methods=["POST"])
@write_access
def rate(case_id: int) -> Any:
    current = _case(case_id)
    form = RateForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    severity = int(form.severity.data) if form.severity.data else None
    likelihood = int(form.likelihood.data) if form.likelihood.data else None
    try:
        triage.rate(db.session(), current, _me(), severity, likelihood)
    except GrievanceError as exc:
        return _refused(current, exc)
    return _back(current)


def _member(form: MemberForm) -> User | None:
    value = form.member.data or ""
    if not value:
        return None
    member = db.session().get(User, int(value)) if value.isdigit() else None
    if member is None:
        abort(400)
    return member


@triage_bp.route("/<int:case_id>/assign", methods=["POST"])
@write_access
def assign(case_id: int) -> Any:
    current = _case(case_id)
    form = MemberForm(prefix="assign")
    if not form.validate_on_submit():
        return _invalid(current, form)
    member = _member(form)
    try:
        triage.assign(db.session(), current, _me(), private_key(), member)
    except GrievanceError as exc:
        return _refused(current, exc)
    return _back(current)


@triage_bp.route("/<int:case_id>/grant", methods=["POST"])
@write_access
def grant(case_id: int) -> Any:
    current = _case(case_id)
    form = MemberForm(prefix="grant")
    if not form.validate_on_submit():
        return _invalid(current, form)
    member = _member(form)
    if member is None:
        return _back(current)
    try:
        triage.grant(db.session(), current, _me(), private_key(), member)
    except GrievanceError as exc:
        return _refused(current, exc)
    flash(f"{member.email} can now open this case.", "info")
    return _back(current)


@triage_bp.route("/<int:case_id>/recuse", methods=["POST"])
@write_access
def recuse(case_id: int) -> Any:
    current = _case(case_id)
    form = MemberForm(prefix="recuse")
    if not form.validate_on_submit():
        return _invalid(current, form)
    member = _member(form)
    if member is None:
        return _back(current)
    try:
        triage.recuse(db.session(), current, _me(), member)
    except GrievanceError as exc:
        return _refused(current, exc)
    flash(f"{member.email} is recused: their key to this case was destroyed.", "info")
    if member.id == _me().id:
        return redirect(url_for("triage.queue"), code=303)
    return _back(current)


@triage_bp.route("/<int:case_id>/recusals/<int:user_id>/lift", methods=["POST"])
@admin_only
def lift_recusal(case_id: int, user_id: int) -> Any:
    current = _case(case_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    member = db.session().get(User, user_id) or abort(404)
    try:
        triage.lift_recusal(db.session(), current, _me(), member)
    except GrievanceError as exc:
        return _refused(current, exc)
    flash(f"Recusal lifted; grant {member.email} access again if they need it.", "info")
    return _back(current)


@triage_bp.route("/<int:case_id>/notes", methods=["POST"])
@write_access
def add_note(case_id: int) -> Any:
    current = _case(case_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    try:
        triage.add_note(db.session(), current, _me(), private_key(), form.body.data or "")
    except GrievanceError as exc:
        return _refused(current, exc)
    return _back(current)


@triage_bp.route("/<int:case_id>/reply", methods=["POST"])
@write_access
def reply(case_id: int) -> Any:
    current = _case(case_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    try:
        triage.reply(
            db.session(), current, _me(), private_key(), form.body.data or "", feedback=form.feedback.data
        )
    except GrievanceError as exc:
        return _refused(current, exc)
    flash("Reply sent: the submitter reads it at follow-up.", "info")
    return _back(current)


@triage_bp.route("/<int:case_id>/merge", methods=["POST"])
@write_access
def merge(case_id: int) -> Any:
    current = _case(case_id)
    form = MergeForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    reference = (form.target.data or "").strip().upper()
    target = db.session().scalars(select(Case).where(Case.reference == reference)).first()
    if target is None:
        flash(f"There is no case {reference}.", "error")
        return _back(current)
    try:
        case_links.merge(db.session(), current, target, _me(), private_key())
    except GrievanceError as exc:
        return _refused(current, exc)
    flash(f"Merged into {target.reference}.", "info")
    return _back(current)


@triage_bp.route("/<int:case_id>/links", methods=["POST"])
@write_access
def add_link(case_id: int) -> Any:
    current = _case(case_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    try:
        case_links.link(db.session(), current, _me(), form.kind.data or "", int(form.ref_id.data or 0))
    except GrievanceError as exc:
        return _refused(current, exc)
    return _back(current)


@triage_bp.route("/<int:case_id>/links/<int:link_id>/delete", methods=["POST"])
@write_access
def remove_link(case_id: int, link_id: int) -> Any:
    current = _case(case_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        case_links.unlink(db.session(), current, _me(), link_id)
    except GrievanceError as exc:
        return _refused(current, exc)
    return _back(current)


@triage_bp.route("/<int:case_id>/safeguard", methods=["POST"])
@write_access
def propose_safeguard(case_id: int) -> Any:
    current = _case(case_id)
    form = SafeguardForm()
    if not form.validate_on_submit():
        return _invalid(current, form)
    try:
        case_links.propose_safeguard(
            db.session(),
            current,
            _me(),
            int(form.deployment_id.data or 0),
            form.kind.data or "",
            form.reason.data or "",
        )
    except GrievanceError as exc:
        return _refused(current, exc)
    flash("Safeguard action proposed; another member must approve it in Enforcement.", "info")
    return _back(current)

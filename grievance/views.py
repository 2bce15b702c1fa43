"""Public intake and follow-up routes (blueprint "public"); staff triage routes are grievance.triage.views."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from contracts.models import Product
from endwatch import db, ratelimit
from endwatch.config import Config
from endwatch.ratelimit import Verdict
from grievance import attachments, flood, handoff, intake, notify, uploads
from grievance import followup as visits
from grievance.content import read_content
from grievance.errors import AttachmentRefused, GrievanceError, IntakeUnavailable, ReceiptNotFound
from grievance.forms import (
    PERIODS,
    RIGHTS,
    TOO_LONG,
    UNKNOWN,
    EmptyForm,
    MessageForm,
    ReceiptForm,
    ReportForm,
    country_choices,
    country_options,
)
from grievance.models import Case
from grievance.triage.export import download_name

bp = Blueprint("public", __name__)

FOLLOWUP_ID, FOLLOWUP_KEY = "fu", "fk"
CARRIED = "carried_body"


def config() -> Config:
    return current_app.config["ENDWATCH"]


@bp.route("/")
def index() -> Any:
    return render_template("grievance/index.html", idle_minutes=config().session_idle_minutes)


@bp.route("/report", methods=["GET", "POST"])
def report() -> Any:
    form = ReportForm()
    form.fill_choices(_products())
    if not form.form_token.data:
        form.form_token.data = handoff.new_form_token()
    if not form.validate_on_submit():
        return _report_page(form, _form_status())
    if handoff.already_sent(form.form_token.data):
        return redirect(url_for("public.received"), code=303)
    admitted = flood.admit_report()
    if not admitted.allowed:
        flash(_too_many_reports(admitted.minutes), "error")
        return _retry_after(_report_page(form, 429), admitted)
    try:
        batch = uploads.receive(request.files.getlist(form.attachments.name), config())
        submission = intake.Submission(
            what=form.what.data or "",
            who=form.who.data or "",
            contact=form.contact.data or "",
            categories=list(form.rights.data or []),
            country=form.country.data or "",
            product_id=int(form.product.data) if form.product.data not in (None, UNKNOWN) else None,
            incident_period=form.period.data or "unknown",
            language=str(_current_language()),
        )
        db.begin_write()
        case, receipt = intake.create_case(db.session(), config(), submission, batch.kept)
    except AttachmentRefused as exc:
        form.attachments.errors = [uploads.refusal_text(exc, _limits())]
        return _report_page(form, 400)
    except IntakeUnavailable:
        return render_template("grievance/unavailable.html"), 503
    notify.queue_notice(db.session(), config(), "case", case.reference)
    # Committed here, before the receipt is handed to the next page: a failed commit is an error page,
    # and the receipt is never shown (nor the form marked as sent) for a report that was not stored.
    db.session().commit()
    handoff.hand_over(receipt, uploads.handoff_pairs(batch), form.form_token.data)
    return redirect(url_for("public.received"), code=303)


@bp.get("/report/received")
def received() -> Any:
    """The receipt, shown once (post-redirect-get): Reload or Back never send the report again."""
    handed = handoff.take()
    if handed is None:
        return render_template("grievance/received_again.html")
    notes = uploads.notes_from_pairs(handed["files"])
    return render_template("grievance/receipt.html", receipt=handed["receipt"], file_notes=notes)


@bp.route("/followup", methods=["GET", "POST"])
def followup() -> Any:
    form = ReceiptForm()
    carried = _carried_message()
    if request.method == "GET" and _current_followup() is not None:
        return redirect(url_for("public.followup_case"))
    if not form.validate_on_submit():
        return _receipt_page(form, _form_status(), carried)
    receipt = form.receipt.data or ""
    if not flood.receipt_worth_checking(receipt):
        form.receipt.errors = [_("No report matches this receipt. Check the digits and try again.")]
        return _receipt_page(form, 401, carried)
    allowed = flood.may_check_receipt()
    if not allowed.allowed:
        flash(_too_many_receipts(allowed.minutes), "error")
        return _retry_after(_receipt_page(form, 429, carried), allowed)
    try:
        visit = visits.start_followup(db.session(), config(), receipt)
    except ReceiptNotFound:
        flood.receipt_failed()
        form.receipt.errors = [_("No report matches this receipt. Check the digits and try again.")]
        return _receipt_page(form, 401, carried)
    _forget_followup()
    session[FOLLOWUP_ID] = visit.session_id
    session[FOLLOWUP_KEY] = visit.cookie_key
    session.permanent = False
    if carried is not None and carried.strip():
        return _send_carried(visit, carried)
    return redirect(url_for("public.followup_case"))


@bp.route("/followup/case", methods=["GET", "POST"])
def followup_case() -> Any:
    visit = _current_followup()
    if visit is None:
        ended = FOLLOWUP_ID in session
        _forget_followup()
        if request.method == "POST":
            # The visit ended while they typed: ask for the receipt on this page, carrying the text in
            # the page itself (never stored on the server), and send it after the receipt.
            return _lost_message_page(ended)
        if ended:
            flash(_("Your follow-up session ended. Please enter your receipt again."), "info")
        return redirect(url_for("public.followup"))
    form = MessageForm()
    status = 200
    if form.validate_on_submit():
        if any(upload.filename for upload in request.files.getlist(form.attachments.name)):
            # Files cost cleaning: a budget per visitor, in clock-aligned windows (endwatch.ratelimit).
            admitted = ratelimit.spend("followup-upload", uploads.FOLLOWUP_UPLOAD_LIMIT)
            if not admitted.allowed:
                form.attachments.errors = [_too_many_files(admitted.minutes)]
                return _retry_after(_case_page(visit, form, 429), admitted)
        try:
            batch = uploads.receive(request.files.getlist(form.attachments.name), config())
            db.begin_write()
            visits.add_submitter_message(db.session(), config(), visit, form.body.data or "", batch.kept)
        except AttachmentRefused as exc:
            form.attachments.errors = [uploads.refusal_text(exc, _limits())]
            status = 400
        except GrievanceError:
            form.body.errors = [_("Please write a message or add a file.")]
            status = 400
        else:
            notify.queue_notice(db.session(), config(), "message", visit.case.reference)
            flash(_("Your message was sent."), "info")
            for line in uploads.results(batch):
                flash(line, "info")
            return redirect(url_for("public.followup_case"))
    elif request.method == "POST":
        status = 400
    return _case_page(visit, form, status)


@bp.get("/followup/files/<int:attachment_id>")
def followup_file(attachment_id: int) -> Any:
    """A file our team attached to a reply, for the submitter of that case only."""
    visit = _current_followup()
    if visit is None:
        return redirect(url_for("public.followup"))
    found = visits.reply_attachment(visit, attachment_id)
    if found is None:
        abort(404)
    name, data = visits.read_reply_attachment(config(), visit, found)
    return send_file(
        io.BytesIO(data),
        mimetype=found.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=download_name(name, f"file-{found.id}"),
        conditional=False,
        etag=False,
        max_age=0,
    )


@bp.route("/followup/end", methods=["POST"])
def followup_end() -> Any:
    if EmptyForm().validate_on_submit() and FOLLOWUP_ID in session:
        visits.end_followup(db.session(), str(session[FOLLOWUP_ID]))
    _forget_followup()
    return redirect(url_for("public.index"))


def page_after_bad_token() -> Any:
    """A public POST whose CSRF token no longer holds (the browser was restarted, the cookie was lost):
    what was typed comes back under a fresh token instead of an error page; None for other routes."""
    if request.path == url_for("public.report"):
        form = ReportForm()
        form.fill_choices(_products())
        form.form_token.data = form.form_token.data or handoff.new_form_token()
        return _report_page(form, 400, expired_form=True)
    if request.path == url_for("public.followup_case"):
        _forget_followup()
        return _lost_message_page(ended=True)
    if request.path == url_for("public.followup") and CARRIED in request.form:
        return _receipt_page(ReceiptForm(formdata=None), 400, _carried_message(), ended=True)
    return None


# -- helpers -----------------------------------------------------------------------------------------


def _case_page(visit: visits.Followup, form: MessageForm, status: int) -> Any:
    content = read_content(visit.case, visit.data_key)
    return (
        render_template(
            "grievance/followup_case.html",
            case=visit.case,
            content=content,
            report=_report_summary(visit.case),
            deadline=visits.next_deadline(visit.case),
            form=form,
            end_form=EmptyForm(),
            limits=_limits(),
            idle_minutes=config().session_idle_minutes,
            files_again=_files_again(form.attachments.name) if status >= 400 else [],
        ),
        status,
    )


def _report_summary(case: Case) -> dict[str, Any]:
    """The chosen fields of the report, in the reader's language, to read it back."""
    product = db.session().get(Product, case.product_id) if case.product_id is not None else None
    countries = dict(country_choices())
    rights = {choice.value: str(choice.label) for choice in RIGHTS}
    periods = {choice.value: str(choice.label) for choice in PERIODS}
    return {
        "product": product.name if product is not None else None,
        "country": countries.get(case.country, case.country) if case.country else None,
        "period": periods.get(case.incident_period, periods["unknown"]),
        "rights": [rights.get(code, code) for code in case.categories],
    }


def _carried_message() -> str | None:
    """The message typed before the visit ended, posted back with the receipt; None if there was none."""
    if request.method != "POST" or CARRIED not in request.form:
        return None
    return request.form.get(CARRIED, "")


def _receipt_page(form: ReceiptForm, status: int, carried: str | None = None, **extra: Any) -> Any:
    return render_template(
        "grievance/followup.html",
        form=form,
        carried=carried,
        files_dropped=extra.get("files_dropped", request.form.get("files_dropped") == "1"),
        ended=extra.get("ended", False),
    ), status


def _lost_message_page(ended: bool) -> Any:
    """The receipt form, answering a message posted after the visit ended, with the message in it."""
    carried = request.form.get("body", "")
    dropped = any(upload.filename for upload in request.files.getlist("attachments"))
    return _receipt_page(ReceiptForm(formdata=None), 401, carried, files_dropped=dropped, ended=ended)


def _send_carried(visit: visits.Followup, carried: str) -> Any:
    """Send the message that was typed before the visit ended, now that the receipt opened it again."""
    form = MessageForm(formdata=None, body=carried)
    try:
        visits.add_submitter_message(db.session(), config(), visit, carried)
    except GrievanceError:
        form.body.errors = [str(TOO_LONG)]
        return _case_page(visit, form, 400)
    notify.queue_notice(db.session(), config(), "message", visit.case.reference)
    flash(_("Your message was sent."), "info")
    return redirect(url_for("public.followup_case"))


def _current_followup() -> visits.Followup | None:
    session_id, cookie_key = session.get(FOLLOWUP_ID), session.get(FOLLOWUP_KEY)
    if not session_id or not cookie_key:
        return None
    idle = timedelta(minutes=config().session_idle_minutes)
    db.begin_write()  # the visit is touched (or removed once idle), on GET pages too
    return visits.resume_followup(db.session(), str(session_id), str(cookie_key), idle)


def _forget_followup() -> None:
    session.pop(FOLLOWUP_ID, None)
    session.pop(FOLLOWUP_KEY, None)


def _products() -> list[tuple[int, str]]:
    return [
        (row.id, row.name)
        for row in db.session().execute(select(Product.id, Product.name).order_by(Product.name))
    ]


def _limits() -> dict[str, int]:
    return {
        "file_mb": config().attachment_max_mb,
        "total_mb": config().submission_max_mb,
        "files": attachments.MAX_FILES,
    }


def _report_page(form: ReportForm, status: int, expired_form: bool = False) -> Any:
    return render_template(
        "grievance/report.html",
        form=form,
        limits=_limits(),
        country_options=country_options,
        files_again=_files_again(form.attachments.name),
        expired_form=expired_form,
    ), status


def _files_again(field: str) -> list[str]:
    """The files chosen for a POST that was not stored: the page asks for them again, by name."""
    return handoff.chosen_names(request.files.getlist(field)) if request.method == "POST" else []


def _too_many_reports(minutes: int) -> str:
    return _(
        "You have sent several reports in a short time. Please wait %(minutes)d minutes, then send again: "
        "your text is kept below (files must be chosen again).",
        minutes=minutes,
    )


def _too_many_files(minutes: int) -> str:
    return _(
        "You have added many files in a short time. Please wait %(minutes)d minutes, then add them again: "
        "your message is kept below.",
        minutes=minutes,
    )


def _too_many_receipts(minutes: int) -> str:
    return _(
        "Too many receipts were tried from this browser. Please wait %(minutes)d minutes and try again.",
        minutes=minutes,
    )


def _retry_after(page: tuple[Any, int], verdict: Verdict) -> Response:
    response = current_app.make_response(page)
    response.headers["Retry-After"] = str(max(verdict.retry_after, 1))
    return response


def _form_status() -> int:
    return 400 if request.method == "POST" else 200


def _current_language() -> str:
    return str(get_locale() or "en")

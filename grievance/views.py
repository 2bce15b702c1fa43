"""Public intake and follow-up routes (blueprint "public"); staff triage routes are grievance.triage.views."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from contracts.models import Product
from endwatch import db
from endwatch.config import Config
from endwatch.extensions import limiter
from grievance import attachments, intake, notify, uploads
from grievance import followup as visits
from grievance.content import read_content
from grievance.errors import AttachmentRefused, GrievanceError, IntakeUnavailable, ReceiptNotFound
from grievance.forms import UNKNOWN, EmptyForm, MessageForm, ReceiptForm, ReportForm, country_options

bp = Blueprint("public", __name__)

FOLLOWUP_ID, FOLLOWUP_KEY = "fu", "fk"


def config() -> Config:
    return current_app.config["ENDWATCH"]


def _site() -> str:
    return "site"


def _refused(response: Response) -> bool:
    return response.status_code == 401


@bp.route("/")
def index() -> Any:
    return render_template("grievance/index.html", idle_minutes=config().session_idle_minutes)


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(lambda: config().intake_limit, methods=["POST"])
@limiter.limit(lambda: config().intake_site_limit, key_func=_site, methods=["POST"], scope="intake-site")
def report() -> Any:
    form = ReportForm()
    form.fill_choices(_products())
    if not form.validate_on_submit():
        return _report_page(form, _form_status())
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
    # The shell commits after this view returns and before the page leaves: a failed commit sends an
    # error page instead, so the receipt is never shown for a report that was not stored.
    return render_template("grievance/receipt.html", receipt=receipt, file_notes=uploads.results(batch))


@bp.route("/followup", methods=["GET", "POST"])
@limiter.limit(lambda: config().followup_limit, methods=["POST"], deduct_when=_refused)
@limiter.limit(
    lambda: config().followup_site_limit,
    key_func=_site,
    methods=["POST"],
    deduct_when=_refused,
    scope="followup-site",
)
def followup() -> Any:
    form = ReceiptForm()
    if request.method == "GET" and _current_followup() is not None:
        return redirect(url_for("public.followup_case"))
    if not form.validate_on_submit():
        return render_template("grievance/followup.html", form=form), _form_status()
    try:
        visit = visits.start_followup(db.session(), config(), form.receipt.data or "")
    except ReceiptNotFound:
        form.receipt.errors = [_("No report matches this receipt. Check the words and try again.")]
        return render_template("grievance/followup.html", form=form), 401
    _forget_followup()
    session[FOLLOWUP_ID] = visit.session_id
    session[FOLLOWUP_KEY] = visit.cookie_key
    session.permanent = False
    return redirect(url_for("public.followup_case"))


@bp.route("/followup/case", methods=["GET", "POST"])
@limiter.limit(
    uploads.FOLLOWUP_UPLOAD_LIMIT,
    key_func=lambda: str(session.get(FOLLOWUP_ID) or "none"),
    methods=["POST"],
    exempt_when=lambda: not any(f.filename for f in request.files.values()),
    scope="followup-upload",
)
def followup_case() -> Any:
    visit = _current_followup()
    if visit is None:
        if FOLLOWUP_ID in session:
            _forget_followup()
            flash(_("Your follow-up session ended. Please enter your receipt again."), "info")
        return redirect(url_for("public.followup"))
    form = MessageForm()
    status = 200
    if form.validate_on_submit():
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
    content = read_content(visit.case, visit.data_key)
    return (
        render_template(
            "grievance/followup_case.html",
            case=visit.case,
            content=content,
            deadline=visits.next_deadline(visit.case),
            form=form,
            end_form=EmptyForm(),
            limits=_limits(),
            idle_minutes=config().session_idle_minutes,
        ),
        status,
    )


@bp.route("/followup/end", methods=["POST"])
def followup_end() -> Any:
    if EmptyForm().validate_on_submit() and FOLLOWUP_ID in session:
        visits.end_followup(db.session(), str(session[FOLLOWUP_ID]))
    _forget_followup()
    return redirect(url_for("public.index"))


# -- helpers -----------------------------------------------------------------------------------------


def _current_followup() -> visits.Followup | None:
    session_id, cookie_key = session.get(FOLLOWUP_ID), session.get(FOLLOWUP_KEY)
    if not session_id or not cookie_key:
        return None
    idle = timedelta(minutes=config().session_idle_minutes)
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


def _report_page(form: ReportForm, status: int) -> Any:
    return render_template(
        "grievance/report.html", form=form, limits=_limits(), country_options=country_options
    ), status


def _form_status() -> int:
    return 400 if request.method == "POST" else 200


def _current_language() -> str:
    return str(get_locale() or "en")

"""Staff routes for customers, deployments and safeguards; the update-entitlement API."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from limits import parse
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from contracts import assessment, csv_import, entitlements, evidence, safeguards
from contracts import checklist as checklists
from contracts.errors import BadToken, ContractsError, NotFound
from contracts.forms import ACTION_LABELS, DecisionForm, FlagForm, ImportForm, ProposeForm, ReviewForm
from contracts.models import (
    ActionStatus,
    Contract,
    Customer,
    Deployment,
    EnforcementAction,
    Product,
    SupplyLink,
)
from endwatch import db
from endwatch.auth import actor, config, current_user, read_access, write_access
from endwatch.confirm import ask_first
from endwatch.extensions import client_key, limiter
from endwatch.handlers import back_on_refusal
from endwatch.models import User

bp = Blueprint("contracts", __name__, url_prefix="/staff/contracts")
api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
FAILED_TOKEN_LIMIT = parse("30 per minute")
NONCE = re.compile(r"^[A-Za-z0-9_-]{0,64}$")


@bp.context_processor
def labels() -> dict[str, Any]:
    return {
        "clause_labels": checklists.CLAUSE_LABELS,
        "capabilities": checklists.CAPABILITIES,
        "remote_disable_note": checklists.REMOTE_DISABLE_NOTE,
        "action_labels": ACTION_LABELS,
    }


@bp.errorhandler(400)
def bad_request(error: Exception) -> Any:
    message = "The form was incomplete or expired; go back, reload the page and try again."
    return render_template("contracts/error.html", title="Bad request", message=message), 400


@bp.errorhandler(404)
def not_found(error: Exception) -> Any:
    message = "There is no such customer, deployment or action."
    return render_template("contracts/error.html", title="Not found", message=message), 404


def _member() -> User:
    user = current_user()
    if user is None:
        abort(401)
    return user


# -- customers ----------------------------------------------------------------------------------------


@bp.get("/customers")
@read_access
def customers() -> Any:
    session = db.session()
    checklist = checklists.load(config())
    rows = session.scalars(
        select(Customer)
        .options(
            selectinload(Customer.red_flags),
            selectinload(Customer.supply_links),
            selectinload(Customer.deployments).selectinload(Deployment.product),
        )
        .order_by(Customer.country, Customer.name)
    ).all()
    tiers = {c.id: assessment.assess(c, checklist).tier for c in rows}
    due = assessment.due_reviews(session, config(), _today())
    return render_template("contracts/customers.html", customers=rows, tiers=tiers, due=due, today=_today())


@bp.get("/customers/<int:customer_id>")
@read_access
def customer(customer_id: int) -> Any:
    session = db.session()
    found = session.get(Customer, customer_id) or abort(404)
    checklist = checklists.load(config())
    last = assessment.last_review(session, found)
    flag_form = FlagForm()
    flag_form.code.choices = [
        (f.code, f.label) for f in checklist.flags if f.code not in checklists.DERIVED_FLAGS
    ]
    reviews = session.scalars(
        select(assessment.Reassessment)
        .where(assessment.Reassessment.customer_id == found.id)
        .order_by(assessment.Reassessment.reviewed_on.desc())
    ).all()
    return render_template(
        "contracts/customer.html",
        customer=found,
        assessment=assessment.assess(found, checklist),
        next_review=assessment.next_review(found, last, checklist),
        reviews=reviews,
        flag_form=flag_form,
        review_form=ReviewForm(),
        supplied=session.scalars(
            select(Customer)
            .join(SupplyLink, SupplyLink.end_user_id == Customer.id)
            .where(SupplyLink.supplier_id == found.id)
            .order_by(Customer.name)
        ).all(),
    )


@bp.post("/customers/<int:customer_id>/flags")
@write_access
@back_on_refusal("contracts.customer", "customer_id")
def customer_flag(customer_id: int) -> Any:
    found = db.session().get(Customer, customer_id) or abort(404)
    form = FlagForm()
    form.code.choices = [SelectChoice(f.code, f.label) for f in checklists.load(config()).flags]
    if not form.validate_on_submit():
        abort(400)
    assessment.set_red_flag(
        db.session(),
        found,
        form.code.data or "",
        form.source_note.data or "",
        actor(),
        checklists.load(config()),
    )
    flash("Red flag recorded.", "info")
    return redirect(url_for("contracts.customer", customer_id=customer_id))


@bp.post("/customers/<int:customer_id>/reviews")
@write_access
@back_on_refusal("contracts.customer", "customer_id")
def customer_review(customer_id: int) -> Any:
    found = db.session().get(Customer, customer_id) or abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    review = assessment.record_review(
        db.session(),
        found,
        reviewer=actor(),
        outcome=form.outcome.data or "",
        notes=form.notes.data or "",
        config=config(),
    )
    flash(f"Review recorded; next review due {review.next_due.isoformat()}.", "info")
    return redirect(url_for("contracts.customer", customer_id=customer_id))


@bp.route("/import", methods=["GET", "POST"])
@write_access
def import_csv() -> Any:
    form = ImportForm()
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8")
            report = csv_import.import_csv(db.session(), form.kind.data or "customers", text, actor())
        except UnicodeDecodeError:
            flash("The file is not UTF-8 text; nothing was imported.", "error")
        except ContractsError as exc:  # answered 400 below: nothing of the file is committed
            flash(f"{exc}; nothing was imported.", "error")
        else:
            flash(f"Imported {report}.", "info")
            return redirect(url_for("contracts.import_csv"))
        return render_template("contracts/import.html", form=form), 400
    status = 400 if request.method == "POST" else 200
    return render_template("contracts/import.html", form=form), status


# -- deployments, gaps, actions ---------------------------------------------------------------------


@bp.get("/deployments")
@read_access
def deployments() -> Any:
    session = db.session()
    return render_template(
        "contracts/deployments.html",
        deployments=session.scalars(
            select(Deployment)
            .options(
                selectinload(Deployment.customer),
                selectinload(Deployment.product),
                selectinload(Deployment.contract),
            )
            .order_by(Deployment.ref)
        ).all(),
        products=session.scalars(select(Product).order_by(Product.name)).all(),
        contracts=session.scalars(
            select(Contract).options(selectinload(Contract.customer)).order_by(Contract.ref)
        ).all(),
    )


@bp.get("/deployments/<int:deployment_id>")
@read_access
def deployment(deployment_id: int) -> Any:
    found = db.session().get(Deployment, deployment_id) or abort(404)
    return _deployment_page(found, ProposeForm())


def _deployment_page(found: Deployment, form: ProposeForm, status: int = 200) -> Any:
    session = db.session()
    actions = session.scalars(
        select(EnforcementAction)
        .where(EnforcementAction.deployment_id == found.id)
        .order_by(EnforcementAction.proposed_at.desc())
    ).all()
    tier = assessment.assess(found.customer, checklists.load(config())).tier
    required = assessment.required_clauses(found, tier, checklists.load(config()))
    candidates = evidence.candidates(session, found)
    form.picked.choices = [SelectChoice(item.value, item.label) for item in candidates]
    return render_template(
        "contracts/deployment.html",
        deployment=found,
        actions=actions,
        evidence_of={a.id: evidence.describe(session, a.evidence) for a in actions},
        candidates=candidates,
        tier=tier,
        required=required,
        form=form,
        decision=DecisionForm(),
    ), status


@bp.post("/deployments/<int:deployment_id>/actions")
@write_access
@back_on_refusal("contracts.deployment", "deployment_id")
def propose(deployment_id: int) -> Any:
    found = db.session().get(Deployment, deployment_id) or abort(404)
    form = ProposeForm()
    if not form.validate_on_submit():
        return _deployment_page(found, form, 400)
    try:
        cited = evidence.resolve(db.session(), form.evidence.data or "", form.picked.data or [])
        action = safeguards.propose_action(
            db.session(), deployment_id, form.kind.data or "", form.reason.data or "", cited, _member()
        )
    except NotFound:
        abort(404)
    except ContractsError as exc:  # said on the same page, with everything typed kept
        form.evidence.errors = [*form.evidence.errors, str(exc)]
        return _deployment_page(found, form, 400)
    flash(f"Action {action.id} proposed; another member must approve it before it takes effect.", "info")
    return redirect(url_for("contracts.actions"))


@bp.get("/gaps")
@read_access
def gaps() -> Any:
    return render_template("contracts/gaps.html", gaps=assessment.gap_analysis(db.session(), config()))


@bp.get("/actions")
@read_access
def actions() -> Any:
    session = db.session()
    all_actions = session.scalars(
        select(EnforcementAction)
        .options(selectinload(EnforcementAction.evidence), selectinload(EnforcementAction.deployment))
        .order_by(EnforcementAction.proposed_at.desc())
    ).all()
    pending = [a for a in all_actions if a.status == ActionStatus.PROPOSED]
    decided = [a for a in all_actions if a.status != ActionStatus.PROPOSED]
    return render_template(
        "contracts/actions.html",
        pending=pending,
        decided=decided,
        evidence_of={a.id: evidence.describe(session, a.evidence) for a in all_actions},
        decision=DecisionForm(),
        me=current_user(),
    )


@bp.post("/actions/<int:action_id>/approve")
@write_access
@back_on_refusal("contracts.actions")
def approve(action_id: int) -> Any:
    action = db.session().get(EnforcementAction, action_id) or abort(404)
    DecisionForm().validate_on_submit() or abort(400)
    question = ask_first(
        title=f"Approve: {ACTION_LABELS[action.kind].lower()} for {action.deployment.ref}?",
        consequence=Markup(
            "It takes effect now for deployment {} of <bdi>{}</bdi> and is recorded in the audit log; "
            "undoing it takes a new reinstatement action, proposed and approved by two members."
        ).format(action.deployment.ref, action.deployment.customer.name),
        button=f"Approve: {ACTION_LABELS[action.kind]}",
        back=url_for("contracts.actions"),
        shown={"Reason given": action.reason},
    )
    if question is not None:
        return question
    return _decide(action_id, safeguards.approve_action, "Action approved: it is in effect now.")


@bp.post("/actions/<int:action_id>/reject")
@write_access
@back_on_refusal("contracts.actions")
def reject(action_id: int) -> Any:
    return _decide(action_id, safeguards.reject_action, "Action rejected.")


def _decide(action_id: int, decide: Any, message: str) -> Any:
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(db.session(), action_id, _member(), form.note.data or "")
    except NotFound:
        abort(404)
    flash(message, "info")
    return redirect(url_for("contracts.actions"))


def _today() -> date:
    return date.today()


# -- update-entitlement API -------------------------------------------------------------------------


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_key() -> str:
    return "ent:" + entitlements.token_hash(_bearer())[:32]


def _problem(status: int, message: str) -> Any:
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="endwatch-entitlements"'
    return response


@api_bp.get("/entitlements")
@limiter.limit(lambda: config().entitlement_limit, key_func=_token_key)
def entitlement() -> Any:
    """May the deployment holding the bearer token install ?version=V? A signed, short-lived answer."""
    token = _bearer()
    if not token:
        return _problem(401, "send the deployment token as 'Authorization: Bearer TOKEN'")
    version = request.args.get("version", "").strip()
    if not entitlements.VERSION_PATTERN.match(version):
        return _problem(400, "give the version to install as ?version=V (letters, digits, . + _ -)")
    nonce = request.args.get("nonce", "")
    if not NONCE.match(nonce):
        return _problem(400, "nonce: up to 64 letters, digits, dashes or underscores")
    published = current_app.extensions.setdefault("contracts.published_keys", set())
    key = entitlements.signing_key(config())
    if key.key_id not in published:
        entitlements.ensure_published(db.session(), key, published)
    try:
        with db.read_connection() as connection:
            document = entitlements.answer(connection, key, token, version, nonce)
    except BadToken:
        # Failures also count per client (keyed without the address), checked only on this path so
        # that valid checks pay for one limit, not two.
        if limiter.enabled and not limiter.limiter.hit(FAILED_TOKEN_LIMIT, "ent-fail", client_key()):
            return _problem(429, "too many failed checks; slow down")
        return _problem(401, "unknown or revoked deployment token")
    return jsonify(document)


@api_bp.get("/signing-key")
def signing_key() -> Any:
    """The public keys devices use to verify entitlement answers offline; retired keys stay listed a while."""
    session = db.session()
    entitlements.ensure_published(session, entitlements.signing_key(config()))
    response = jsonify(entitlements.key_document(entitlements.published_keys(session)))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response

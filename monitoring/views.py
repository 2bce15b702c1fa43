"""Staff routes for feeds and alerts: thin wrappers over the monitoring services."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from contracts.models import Customer
from endwatch import db
from endwatch.auth import actor, config, read_access, write_access
from endwatch.confirm import ask_first
from endwatch.handlers import back_on_refusal
from monitoring import alerts as alert_service
from monitoring import services
from monitoring.errors import AlertNotFound, MonitoringError
from monitoring.forms import SUPPRESS_CHOICES, DecisionForm, DismissForm, FeedForm
from monitoring.models import Alert, AlertLevel, AlertStatus, Entry

bp = Blueprint("monitoring", __name__, url_prefix="/staff/monitoring")
PAGE_SIZE = 100


@bp.route("/alerts")
@read_access
def alerts() -> Any:
    problems: list[str] = []
    filters = alert_service.AlertFilter(
        level=_choice(AlertLevel, request.args.get("level")),
        status=_choice(AlertStatus, request.args.get("status")),
        customer_id=request.args.get("customer", type=int),
        raised_from=_day(request.args.get("from"), "From", problems),
        raised_to=_day(request.args.get("to"), "To", problems),
        sort=_sort(request.args.get("sort", "")),
    )
    page = max(request.args.get("page", 1, type=int), 1)
    found = alert_service.list_alerts(
        db.session(), filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    customers = db.session().scalars(
        select(Customer).where(Customer.id.in_(select(Alert.customer_id).distinct())).order_by(Customer.name)
    )
    return render_template(
        "monitoring/alerts.html",
        alerts=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        page=page,
        filters=filters,
        customers=list(customers),
        levels=list(AlertLevel),
        statuses=list(AlertStatus),
        sorts={name: label for name, (label, _columns) in alert_service.SORTS.items()},
        problems=problems,
        query={key: value for key, value in request.args.items() if key != "page" and value},
    )


@bp.route("/alerts/<int:alert_id>")
@read_access
def alert(alert_id: int) -> Any:
    found = _alert_or_404(alert_id)
    copies = db.session().scalars(
        select(Entry).where(Entry.story_id == found.story_id).order_by(Entry.fetched_at, Entry.id)
    )
    return render_template(
        "monitoring/alert.html",
        alert=found,
        copies=list(copies),
        snippet=_highlight(found.snippet, found.matched),
        safe_link=_safe_link(found.entry.link),
        escalated_to=_escalated_case(found.case_ref),
        decision=DecisionForm(),
        dismiss_form=DismissForm(),
    )


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@write_access
@back_on_refusal("monitoring.alert", "alert_id")
def acknowledge(alert_id: int) -> Any:
    form = DecisionForm()
    form.validate_on_submit() or abort(400)
    return _decide(alert_id, "acknowledged", alert_service.acknowledge, note=form.note.data)


@bp.route("/alerts/<int:alert_id>/dismiss", methods=["POST"])
@write_access
@back_on_refusal("monitoring.alert", "alert_id")
def dismiss(alert_id: int) -> Any:
    form = DismissForm()
    form.validate_on_submit() or abort(400)
    found = _alert_or_404(alert_id)
    rule = dict((choice.value, choice.label) for choice in SUPPRESS_CHOICES)[form.suppress.data or "none"]
    question = ask_first(
        title=f"Dismiss alert {alert_id} as a false positive?",
        consequence=Markup(
            "The alert on <bdi>{}</bdi> is closed for good: it can no longer be escalated to a case."
        ).format(found.customer.name),
        button="Dismiss the alert",
        back=url_for("monitoring.alert", alert_id=alert_id),
        shown={"Why": form.note.data or "", "Suppression rule": rule},
    )
    if question is not None:
        return question
    return _decide(
        alert_id,
        "dismissed as a false positive",
        alert_service.dismiss,
        note=form.note.data,
        suppress=form.suppress.data or "none",
    )


@bp.route("/alerts/<int:alert_id>/escalate", methods=["POST"])
@write_access
@back_on_refusal("monitoring.alert", "alert_id")
def escalate(alert_id: int) -> Any:
    form = DecisionForm()
    form.validate_on_submit() or abort(400)
    return _decide(alert_id, "escalated", alert_service.escalate, note=form.note.data, config=config())


@bp.route("/feeds")
@read_access
def feeds() -> Any:
    return render_template(
        "monitoring/feeds.html", feeds=services.feeds_with_health(db.session()), form=FeedForm()
    )


@bp.route("/feeds/new", methods=["POST"])
@write_access
def add_feed() -> Any:
    form = FeedForm()
    if form.validate_on_submit():
        try:
            feed = services.add_feed(
                db.session(), form.url.data or "", form.name.data or "", form.credibility.data, actor=actor()
            )
        except MonitoringError as exc:
            form.url.errors = [*form.url.errors, str(exc)]
        else:
            flash(f"Feed {feed.name} added; it will be polled within a minute.", "info")
            return redirect(url_for("monitoring.feeds"))
    page = render_template("monitoring/feeds.html", feeds=services.feeds_with_health(db.session()), form=form)
    return page, 400


def _decide(alert_id: int, done: str, action: Any, **kwargs: Any) -> Any:
    try:
        action(db.session(), alert_id, actor=actor(), **kwargs)
    except AlertNotFound:
        abort(404)
    flash(f"Alert {alert_id} {done}.", "info")
    return redirect(url_for("monitoring.alert", alert_id=alert_id))


def _alert_or_404(alert_id: int) -> Alert:
    try:
        return alert_service.get_alert(db.session(), alert_id)
    except AlertNotFound:
        abort(404)


def _sort(raw: str) -> str:
    return raw if raw in alert_service.SORTS else "newest"


def _day(raw: str | None, name: str, problems: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{name}: {raw!r} is not a date such as 2026-03-31; it was left out of the filter.")
        return None


def _choice(enum_type: Any, raw: str | None) -> Any:
    try:
        return enum_type(raw) if raw else None
    except ValueError:
        return None


def _highlight(snippet: str, matched: str) -> tuple[str, str, str]:
    """The snippet split around the matched text, so the template can mark it (escaped as usual)."""
    at = snippet.casefold().find(matched.casefold()) if matched else -1
    if at < 0 or len(snippet.casefold()) != len(snippet):
        return snippet, "", ""
    return snippet[:at], snippet[at : at + len(matched)], snippet[at + len(matched) :]


def _escalated_case(case_ref: str | None) -> Any:
    """The case an alert was escalated to (its reference and page), from the stored "case:ID"."""
    from grievance.models import Case

    if not case_ref or not case_ref.startswith("case:") or not case_ref[5:].isdigit():
        return None
    return db.session().get(Case, int(case_ref[5:]))


def _safe_link(link: str | None) -> str | None:
    return link if link and link.startswith(("http://", "https://")) else None

"""Assembling the two triage pages: the queue with its filters, and one case with every form on it.

Views parse input and render; what the pages show (and which members each form offers) is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel import Locale
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from contracts.models import Customer, Product
from endwatch import audit
from endwatch.case_crypto import READER_ROLES
from endwatch.forms import ConfirmForm
from endwatch.models import Role, User
from grievance import deadlines
from grievance.errors import NoCaseAccess
from grievance.forms import PERIODS, RIGHTS
from grievance.models import Case, CaseState
from grievance.triage import links, queue, references, services
from grievance.triage.forms import (
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


@dataclass
class QueueRequest:
    form: QueueFilterForm
    filters: queue.QueueFilters


def queue_filters(args: Mapping[str, str], session: Session) -> QueueRequest:
    """The filter form read from the query string; filters that do not validate are ignored."""
    form = QueueFilterForm(args)
    members = session.scalars(select(User).where(User.role != Role.AUDITOR).order_by(User.email))
    form.assignee.choices = list(form.assignee.choices or []) + [  # type: ignore[operator]
        SelectChoice(str(m.id), m.email) for m in members
    ]
    products = session.execute(select(Product.id, Product.name).order_by(Product.name))
    form.item.choices = [SelectChoice("", "Any product")] + [SelectChoice(str(pid), n) for pid, n in products]
    form.customer.choices = [SelectChoice("", "Any customer")] + [
        SelectChoice(str(c.id), f"{c.name} [{c.country}]")
        for c in session.scalars(select(Customer).order_by(Customer.name))
    ]
    if args and not form.validate():
        return QueueRequest(form, queue.QueueFilters())
    data = form.data
    filters = queue.QueueFilters(
        state=CaseState(data["state"]) if data["state"] else None,
        min_severity=int(data["severity"]) if data["severity"] else None,
        country=(data["country"] or "").strip().upper(),
        product_id=_number(data["item"]),
        customer_id=_number(data["customer"]),
        assignee=data["assignee"] or "",
        overdue=bool(data["overdue"]),
        older_than_days=int(data["age"]) if data["age"] else None,
        oldest_first=data["order"] == "oldest",
    )
    return QueueRequest(form, filters)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def queue_page(session: Session, result: queue.QueuePage) -> dict[str, Any]:
    """What the queue template shows besides the form and links: names of members and products."""
    product_ids = {row.case.product_id for row in result.rows if row.case.product_id}
    return {
        "page": result,
        "users": {u.id: u.email for u in session.scalars(select(User))},
        "products": product_names(session, product_ids),
        "rights": right_labels(),
        "states": services.STATE_LABELS,
        "outcomes": services.OUTCOME_LABELS,
    }


def right_labels() -> dict[str, str]:
    """The rights a report names, by their English labels (the staff interface is English)."""
    with force_locale("en"):
        return {choice.value: str(choice.label) for choice in RIGHTS}


def product_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())


def case_page(
    session: Session, case: Case, viewer: User, private_key: bytes | None, now: datetime, retention_days: int
) -> dict[str, Any]:
    """Everything the case template shows: clear fields, content if the viewer holds the key, every form."""
    opened, no_access = None, ""
    if viewer.role in READER_ROLES and private_key is not None:
        try:
            opened = services.open_case(session, case, viewer, private_key)
        except NoCaseAccess as exc:
            no_access = str(exc)
    members = [u for u in session.scalars(select(User).order_by(User.email)) if services.may_hold_cases(u)]
    recused = services.recused_members(session, case)
    recused_ids = {u.id for u in recused}
    eligible = [u for u in members if u.id not in recused_ids]
    holders = services.key_holders(session, case)
    transitions = services.allowed_transitions(case)
    case_links = links.links_of(session, case)
    return {
        **clear_fields(session, case),
        "link_views": references.link_views(session, case_links),
        "case": case,
        "opened": opened,
        "no_access": no_access,
        "can_write": viewer.role in READER_ROLES,
        "is_admin": viewer.role == Role.ADMIN,
        "deadline": deadlines.next_deadline(case, now),
        "purge_on": queue.purge_date(case, retention_days),
        "users": {u.id: u.email for u in session.scalars(select(User))},
        "holders": holders,
        "recused": recused,
        "links": case_links,
        "merged_into": session.get(Case, case.merged_into_id) if case.merged_into_id else None,
        "trail": audit.trail(session, f"case:{case.id}"),
        "states": services.STATE_LABELS,
        "outcomes": services.OUTCOME_LABELS,
        "severity_scale": services.SEVERITY_SCALE,
        "likelihood_scale": services.LIKELIHOOD_SCALE,
        "concludable": CaseState.CONCLUDED in transitions,
        "state_form": _state_form(transitions),
        "conclude_form": ConcludeForm(),
        "rate_form": RateForm(severity=str(case.severity or ""), likelihood=str(case.likelihood or "")),
        "assign_form": _member_form("assign", [SelectChoice("", "Nobody")], eligible),
        "grant_form": _member_form("grant", [], [u for u in eligible if u not in holders]),
        "recuse_form": _member_form("recuse", [], eligible),
        "note_form": NoteForm(),
        "reply_form": ReplyForm(),
        "merge_form": MergeForm(),
        "link_form": _link_form(session),
        "safeguard_form": _safeguard_form(session, case_links),
        "confirm": ConfirmForm(),
    }


def clear_fields(session: Session, case: Case) -> dict[str, Any]:
    """The clear fields as people read them, in English (the staff interface): labels, not codes."""
    chosen = [code for code in case.category.split(";") if code]
    labels = right_labels()
    with force_locale("en"):
        periods = {choice.value: str(choice.label) for choice in PERIODS}
    product = session.get(Product, case.product_id) if case.product_id else None
    return {
        "category_labels": [labels.get(code, code) for code in chosen],
        "country_name": Locale("en").territories.get(case.country, "") if case.country else "",
        "product_name": product.name if product else "",
        "period_label": periods.get(case.incident_period, case.incident_period.replace("_", " ")),
    }


def fill_choices(form: Any, session: Session, case: Case) -> None:
    """A form posted back for correction gets the same choices the case page offers."""
    if isinstance(form, LinkForm):
        form.picked.choices = references.link_choices(session)
    elif isinstance(form, SafeguardForm):
        form.deployment_id.choices = references.deployment_choices(session, links.links_of(session, case))


def _link_form(session: Session) -> LinkForm:
    form = LinkForm()
    form.picked.choices = references.link_choices(session)
    return form


def _safeguard_form(session: Session, case_links: list[Any]) -> SafeguardForm:
    form = SafeguardForm()
    form.deployment_id.choices = references.deployment_choices(session, case_links)
    return form


def _state_form(transitions: list[CaseState]) -> StateForm:
    form = StateForm()
    form.state.choices = [
        SelectChoice(s.value, services.STATE_LABELS[s]) for s in transitions if s != CaseState.CONCLUDED
    ]
    return form


def _member_form(prefix: str, first: list[SelectChoice], members: list[User]) -> MemberForm:
    form = MemberForm(prefix=prefix)
    form.member.choices = first + [SelectChoice(str(u.id), u.email) for u in members]
    return form

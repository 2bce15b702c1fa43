"""Records as staff know them: pick lists and typed references (DEP-EG-002, a customer's name, alert 40)
for what a case links to, and links shown by name with the page they lead to, never as internal ids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from contracts.models import Contract, Customer, Deployment, DeploymentStatus
from grievance.errors import TriageError
from grievance.triage.links import LINK_MODELS, parse_link_kind
from grievance.triage.models import CaseLink, LinkKind
from monitoring.models import Alert

ALERT_NUMBER = re.compile(r"(?:alert\s*[:#]?\s*|A-?|#)(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class LinkView:
    kind: str
    label: str
    url: str


def link_choices(session: Session) -> list[SelectChoice]:
    """Every customer, deployment and contract, by the names staff use."""
    first = [SelectChoice("", "Choose…")]
    customers = [
        SelectChoice(f"customer:{c.id}", f"Customer: {c.name} [{c.country}]")
        for c in session.scalars(select(Customer).order_by(Customer.name))
    ]
    deployments = [
        SelectChoice(f"deployment:{d.id}", f"Deployment: {d.ref} ({d.customer.name})")
        for d in session.scalars(select(Deployment).order_by(Deployment.ref))
    ]
    contracts = [
        SelectChoice(f"contract:{c.id}", f"Contract: {c.ref} ({c.customer.name})")
        for c in session.scalars(select(Contract).order_by(Contract.ref))
    ]
    return first + customers + deployments + contracts


def resolve(session: Session, picked: str, typed: str) -> tuple[LinkKind, int]:
    """The record a link form names, picked ("kind:id") or typed; TriageError names what did not match."""
    if picked:
        kind, _, raw = picked.partition(":")
        parsed = parse_link_kind(kind)
        if not raw.isdigit() or session.get(LINK_MODELS[parsed], int(raw)) is None:
            raise TriageError(f"There is no such {parsed.value}.")
        return parsed, int(raw)
    text = " ".join(typed.split())
    if not text:
        raise TriageError("Pick a record from the list or type a reference.")
    if (number := ALERT_NUMBER.fullmatch(text)) is not None:
        if session.get(Alert, int(number.group(1))) is None:
            raise TriageError(f"There is no alert {number.group(1)}.")
        return LinkKind.ALERT, int(number.group(1))
    for kind, model in ((LinkKind.DEPLOYMENT, Deployment), (LinkKind.CONTRACT, Contract)):
        found = session.scalars(select(model.id).where(func.upper(model.ref) == text.upper())).first()
        if found is not None:
            return kind, int(found)
    named = session.scalars(select(Customer).where(func.lower(Customer.name) == text.lower())).all()
    if len(named) == 1:
        return LinkKind.CUSTOMER, named[0].id
    if len(named) > 1:
        raise TriageError(f"Several customers are named {text}: pick the one you mean from the list.")
    raise TriageError(f"No deployment, contract, customer or alert matches “{text}”.")


def link_views(session: Session, rows: Iterable[CaseLink]) -> dict[int, LinkView]:
    """Each link as what it points to, with the page that shows it (missing records are left out)."""
    views: dict[int, LinkView] = {}
    for row in rows:
        record = session.get(LINK_MODELS[LinkKind(row.kind)], row.ref_id)
        if record is None:
            continue
        if isinstance(record, Customer):
            view = LinkView("Customer", f"{record.name} [{record.country}]",
                            url_for("contracts.customer", customer_id=record.id))
        elif isinstance(record, Deployment):
            view = LinkView("Deployment", f"{record.ref} ({record.customer.name})",
                            url_for("contracts.deployment", deployment_id=record.id))
        elif isinstance(record, Contract):
            view = LinkView("Contract", f"{record.ref} ({record.customer.name})",
                            url_for("contracts.customer", customer_id=record.customer_id))
        else:
            view = LinkView("Alert", f"Alert {record.id}: {record.matched}",
                            url_for("monitoring.alert", alert_id=record.id))
        views[row.id] = view
    return views


def deployment_choices(session: Session, rows: Iterable[CaseLink]) -> list[SelectChoice]:
    """Deployments a safeguard action could target: those linked to the case (or its customers) first."""
    linked_customers = {r.ref_id for r in rows if r.kind == LinkKind.CUSTOMER.value}
    linked = {r.ref_id for r in rows if r.kind == LinkKind.DEPLOYMENT.value}
    deployments = session.scalars(
        select(Deployment).where(Deployment.status != DeploymentStatus.TERMINATED).order_by(Deployment.ref)
    ).all()
    near = [d for d in deployments if d.id in linked or d.customer_id in linked_customers]
    rest = [d for d in deployments if d not in near]
    return [SelectChoice("", "Choose a deployment…")] + [
        SelectChoice(str(d.id), f"{d.ref}: {d.product.name} at {d.customer.name} [{d.customer.country}]"
                     + (" (linked to this case)" if d in near else ""))
        for d in near + rest
    ]

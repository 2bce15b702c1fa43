"""Evidence for an enforcement action as staff write and read it: case references and alert numbers.

Actions store typed references (`case`, id) and (`alert`, id) with no foreign key, since cases and
alerts belong to other domains; this module turns what people type or pick (`C-XT5TSF`, `alert 40`) into
those references, and the stored references back into labels and links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from contracts.errors import InvalidAction
from contracts.models import ActionEvidence, Deployment
from contracts.safeguards import parse_evidence

TOKENS = re.compile(r"(?:case|alert)\s*[:#]?\s*\d+|[^\s,;]+", re.IGNORECASE)
CASE_REFERENCE = re.compile(r"C-[0-9A-Z]{6}", re.IGNORECASE)
ALERT_NUMBER = re.compile(r"(?:alert\s*[:#]?\s*|A-?|#)(\d+)", re.IGNORECASE)
INTERNAL = re.compile(r"case\s*[:#]?\s*(\d+)", re.IGNORECASE)
CANDIDATE_ALERTS = 30


@dataclass(frozen=True)
class Item:
    value: str  # the stored form, "case:12" or "alert:40"
    label: str  # what people read, "C-XT5TSF" or "Alert 40"
    url: str
    note: str = ""


def resolve(session: Session, typed: str, picked: Iterable[str] = ()) -> list[tuple[str, int]]:
    """Typed references and picked list values as (kind, id); an unknown one raises InvalidAction."""
    from grievance.models import Case
    from monitoring.models import Alert

    found = parse_evidence([value for value in picked if value])
    for token in TOKENS.findall(typed or ""):
        token = token.strip()
        if CASE_REFERENCE.fullmatch(token):
            case_id = session.scalars(select(Case.id).where(Case.reference == token.upper())).first()
            if case_id is None:
                raise InvalidAction(f"there is no case {token.upper()}")
            ref = ("case", int(case_id))
        elif (number := ALERT_NUMBER.fullmatch(token)) is not None:
            if session.get(Alert, int(number.group(1))) is None:
                raise InvalidAction(f"there is no alert {number.group(1)}")
            ref = ("alert", int(number.group(1)))
        elif (internal := INTERNAL.fullmatch(token)) is not None:
            if session.get(Case, int(internal.group(1))) is None:
                raise InvalidAction(f"there is no case {internal.group(1)}")
            ref = ("case", int(internal.group(1)))
        else:
            raise InvalidAction(f"{token!r} is neither a case reference such as C-XT5TSF nor an alert number")
        if ref not in found:
            found.append(ref)
    return found


def describe(session: Session, evidence: Iterable[ActionEvidence]) -> list[Item]:
    """Stored evidence as labels and links: a case by its reference, an alert by its number."""
    from grievance.models import Case

    items = []
    for row in evidence:
        if row.kind == "case":
            reference = session.scalars(select(Case.reference).where(Case.id == row.ref_id)).first()
            label = reference or f"case {row.ref_id} (purged)"
            items.append(Item(row.label, label, url_for("triage.case", case_id=row.ref_id)))
        else:
            url = url_for("monitoring.alert", alert_id=row.ref_id)
            items.append(Item(row.label, f"Alert {row.ref_id}", url))
    return items


def candidates(session: Session, deployment: Deployment) -> list[Item]:
    """What staff most likely cite: cases linked to this deployment, its customer or its contract, and
    the customer's recent alerts that were not dismissed."""
    from grievance.models import Case
    from grievance.triage.models import CaseLink
    from monitoring.models import Alert, AlertStatus

    targets = [("deployment", deployment.id), ("customer", deployment.customer_id)]
    if deployment.contract_id is not None:
        targets.append(("contract", deployment.contract_id))
    cases = session.execute(
        select(Case.id, Case.reference, Case.state)
        .join(CaseLink, CaseLink.case_id == Case.id)
        .where(or_(*[(CaseLink.kind == kind) & (CaseLink.ref_id == ref) for kind, ref in targets]))
        .distinct()
        .order_by(Case.id.desc())
    ).all()
    alerts = session.execute(
        select(Alert.id, Alert.level, func.substr(Alert.matched, 1, 60), Alert.created_at)
        .where(Alert.customer_id == deployment.customer_id, Alert.status != AlertStatus.DISMISSED)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(CANDIDATE_ALERTS)
    ).all()
    return [
        Item(f"case:{cid}", reference, url_for("triage.case", case_id=cid), f"case, {state.value}")
        for cid, reference, state in cases
    ] + [
        Item(
            f"alert:{aid}",
            f"Alert {aid}",
            url_for("monitoring.alert", alert_id=aid),
            f"{level.value}, “{matched}”, {created.strftime('%Y-%m-%d')}",
        )
        for aid, level, matched, created in alerts
    ]

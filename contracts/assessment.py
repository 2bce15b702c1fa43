"""Risk tiers from the red-flag checklist, safeguard gaps, and when each customer must be reviewed again."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts import checklist as checklists
from contracts.csvio import write_csv
from contracts.errors import ContractsError
from contracts.models import (
    Clause,
    Customer,
    CustomerKind,
    Deployment,
    DeploymentStatus,
    Reassessment,
    RedFlag,
)
from endwatch import audit
from endwatch.config import Config

REVIEW_OUTCOMES = {
    "continue": "Continue as is",
    "conditions": "Continue with added safeguards or conditions",
    "escalate": "Escalate: propose a safeguard action",
    "end": "End the relationship",
}
LIVE_STATUSES = (DeploymentStatus.PLANNED, DeploymentStatus.ACTIVE, DeploymentStatus.SUSPENDED)


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    weight: int
    source_note: str
    derived: bool


@dataclass(frozen=True)
class Assessment:
    tier: str
    score: int
    findings: tuple[Finding, ...]


def assess(customer: Customer, checklist: checklists.Checklist) -> Assessment:
    """Score a customer against the checklist; two flags are read from the records themselves."""
    recorded = {flag.code: flag for flag in customer.red_flags}
    findings = []
    for flag in checklist.flags:
        note = _derived_note(customer, flag.code)
        if note:
            findings.append(Finding(flag.code, flag.label, flag.weight, note, True))
        elif flag.code in recorded:
            findings.append(
                Finding(flag.code, flag.label, flag.weight, recorded[flag.code].source_note, False)
            )
    score = sum(f.weight for f in findings)
    return Assessment(checklist.tier_for(score), score, tuple(findings))


def _derived_note(customer: Customer, code: str) -> str:
    if code == "government_end_user":
        if customer.kind in (CustomerKind.GOVERNMENT, CustomerKind.SOE):
            return f"Customer record: kind is {customer.kind.value}"
        if customer.government_ties:
            return "Customer record: marked as having close ties to a government"
    if code == "item_capability":
        products = sorted(
            {
                d.product.name
                for d in customer.deployments
                if d.status in LIVE_STATUSES
                and checklists.HIGH_CONCERN_CAPABILITIES & set(d.product.capability_list)
            }
        )
        if products:
            return "Deployed products with high-concern capabilities: " + ", ".join(products)
    return ""


def set_red_flag(
    session: Session,
    customer: Customer,
    code: str,
    source_note: str,
    actor: str,
    checklist: checklists.Checklist,
) -> RedFlag:
    """Record (or re-source) a red flag found for a customer; the source note is required."""
    if checklist.flag(code) is None:
        raise ContractsError(f"{code!r} is not a flag of the checklist")
    if code in checklists.DERIVED_FLAGS:
        raise ContractsError(f"{code!r} is read from the customer and deployment records")
    source_note = source_note.strip()
    if not source_note:
        raise ContractsError("say where the finding comes from (source note)")
    flag = next((f for f in customer.red_flags if f.code == code), None)
    if flag is None:
        flag = RedFlag(code=code, source_note=source_note, recorded_by=actor)
        customer.red_flags.append(flag)
    else:
        flag.source_note, flag.recorded_by = source_note, actor
    session.flush()
    audit.record(
        session, "customer.red_flag", actor=actor, target=f"customer:{customer.id}", details={"code": code}
    )
    return flag


def clear_red_flag(session: Session, customer: Customer, code: str, actor: str) -> None:
    customer.red_flags = [f for f in customer.red_flags if f.code != code]
    session.flush()
    audit.record(
        session,
        "customer.red_flag_cleared",
        actor=actor,
        target=f"customer:{customer.id}",
        details={"code": code},
    )


# -- gaps -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    deployment: Deployment
    tier: str
    missing: tuple[Clause, ...]

    def as_dict(self) -> dict[str, Any]:
        d = self.deployment
        return {
            "deployment": d.ref,
            "customer": d.customer.name,
            "country": d.customer.country,
            "product": d.product.name,
            "tier": self.tier,
            "contract": d.contract.ref if d.contract else None,
            "missing": [clause.value for clause in self.missing],
        }


def required_clauses(
    deployment: Deployment, tier: str, checklist: checklists.Checklist
) -> tuple[Clause, ...]:
    """The clauses a deployment needs for its tier, less those its product makes meaningless."""
    needed = checklist.required[tier]
    if not deployment.product.receives_updates:
        needed = tuple(c for c in needed if c != Clause.DENY_UPDATES)
    if not deployment.product.remote_suspension:
        needed = tuple(c for c in needed if c != Clause.SUSPEND)
    return needed


def gap_analysis(session: Session, config: Config) -> list[Gap]:
    """Active deployments that lack safeguards their customer's risk tier calls for, riskiest first."""
    checklist = checklists.load(config)
    deployments = session.scalars(
        select(Deployment)
        .where(Deployment.status == DeploymentStatus.ACTIVE)
        .options(
            selectinload(Deployment.customer).selectinload(Customer.red_flags),
            selectinload(Deployment.customer)
            .selectinload(Customer.deployments)
            .selectinload(Deployment.product),
            selectinload(Deployment.product),
            selectinload(Deployment.contract),
        )
        .order_by(Deployment.ref)
    )
    gaps = []
    for deployment in deployments:
        tier = assess(deployment.customer, checklist).tier
        contract = deployment.contract
        missing = tuple(
            c
            for c in required_clauses(deployment, tier, checklist)
            if contract is None or not contract.holds(c)
        )
        if missing:
            gaps.append(Gap(deployment, tier, missing))
    order = {tier: i for i, tier in enumerate(reversed(checklists.TIERS))}
    return sorted(gaps, key=lambda g: (order[g.tier], g.deployment.ref))


def gaps_csv(gaps: list[Gap]) -> str:
    header = ["deployment", "customer", "country", "product", "tier", "contract", "missing"]
    rows = []
    for gap in gaps:
        d = gap.as_dict()
        rows.append([*(str(d[k] or "") for k in header[:-1]), ";".join(d["missing"])])
    return write_csv(header, rows)


# -- reassessments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    customer: Customer
    due_on: date
    reason: str
    last: Reassessment | None

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_review(session: Session, customer: Customer) -> Reassessment | None:
    return session.scalars(
        select(Reassessment)
        .where(Reassessment.customer_id == customer.id)
        .order_by(Reassessment.reviewed_on.desc(), Reassessment.id.desc())
    ).first()


def next_review(
    customer: Customer, last: Reassessment | None, checklist: checklists.Checklist, after: date | None = None
) -> tuple[date, str]:
    """The next due date: a period set by the tier, or earlier, ahead of a licence renewal."""
    tier = assess(customer, checklist).tier
    months = checklist.review_months[tier]
    if last is None and after is None:
        candidates = [(customer.created_at.date(), "no review on record")]
    else:
        base = after or (last.reviewed_on if last else customer.created_at.date())
        candidates = [(add_months(base, months), f"periodic review ({tier} risk: every {months} months)")]
    reviewed = after or (last.reviewed_on if last else None)
    lead = timedelta(days=checklist.renewal_lead_days)
    for deployment in customer.deployments:
        if deployment.status not in LIVE_STATUSES or deployment.licence_end is None:
            continue
        window = deployment.licence_end - lead
        if reviewed is not None and reviewed >= window:
            continue  # already reviewed ahead of this renewal
        candidates.append((window, f"before licence renewal of {deployment.ref} ({deployment.licence_end})"))
    urgent = []
    for flag in customer.red_flags:
        recorded_on = flag.recorded_at.date()
        if flag.code in checklists.REVIEW_NOW_FLAGS and (reviewed is None or recorded_on > reviewed):
            entry = checklist.flag(flag.code)
            label = entry.label if entry else flag.code
            urgent.append((recorded_on, f"red flag since the last review: {label}"))
    # On the same day, the red flag is the reason to give.
    return min(urgent + candidates, key=lambda c: c[0])


def record_review(
    session: Session,
    customer: Customer,
    *,
    reviewer: str,
    outcome: str,
    notes: str,
    config: Config,
    reviewed_on: date | None = None,
) -> Reassessment:
    """Record a completed review and set the next due date from it."""
    if outcome not in REVIEW_OUTCOMES:
        raise ContractsError(f"{outcome!r} is not one of " + "|".join(REVIEW_OUTCOMES))
    checklist = checklists.load(config)
    reviewed_on = reviewed_on or date.today()
    next_due, _ = next_review(customer, None, checklist, after=reviewed_on)
    review = Reassessment(
        customer_id=customer.id,
        reviewed_on=reviewed_on,
        reviewer=reviewer,
        tier=assess(customer, checklist).tier,
        outcome=outcome,
        notes=notes.strip(),
        next_due=next_due,
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        "customer.review",
        actor=reviewer,
        target=f"customer:{customer.id}",
        details={"tier": review.tier, "outcome": outcome, "next_due": next_due.isoformat()},
    )
    return review


def due_reviews(session: Session, config: Config, today: date, within_days: int = 30) -> list[DueReview]:
    """End users with a live deployment whose review falls due within `within_days` (or is overdue)."""
    checklist = checklists.load(config)
    customers = session.scalars(
        select(Customer)
        .where(Customer.deployments.any(Deployment.status.in_(LIVE_STATUSES)))
        .options(
            selectinload(Customer.red_flags),
            selectinload(Customer.deployments).selectinload(Deployment.product),
        )
        .order_by(Customer.name)
    )
    horizon = today + timedelta(days=within_days)
    due = []
    for customer in customers:
        last = last_review(session, customer)
        due_on, reason = next_review(customer, last, checklist)
        if due_on <= horizon:
            due.append(DueReview(customer, due_on, reason, last))
    return sorted(due, key=lambda d: d.due_on)

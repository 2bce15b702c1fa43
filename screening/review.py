"""Staff decisions on hits (confirm, dismiss), the lists of hits they work from, and the export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from contracts import assessment
from contracts import checklist as checklists
from contracts.errors import ContractsError
from contracts.models import Customer
from endwatch import audit
from endwatch.config import Config
from endwatch.db import utcnow
from screening.errors import AlreadyDecided, NotFound, ScreeningError
from screening.models import HitStatus, ScreeningHit, ScreeningList

RED_FLAG = "restricted_party"
EXPORT_COLUMNS = ("customer", "list", "entity_id", "entity_name", "score", "status", "reasons")
EXTRA_COLUMNS = (
    "hit_id",
    "customer_country",
    "customer_kind",
    "matched_name",
    "active",
    "delisted_at",
    "decided_by",
    "decided_at",
    "decision_note",
    "first_seen_at",
)
# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class HitFilter:
    status: HitStatus | None = None
    list_id: int | None = None
    customer_id: int | None = None
    include_inactive: bool = False


def get_hit(session: Session, hit_id: int) -> ScreeningHit:
    hit = session.get(
        ScreeningHit,
        hit_id,
        options=[joinedload(ScreeningHit.customer), joinedload(ScreeningHit.screening_list)],
    )
    if hit is None:
        raise NotFound(f"no screening hit {hit_id}")
    return hit


def _query(filters: HitFilter) -> Select[ScreeningHit]:
    query = select(ScreeningHit).options(
        joinedload(ScreeningHit.customer), joinedload(ScreeningHit.screening_list)
    )
    if filters.status is not None:
        query = query.where(ScreeningHit.status == filters.status)
    if filters.list_id is not None:
        query = query.where(ScreeningHit.list_id == filters.list_id)
    if filters.customer_id is not None:
        query = query.where(ScreeningHit.customer_id == filters.customer_id)
    if not filters.include_inactive:
        query = query.where(ScreeningHit.active.is_(True))
    return query


def list_hits(
    session: Session, filters: HitFilter, *, limit: int = 200, offset: int = 0
) -> Sequence[ScreeningHit]:
    query = _query(filters).order_by(ScreeningHit.score.desc(), ScreeningHit.id).limit(limit).offset(offset)
    return session.scalars(query).unique().all()


def _decide(hit: ScreeningHit, status: HitStatus, actor: str, note: str) -> None:
    if hit.status != HitStatus.NEW:
        raise AlreadyDecided(f"hit {hit.id} is already {hit.status.value}")
    hit.status, hit.decided_by, hit.decided_at = status, actor, utcnow()
    hit.decision_note = note.strip()[:2000] or None
    hit.decided_fingerprint, hit.reopened_note = hit.fingerprint, None


def confirm(session: Session, hit_id: int, *, actor: str, config: Config, note: str = "") -> ScreeningHit:
    """The customer is the listed party: red flag, higher risk tier, and a safeguard review due now."""
    hit = get_hit(session, hit_id)
    _decide(hit, HitStatus.CONFIRMED, actor, note)
    checklist = checklists.load(config)
    customer = hit.customer
    before = assessment.assess(customer, checklist).tier
    source = (
        f"Listed on {hit.screening_list.name}: {hit.entity_name} ({hit.entity_id}); screening hit {hit.id}"
    )
    try:
        assessment.set_red_flag(session, customer, RED_FLAG, source, actor, checklist)
    except ContractsError as exc:
        raise ScreeningError(f"cannot record the red flag: {exc}") from None
    after = assessment.assess(customer, checklist).tier
    session.flush()
    audit.record(
        session,
        "screening.confirm",
        actor=actor,
        target=f"screening_hit:{hit.id}",
        details={
            "customer": customer.id,
            "list": hit.screening_list.name,
            "entity": hit.entity_id,
            "tier_before": before,
            "tier_after": after,
        },
    )
    return hit


def dismiss(session: Session, hit_id: int, *, actor: str, note: str) -> ScreeningHit:
    """A false positive; the note says why. It stays dismissed until the listing itself changes."""
    if not note.strip():
        raise ScreeningError("say why the hit is a false positive (note)")
    hit = get_hit(session, hit_id)
    _decide(hit, HitStatus.DISMISSED, actor, note)
    session.flush()
    audit.record(
        session,
        "screening.dismiss",
        actor=actor,
        target=f"screening_hit:{hit.id}",
        details={"customer": hit.customer_id, "list": hit.screening_list.name, "entity": hit.entity_id},
    )
    return hit


# -- export ------------------------------------------------------------------------------------------


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """Every hit, as the objects the README documents, best first."""
    query = (
        select(ScreeningHit, Customer, ScreeningList)
        .join(Customer, ScreeningHit.customer_id == Customer.id)
        .join(ScreeningList, ScreeningHit.list_id == ScreeningList.id)
        .order_by(ScreeningHit.score.desc(), ScreeningHit.id)
    )
    for hit, customer, lst in session.execute(query):
        yield {
            "customer": customer.name,
            "list": lst.name,
            "entity_id": hit.entity_id,
            "entity_name": hit.entity_name,
            "score": hit.score,
            "status": hit.status.value,
            "reasons": hit.reasons,
            "hit_id": hit.id,
            "customer_country": customer.country,
            "customer_kind": customer.kind.value,
            "matched_name": hit.matched_name,
            "active": hit.active,
            "delisted_at": hit.delisted_at.isoformat() if hit.delisted_at else None,
            "decided_by": hit.decided_by,
            "decided_at": hit.decided_at.isoformat() if hit.decided_at else None,
            "decision_note": hit.decision_note,
            "first_seen_at": hit.first_seen_at.isoformat(),
        }


def export_json(session: Session) -> str:
    return json.dumps(list(export_rows(session)), ensure_ascii=False, indent=2) + "\n"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_csv(session: Session) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = (*EXPORT_COLUMNS, *EXTRA_COLUMNS)
    writer.writerow(columns)
    for row in export_rows(session):
        row["reasons"] = "; ".join(row["reasons"])
        writer.writerow([safe_cell(row[column]) for column in columns])
    return buffer.getvalue()

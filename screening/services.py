"""Screen customers and intermediaries against the loaded lists and keep the hits up to date.

One pass over the list entities' blocking keys finds the candidates of every customer at once (the index
holds the customers, the far smaller side); only candidate entities are decoded and scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.models import Customer, Deployment, DeploymentStatus, SupplyLink
from endwatch.db import utcnow
from screening import alerts, yente
from screening.matching import (
    MAX_CUSTOMERS_PER_KEY,
    MAX_LISTED_PER_KEY,
    THRESHOLD,
    CustomerIndex,
    Match,
    Party,
    score,
)
from screening.models import HitStatus, ListEntity, ListFormat, PendingScreening, ScreeningHit, ScreeningList

CHUNK = 10_000
# Below this many customers a full pass finds candidates without first counting how common keys are.
SMALL_INDEX = 1000


@dataclass
class RunReport:
    customers: int = 0
    entities: int = 0
    candidates: int = 0
    hits: int = 0
    new_hits: int = 0
    reopened: int = 0
    alerts: int = 0
    cleared: int = 0
    new_hit_ids: list[int] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"screened {self.customers} customers against {self.entities} list entities: {self.hits} hits "
            f"({self.new_hits} new, {self.reopened} reopened, {self.cleared} no longer matching), "
            f"{self.alerts} critical alerts"
        )


@dataclass(frozen=True)
class Found:
    customer_id: int
    list_id: int
    entity_pk: int | None
    entity_id: str
    entity_name: str
    fingerprint: str
    match: Match

    @classmethod
    def of(cls, customer_id: int, entity: ListEntity, match: Match) -> Found:
        """A hit of a customer on a stored list entity."""
        return cls(
            customer_id, entity.list_id, entity.id, entity.entity_id, entity.name, entity.fingerprint, match
        )


def customer_parties(session: Session, customer_ids: Iterable[int] | None = None) -> dict[int, Party]:
    """Every customer and intermediary (all their names and aliases), or the ones given."""
    query = select(Customer.id, Customer.name, Customer.aliases, Customer.country)
    if customer_ids is not None:
        query = query.where(Customer.id.in_(list(customer_ids)))
    return {
        cid: Party.build([name, *(aliases or [])], [country] if country else [])
        for cid, name, aliases, country in session.execute(query)
    }


def entity_party(entity: ListEntity) -> Party:
    data = entity.data
    return Party.build(
        [entity.name, *data.get("aliases", [])], data.get("countries", []), person=entity.person
    )


def find_local(
    session: Session,
    parties: dict[int, Party],
    entity_pks: Sequence[int] | None = None,
    threshold: float = THRESHOLD,
    report: RunReport | None = None,
) -> list[Found]:
    """The hits of these customers among the listed (not delisted) entities, or among those given."""
    report = report if report is not None else RunReport()
    index = CustomerIndex(parties)
    keyed = select(ListEntity.id, ListEntity.keys).where(ListEntity.delisted_version.is_(None))
    if entity_pks is None and len(parties) > SMALL_INDEX:
        # A full pass: first, how common each of the customers' keys is among all listed names, so that
        # keys shared by too many are left out (a few entities given are probed without that first pass).
        counts: dict[str, int] = defaultdict(int)
        postings = index.postings
        for _, keys in session.execute(keyed.execution_options(yield_per=CHUNK)):
            for key in keys.split():
                if key in postings:
                    counts[key] += 1
        index.prune(counts, MAX_LISTED_PER_KEY, MAX_CUSTOMERS_PER_KEY)
    else:
        index.prune({}, MAX_LISTED_PER_KEY, MAX_CUSTOMERS_PER_KEY)
    # Second pass: the candidates of every listed entity (or of the ones given).
    candidates: dict[int, set[int]] = {}
    queries = (
        [keyed.execution_options(yield_per=CHUNK)]
        if entity_pks is None
        else [
            keyed.where(ListEntity.id.in_(entity_pks[i : i + CHUNK]))
            for i in range(0, len(entity_pks), CHUNK)
        ]
    )
    for query in queries:
        for pk, keys in session.execute(query):
            report.entities += 1
            found = index.candidates(keys.split())
            if found:
                candidates[pk] = found
    report.candidates = sum(len(ids) for ids in candidates.values())
    results: list[Found] = []
    pks = list(candidates)
    for start in range(0, len(pks), 1000):
        for entity in session.scalars(select(ListEntity).where(ListEntity.id.in_(pks[start : start + 1000]))):
            listed = entity_party(entity)
            for customer_id in candidates[entity.id]:
                match = score(parties[customer_id], listed, threshold)
                if match is not None and match.score >= threshold:
                    results.append(Found.of(customer_id, entity, match))
    return results


def exposure(session: Session) -> dict[int, str]:
    """Customers whose listing is critical: an active deployment, or a supplier of one, with why."""
    deployed = dict(
        session.execute(
            select(Deployment.customer_id, Deployment.ref).where(Deployment.status == DeploymentStatus.ACTIVE)
        ).all()
    )
    exposed = {cid: f"active deployment {ref}" for cid, ref in deployed.items()}
    for supplier_id, end_user_name in session.execute(
        select(SupplyLink.supplier_id, Customer.name)
        .join(Customer, Customer.id == SupplyLink.end_user_id)
        .where(SupplyLink.end_user_id.in_(list(deployed)))
    ):
        exposed.setdefault(supplier_id, f"supplier of {end_user_name}, which has an active deployment")
    return exposed


def record_hits(
    session: Session,
    found: list[Found],
    scope: Iterable[ScreeningHit],
    report: RunReport,
    now: datetime | None = None,
) -> None:
    """Create, update, reopen or clear hits; `scope` holds the existing hits this run was able to find."""
    now = now or utcnow()
    existing = {(h.customer_id, h.list_id, h.entity_id): h for h in scope}
    exposed = exposure(session) if found else {}
    seen: set[tuple[int, int, str]] = set()
    for item in found:
        key = (item.customer_id, item.list_id, item.entity_id)
        seen.add(key)
        hit = existing.get(key)
        fresh = hit is None
        if hit is None:
            hit = ScreeningHit(
                customer_id=item.customer_id,
                list_id=item.list_id,
                entity_id=item.entity_id,
                first_seen_at=now,
            )
            session.add(hit)
            report.new_hits += 1
        elif hit.status != HitStatus.NEW and hit.decided_fingerprint != item.fingerprint:
            when = f" on {hit.decided_at:%Y-%m-%d}" if hit.decided_at else ""
            hit.reopened_note = (
                f"the listing changed after it was {hit.status.value} by {hit.decided_by or 'staff'}{when}"
            )[:500]
            hit.status = HitStatus.NEW
            fresh = True
            report.reopened += 1
        hit.entity_pk, hit.entity_name = item.entity_pk, item.entity_name[:500]
        hit.matched_name, hit.score, hit.reasons = (
            item.match.name[:500],
            item.match.score,
            list(item.match.reasons),
        )
        hit.fingerprint, hit.active, hit.last_seen_at, hit.delisted_at = item.fingerprint, True, now, None
        report.hits += 1
        session.flush()
        if fresh:
            report.new_hit_ids.append(hit.id)
        if item.customer_id in exposed and (fresh or _newly_exposed(hit)):
            alerts.raise_for_hit(session, hit, exposed[item.customer_id], new_listing=fresh)
            report.alerts += 1
    for key, hit in existing.items():
        if key not in seen and hit.active and hit.delisted_at is None:
            hit.active = False  # the names no longer match (a customer renamed, a listing corrected)
            report.cleared += 1
    session.flush()


def _newly_exposed(hit: ScreeningHit) -> bool:
    """A hit found before its customer was deployed (or supplied a deployed one): alerted once, unless
    staff dismissed it as a false positive."""
    return hit.alert_id is None and hit.status != HitStatus.DISMISSED


def run(
    session: Session,
    *,
    customer_ids: Sequence[int] | None = None,
    entity_pks: Sequence[int] | None = None,
    threshold: float = THRESHOLD,
) -> RunReport:
    """Screen the given customers (default: all) against the given entities (default: all listed)."""
    report = RunReport()
    parties = customer_parties(session, customer_ids)
    report.customers = len(parties)
    found = find_local(session, parties, entity_pks, threshold, report) if parties else []
    scope = select(ScreeningHit).where(ScreeningHit.entity_pk.is_not(None))
    if customer_ids is not None:
        scope = scope.where(ScreeningHit.customer_id.in_(list(customer_ids)))
    if entity_pks is None:
        existing = list(session.scalars(scope))
    else:
        existing = []
        for start in range(0, len(entity_pks), CHUNK):
            chunk = list(entity_pks[start : start + CHUNK])
            existing += session.scalars(scope.where(ScreeningHit.entity_pk.in_(chunk))).all()
    found += rescore_leftovers(session, existing, found, parties, threshold)
    record_hits(session, found, existing, report)
    return report


def rescore_leftovers(
    session: Session,
    existing: Sequence[ScreeningHit],
    found: list[Found],
    parties: dict[int, Party],
    threshold: float,
) -> list[Found]:
    """Hits this run did not come across (blocking differs a little between a full and a partial run):
    scored again directly, so that a hit is cleared only when its names really stopped matching."""
    seen = {(f.customer_id, f.list_id, f.entity_id) for f in found}
    kept = []
    for hit in existing:
        if (hit.customer_id, hit.list_id, hit.entity_id) in seen or not hit.active or hit.delisted_at:
            continue
        entity = hit.entity
        party = parties.get(hit.customer_id)
        if entity is None or party is None or entity.delisted_version is not None:
            continue
        match = score(party, entity_party(entity), threshold)
        if match is not None and match.score >= threshold:
            kept.append(Found.of(hit.customer_id, entity, match))
    return kept


def mark_delisted(session: Session, entity_pks: Sequence[int]) -> int:
    """Hits on entities a list no longer holds are kept, marked delisted, and shown as such."""
    now, count = utcnow(), 0
    for start in range(0, len(entity_pks), CHUNK):
        chunk = list(entity_pks[start : start + CHUNK])
        for hit in session.scalars(select(ScreeningHit).where(ScreeningHit.entity_pk.in_(chunk))):
            hit.delisted_at = now
            count += 1
    session.flush()
    return count


def queue_customers(session: Session, customer_ids: Iterable[int]) -> None:
    """Remember customers to screen again (a customer was added or changed)."""
    queued = set(session.scalars(select(PendingScreening.customer_id)))
    for customer_id in set(customer_ids) - queued:
        session.add(PendingScreening(customer_id=customer_id))
    session.flush()


def queue_with_suppliers(session: Session, customer_ids: Iterable[int]) -> None:
    """Customers whose deployments or supply chain changed, and their suppliers: screened again, so that
    a listed party that has come to be deployed (or to supply a deployed customer) raises its alert."""
    ids = set(customer_ids)
    given = list(ids)
    for start in range(0, len(given), CHUNK):
        chunk = given[start : start + CHUNK]
        ids.update(session.scalars(select(SupplyLink.supplier_id).where(SupplyLink.end_user_id.in_(chunk))))
    queue_customers(session, ids)


def take_pending(session: Session) -> list[int]:
    """The customers queued since the last screening, taken off the queue."""
    pending = session.scalars(select(PendingScreening)).all()
    ids = [p.customer_id for p in pending]
    for item in pending:
        session.delete(item)
    session.flush()
    return ids


def screen_pending(session: Session) -> RunReport | None:
    ids = take_pending(session)
    return run(session, customer_ids=ids) if ids else None


def hits_by_customer(session: Session, customer_ids: Iterable[int]) -> dict[int, list[ScreeningHit]]:
    grouped: dict[int, list[ScreeningHit]] = defaultdict(list)
    query = (
        select(ScreeningHit)
        .where(ScreeningHit.customer_id.in_(list(customer_ids)))
        .options(selectinload(ScreeningHit.screening_list))
    )
    for hit in session.scalars(query):
        grouped[hit.customer_id].append(hit)
    return grouped


YENTE_THRESHOLD = 0.7  # yente's own default for a match


def yente_list(session: Session, url: str, dataset: str) -> ScreeningList:
    name = f"yente: {dataset}"
    lst = session.scalars(select(ScreeningList).where(ScreeningList.name == name)).first()
    if lst is None:
        lst = ScreeningList(name=name, format=ListFormat.YENTE, source=url, is_url=True)
        session.add(lst)
        session.flush()
    lst.source = url
    return lst


def run_yente(
    session: Session,
    url: str,
    dataset: str,
    *,
    customer_ids: Sequence[int] | None = None,
    threshold: float = YENTE_THRESHOLD,
    client: httpx.Client | None = None,
) -> RunReport:
    """The same screening, with the matching done by a yente server."""
    report = RunReport()
    lst = yente_list(session, url, dataset)
    query = select(Customer.id, Customer.name, Customer.aliases, Customer.country)
    if customer_ids is not None:
        query = query.where(Customer.id.in_(list(customer_ids)))
    customers = {
        cid: ([name, *(aliases or [])], country) for cid, name, aliases, country in session.execute(query)
    }
    report.customers = len(customers)
    found = [
        Found(
            r.customer_id,
            lst.id,
            None,
            r.entity_id,
            r.entity_name,
            r.fingerprint,
            Match(r.score, r.matched_name, r.entity_name, r.reasons),
        )
        for r in yente.match(url, dataset, customers, threshold, client)
    ]
    lst.last_checked_at = utcnow()
    scope = select(ScreeningHit).where(ScreeningHit.list_id == lst.id)
    if customer_ids is not None:
        scope = scope.where(ScreeningHit.customer_id.in_(list(customer_ids)))
    record_hits(session, found, session.scalars(scope).all(), report)
    return report

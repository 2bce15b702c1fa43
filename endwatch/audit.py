"""Append-only, hash-chained audit log.

Each record stores the hash of the one before; writers serialise on the single `audit_head` row
(a row lock on PostgreSQL, the write lock on SQLite), and `seq`, `prev_hash` and `hash` are unique,
so concurrent writers can never fork the chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from endwatch import crypto
from endwatch.db import utcnow
from endwatch.models import AuditHead, AuditRecord

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    records: int
    bad_seq: int | None = None
    problem: str = ""


def record(
    session: Session,
    action: str,
    *,
    actor: str,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record. Never pass grievance content in `details`: names of fields, not values."""
    locked = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_seq=AuditHead.last_seq).returning(AuditHead.id)
    ).first()
    if locked is None:
        session.add(AuditHead(id=1, last_seq=0, last_hash=GENESIS))
        session.flush()
    last_seq, last_hash = session.execute(
        select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)
    ).one()
    entry = AuditRecord(
        seq=last_seq + 1,
        at=utcnow(),
        actor=actor,
        action=action,
        target=target,
        details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False),
        prev_hash=last_hash,
    )
    entry.hash = record_hash(entry)
    session.add(entry)
    session.flush()
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_seq=entry.seq, last_hash=entry.hash)
    )
    return entry


def record_hash(entry: AuditRecord) -> str:
    body = json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "target": entry.target,
            "details": entry.details,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return crypto.sha256_hex(f"{entry.prev_hash}\n{body}".encode())


def verify(session: Session) -> ChainReport:
    """Walk the chain in order; report the first record that was edited, removed or moved."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in session.scalars(select(AuditRecord).order_by(AuditRecord.seq)).yield_per(1000):
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"record {expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False, count, entry.seq, f"record {entry.seq} does not follow record {entry.seq - 1}"
            )
        if record_hash(entry) != entry.hash:
            return ChainReport(False, count, entry.seq, f"record {entry.seq} was altered")
        expected_prev = entry.hash
        expected_seq += 1
        count += 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != count or head.last_hash != expected_prev):
        return ChainReport(False, count, count + 1, f"records after {count} were removed")
    return ChainReport(True, count)


def head(session: Session) -> tuple[int, str]:
    """The chain's tip (sequence number and hash), to be written down somewhere the server cannot reach."""
    tip = session.get(AuditHead, 1)
    return (tip.last_seq, tip.last_hash) if tip is not None else (0, GENESIS)


def matches_anchor(session: Session, seq: int, expected_hash: str) -> bool:
    """Whether record `seq` still carries the hash written down earlier: a rewritten chain fails this."""
    entry = session.get(AuditRecord, seq)
    return entry is not None and crypto.equal(entry.hash, expected_hash)


def trail(session: Session, target: str) -> list[AuditRecord]:
    return list(
        session.scalars(select(AuditRecord).where(AuditRecord.target == target).order_by(AuditRecord.seq))
    )

"""Append-only, hash-chained audit log.

Each record stores the hash of the one before; writers serialise on the single `audit_head` row
(a row lock on PostgreSQL, the write lock on SQLite), and `seq`, `prev_hash` and `hash` are unique,
so concurrent writers can never fork the chain.

Deleting the last records and moving the head back leaves a shorter chain that is still consistent, so
after every commit that appended records the tip is also written, signed, to a checkpoint file outside
the database (ENDWATCH_HOME/keys/audit_checkpoint); `verify` compares the chain with it.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from endwatch import crypto
from endwatch.config import Config
from endwatch.db import get_database, utcnow
from endwatch.models import AuditHead, AuditRecord

GENESIS = "0" * 64
CHECKPOINT_FILE = "audit_checkpoint"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    records: int
    bad_seq: int | None = None
    problem: str = ""
    checkpoint: int | None = None  # the record the checkpoint outside the database named, if checked


@dataclass(frozen=True)
class Checkpoint:
    """The chain's tip as last written outside the database: `seq` must still exist with `hash`."""

    seq: int
    hash: str
    problem: str = ""  # the file is there but unreadable or its signature is wrong
    missing: bool = False


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
    session.info["audit_tip"] = (entry.seq, entry.hash)
    return entry


def recent(session: Session, action: str, target: str, within_seconds: int, **details: Any) -> bool:
    """Whether `action` on `target` was recorded in the last `within_seconds` (with these details)."""
    since = utcnow() - timedelta(seconds=within_seconds)
    for text in session.scalars(
        select(AuditRecord.details).where(
            AuditRecord.action == action, AuditRecord.target == target, AuditRecord.at >= since
        )
    ):
        recorded = json.loads(text)
        if all(recorded.get(key) == value for key, value in details.items()):
            return True
    return False


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


def verify(session: Session, checkpoint: Checkpoint | None = None) -> ChainReport:
    """Walk the chain in order; report the first record that was edited, removed or moved.

    With a checkpoint (read from outside the database), a chain cut short or rewritten after the record
    the checkpoint names is caught too.
    """
    report = _walk(session)
    if checkpoint is None or not report.ok:
        return report
    if checkpoint.problem:
        return ChainReport(False, report.records, None, checkpoint.problem)
    if checkpoint.missing and report.records:
        return ChainReport(
            False,
            report.records,
            None,
            "the audit checkpoint outside the database is missing (after an upgrade, `endwatch init` "
            "writes it)",
        )
    if report.records < checkpoint.seq:
        return ChainReport(
            False,
            report.records,
            report.records + 1,
            f"records after {report.records} were removed: the checkpoint outside the database names "
            f"record {checkpoint.seq}",
        )
    entry = session.get(AuditRecord, checkpoint.seq) if checkpoint.seq else None
    if entry is not None and not crypto.equal(entry.hash, checkpoint.hash):
        return ChainReport(
            False,
            report.records,
            checkpoint.seq,
            f"record {checkpoint.seq} differs from the checkpoint outside the database: "
            "the chain was rewritten",
        )
    return ChainReport(True, report.records, checkpoint=checkpoint.seq)


def _walk(session: Session) -> ChainReport:
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


# -- the checkpoint outside the database -------------------------------------------------------------


def init_app(app: Flask, config: Config) -> None:
    """After every commit that appended records, move the checkpoint file forward to the new tip."""
    path, key = checkpoint_path(config), checkpoint_key(str(app.secret_key))

    def after_commit(session: Session) -> None:
        tip = session.info.pop("audit_tip", None)
        if tip is not None:
            advance_checkpoint(path, key, *tip)

    def after_rollback(session: Session) -> None:
        session.info.pop("audit_tip", None)

    factory = get_database(app).factory
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_rollback", after_rollback)


def checkpoint_path(config: Config) -> Path:
    return config.keys_path / CHECKPOINT_FILE


def checkpoint_key(secret_key: str) -> bytes:
    return crypto.hmac_sha256(secret_key.encode(), b"endwatch-audit-checkpoint").encode()


def load_checkpoint(config: Config, secret_key: str) -> Checkpoint:
    """The checkpoint of this installation, as found in its file."""
    return read_checkpoint(checkpoint_path(config), checkpoint_key(secret_key))


def read_checkpoint(path: Path, key: bytes) -> Checkpoint:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return Checkpoint(0, GENESIS, missing=True)
    except OSError as exc:
        return Checkpoint(0, GENESIS, f"the audit checkpoint {path} is unreadable: {exc.strerror}")
    try:
        data = json.loads(text)
        seq, tip, mac = int(data["seq"]), str(data["hash"]), str(data["mac"])
    except (ValueError, KeyError, TypeError):
        return Checkpoint(0, GENESIS, f"the audit checkpoint {path} is malformed")
    if not crypto.equal(mac, _checkpoint_mac(key, seq, tip)):
        return Checkpoint(0, GENESIS, f"the audit checkpoint {path} does not carry a valid signature")
    return Checkpoint(seq, tip)


def advance_checkpoint(path: Path, key: bytes, seq: int, tip: str) -> None:
    """Write the tip if it is further along than the checkpoint; writers on one host take turns."""
    lock_fd = os.open(path.with_name(CHECKPOINT_FILE + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        current = read_checkpoint(path, key)
        if current.problem or (current.seq >= seq and not current.missing):
            return  # a bad checkpoint stays as evidence until the operator looks at it
        body = json.dumps({"seq": seq, "hash": tip, "mac": _checkpoint_mac(key, seq, tip)})
        temporary = path.with_name(f"{CHECKPOINT_FILE}.{os.getpid()}.new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(body + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        os.close(lock_fd)


def _checkpoint_mac(key: bytes, seq: int, tip: str) -> str:
    return crypto.hmac_sha256(key, f"endwatch-audit-checkpoint\n{seq}:{tip}".encode())


def ensure_checkpoint(session: Session, config: Config, secret_key: str) -> bool:
    """Write a checkpoint at the tip if there is none yet and the chain is intact (`endwatch init`)."""
    if not load_checkpoint(config, secret_key).missing or not _walk(session).ok:
        return False
    advance_checkpoint(checkpoint_path(config), checkpoint_key(secret_key), *head(session))
    return True

"""Shell tables: staff accounts and sessions, the audit chain, organisation keys."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DDL, Boolean, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from endwatch.db import Base, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    TRIAGER = "triager"
    AUDITOR = "auditor"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda roles: [r.value for r in roles])
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    # X25519 keypair: the private half and the TOTP secret sit in a vault wrapped by the password.
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    vault: Mapped[bytes] = mapped_column(LargeBinary)
    key_wrap: Mapped[bytes] = mapped_column(LargeBinary)
    totp_enrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    last_totp_step: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Who made this account (none: the command line) and who last reset it: neither may be the second
    # person of a two-person decision with it. A web-made admin waits for a second admin's confirmation.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reset_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    awaiting_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    sessions: Mapped[list[StaffSession]] = relationship(back_populates="user", cascade="all, delete-orphan")
    created_by: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[created_by_id])


class StaffSession(Base):
    """Server half of a staff login; the key that opens `vault` lives only in the browser's cookie."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    vault: Mapped[bytes] = mapped_column(LargeBinary)
    # SHA-256 of the cookie's key half: the session opens only for whoever holds that key.
    key_check: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    stage: Mapped[str] = mapped_column(String(16), default="ready")

    user: Mapped[User] = relationship(back_populates="sessions")


class AuditRecord(Base):
    __tablename__ = "audit_records"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(128), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_records_target", "target"),)


class AuditHead(Base):
    """A single row that serialises writers of the chain and remembers its tip."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


# The chain's single head row exists from the start, so first writers cannot race to create it.
HEAD_ROW_SQL = "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '" + "0" * 64 + "')"
event.listen(AuditHead.__table__, "after_create", DDL(HEAD_ROW_SQL))


class OrgKey(Base):
    """Public keys of the organisation: the offline recovery key and the entitlement signing keys."""

    __tablename__ = "org_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), index=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

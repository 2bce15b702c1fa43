"""Tables of this domain: restricted-party lists, their versions and entities, and screening hits."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from endwatch.db import Base, utcnow

if TYPE_CHECKING:
    from contracts.models import Customer


def _enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members]
    )


class ListFormat(enum.StrEnum):
    FTM = "ftm"
    CSL = "csl"
    SDN = "sdn"
    YENTE = "yente"  # hits found by a yente server; no entities are held here


class HitStatus(enum.StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


class ScreeningList(Base):
    """A restricted-party list loaded from a file or polled from a URL."""

    __tablename__ = "screening_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    format: Mapped[ListFormat] = mapped_column(_enum(ListFormat))
    source: Mapped[str] = mapped_column(String(2000))
    is_url: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)
    entity_count: Mapped[int] = mapped_column(Integer, default=0)
    last_loaded_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[ListVersion]] = relationship(
        back_populates="screening_list", cascade="all, delete-orphan", order_by="ListVersion.number.desc()"
    )


class ListVersion(Base):
    """One load of a list that changed something: what was added, changed and removed."""

    __tablename__ = "screening_list_versions"
    __table_args__ = (UniqueConstraint("list_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("screening_lists.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    entity_count: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)

    screening_list: Mapped[ScreeningList] = relationship(back_populates="versions")


class ListEntity(Base):
    """A listed person or organisation; kept after delisting, with the version that removed it."""

    __tablename__ = "screening_entities"
    __table_args__ = (
        UniqueConstraint("list_id", "entity_id"),
        Index("ix_screening_entities_list_delisted", "list_id", "delisted_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("screening_lists.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(String(200))
    person: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(40))
    # Blocking keys of every name, space-separated: read by the full run without decoding `data`.
    keys: Mapped[str] = mapped_column(Text)
    listed_version: Mapped[int] = mapped_column(Integer)
    changed_version: Mapped[int] = mapped_column(Integer)
    delisted_version: Mapped[int | None] = mapped_column(Integer)
    delisted_at: Mapped[datetime | None]

    screening_list: Mapped[ScreeningList] = relationship()

    @property
    def aliases(self) -> list[str]:
        return list(self.data.get("aliases", []))

    @property
    def countries(self) -> list[str]:
        return list(self.data.get("countries", []))


class ListChange(Base):
    """One entity added, changed or removed by a version; `previous` keeps what the listing said before."""

    __tablename__ = "screening_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("screening_list_versions.id", ondelete="CASCADE"), index=True
    )
    entity_pk: Mapped[int] = mapped_column(
        ForeignKey("screening_entities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ChangeKind] = mapped_column(_enum(ChangeKind))
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    version: Mapped[ListVersion] = relationship()
    entity: Mapped[ListEntity] = relationship()


class ScreeningHit(Base):
    """A customer or intermediary that matches a listed party; staff confirm or dismiss it."""

    __tablename__ = "screening_hits"
    __table_args__ = (
        UniqueConstraint("customer_id", "list_id", "entity_id"),
        Index("ix_screening_hits_status_active", "status", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("screening_lists.id", ondelete="CASCADE"), index=True)
    entity_pk: Mapped[int | None] = mapped_column(
        ForeignKey("screening_entities.id", ondelete="SET NULL"), index=True
    )
    entity_id: Mapped[str] = mapped_column(String(200))
    entity_name: Mapped[str] = mapped_column(String(500))
    matched_name: Mapped[str] = mapped_column(String(500))
    score: Mapped[float] = mapped_column(Float)
    reasons_json: Mapped[str] = mapped_column(Text, default="[]")
    fingerprint: Mapped[str] = mapped_column(String(40))
    status: Mapped[HitStatus] = mapped_column(_enum(HitStatus), default=HitStatus.NEW)
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The listing as it was when staff decided; a change to it reopens the hit.
    decided_fingerprint: Mapped[str | None] = mapped_column(String(40))
    reopened_note: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    delisted_at: Mapped[datetime | None]
    alert_id: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship("Customer")
    screening_list: Mapped[ScreeningList] = relationship()
    entity: Mapped[ListEntity | None] = relationship()

    @property
    def reasons(self) -> list[str]:
        return list(json.loads(self.reasons_json or "[]"))

    @reasons.setter
    def reasons(self, value: list[str]) -> None:
        self.reasons_json = json.dumps(list(value), ensure_ascii=False)


class PendingScreening(Base):
    """A customer changed since it was last screened; the screening job takes it from here."""

    __tablename__ = "screening_pending"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)

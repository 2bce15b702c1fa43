"""Tables of this domain: feeds and their health, entries grouped into stories, alerts, suppression rules."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from endwatch.db import Base, utcnow

if TYPE_CHECKING:
    from contracts.models import Customer


def _enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members]
    )


class AlertLevel(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AlertStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    DISMISSED = "dismissed"
    ESCALATED = "escalated"


class Feed(Base):
    """A news or NGO feed; `active` feeds are polled, file-loaded ones are not."""

    __tablename__ = "monitoring_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    credibility: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str | None] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(index=True)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures == 0


class Story(Base):
    """Syndicated copies of one report across feeds, grouped by their normalised title."""

    __tablename__ = "monitoring_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Entry(Base):
    """One feed item, stored once whatever feed it came through: by guid, then link, then content hash."""

    __tablename__ = "monitoring_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    guid: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("monitoring_feeds.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("monitoring_stories.id"), index=True)

    feed: Mapped[Feed] = relationship()
    story: Mapped[Story] = relationship()

    @property
    def public_id(self) -> str:
        return self.guid or str(self.id)


class Alert(Base):
    """A watched customer named in a stored report; one per customer and story."""

    __tablename__ = "monitoring_alerts"
    __table_args__ = (
        UniqueConstraint("customer_id", "story_id"),
        Index("ix_monitoring_alerts_status_level", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("monitoring_stories.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("monitoring_entries.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[AlertLevel] = mapped_column(_enum(AlertLevel))
    matched: Mapped[str] = mapped_column(String(500))
    snippet: Mapped[str] = mapped_column(Text)
    reasons_json: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[AlertStatus] = mapped_column(_enum(AlertStatus), default=AlertStatus.NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decision_note: Mapped[str | None] = mapped_column(String(1000))
    case_ref: Mapped[str | None] = mapped_column(String(100))
    # Outbox: critical alerts are announced one by one, the rest in a digest.
    notified_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship("Customer")
    entry: Mapped[Entry] = relationship()
    story: Mapped[Story] = relationship()

    @property
    def reasons(self) -> list[str]:
        return list(json.loads(self.reasons_json or "[]"))

    @reasons.setter
    def reasons(self, value: list[str]) -> None:
        self.reasons_json = json.dumps(list(value), ensure_ascii=False)


class SuppressionRule(Base):
    """Set when an alert is dismissed as a false positive: no more alerts for this customer with this
    matched phrase (folded), or from this feed."""

    __tablename__ = "monitoring_suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    phrase: Mapped[str | None] = mapped_column(String(500))
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_feeds.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitoring_alerts.id", ondelete="SET NULL")
    )

    feed: Mapped[Feed | None] = relationship()

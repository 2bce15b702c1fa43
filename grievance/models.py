"""Tables of this domain: cases, their sealed keys, messages and attachments.

Only fields chosen from fixed lists stay in clear (state, outcome, category, country, product,
period, language, dates). Everything a person typed or uploaded is encrypted under the case's data
key, which is stored only sealed to staff public keys, to the offline recovery key, and wrapped by a
key derived from the submitter's receipt.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from endwatch.db import Base
from endwatch.timeutil import rounded_now


def _enum(cls: type[enum.Enum], length: int = 24) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members]
    )


class CaseState(enum.StrEnum):
    """ISO 37002 stages."""

    RECEIVED = "received"
    ASSESSING = "assessing"
    ADDRESSING = "addressing"
    CONCLUDED = "concluded"


class Outcome(enum.StrEnum):
    SUBSTANTIATED = "substantiated"
    PARTLY_SUBSTANTIATED = "partly_substantiated"
    UNSUBSTANTIATED = "unsubstantiated"
    OUTSIDE_SCOPE = "outside_scope"
    DUPLICATE = "duplicate"


class Direction(enum.StrEnum):
    FROM_SUBMITTER = "from_submitter"
    TO_SUBMITTER = "to_submitter"


# Rights harmed, as offered on the form; stored ';'-joined in `Case.category`.
CATEGORIES = (
    "privacy",
    "expression",
    "assembly",
    "religion",
    "liberty",
    "life",
    "discrimination",
    "other",
)

# Approximate time of the incident, relative to when the report was made.
INCIDENT_PERIODS = (
    "ongoing",
    "past_month",
    "past_6_months",
    "past_year",
    "1_to_3_years",
    "over_3_years",
    "unknown",
)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # Every time stored with a submission is rounded down to the hour (endwatch.timeutil), so no row can be
    # matched to a network log.
    created_at: Mapped[datetime] = mapped_column(default=rounded_now, index=True)
    state: Mapped[CaseState] = mapped_column(_enum(CaseState), default=CaseState.RECEIVED, index=True)
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
    outcome_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    acknowledged_at: Mapped[datetime | None]
    feedback_given_at: Mapped[datetime | None]
    concluded_at: Mapped[datetime | None]
    severity: Mapped[int | None] = mapped_column(Integer)
    likelihood: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))

    # Lookup key of the receipt: derived from a peppered Argon2id of it (endwatch.case_crypto).
    receipt_digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # The case data key wrapped by a second key derived from the receipt: the submitter's way back in.
    submitter_key: Mapped[bytes] = mapped_column(LargeBinary)

    category: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    product_unknown: Mapped[bool] = mapped_column(Boolean, default=True)
    incident_period: Mapped[str] = mapped_column(String(24), default="unknown")
    language: Mapped[str] = mapped_column(String(8), default="en")

    # JSON document {"what", "who", "contact"} encrypted under the case data key.
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)

    keys: Mapped[list[CaseKey]] = relationship(back_populates="case", cascade="all, delete-orphan")
    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMessage.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    __table_args__ = (
        CheckConstraint("severity IS NULL OR severity BETWEEN 1 AND 4", name="severity_range"),
        CheckConstraint("likelihood IS NULL OR likelihood BETWEEN 1 AND 4", name="likelihood_range"),
    )

    @property
    def categories(self) -> list[str]:
        return [c for c in self.category.split(";") if c]


class CaseKey(Base):
    """The case data key sealed to one holder: 'user:<id>' or 'recovery'."""

    __tablename__ = "case_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    holder: Mapped[str] = mapped_column(String(32), index=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=rounded_now)

    case: Mapped[Case] = relationship(back_populates="keys")

    __table_args__ = (UniqueConstraint("case_id", "holder"),)


class CaseMessage(Base):
    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=rounded_now)
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)

    case: Mapped[Case] = relationship(back_populates="messages")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message", order_by="Attachment.id")


class Attachment(Base):
    """An encrypted file under DATA/attachments/<stored_name>; name and content are encrypted."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=rounded_now)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    filename_enc: Mapped[bytes] = mapped_column(LargeBinary)
    metadata_removed: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="attachments")
    message: Mapped[CaseMessage | None] = relationship(back_populates="attachments")


class FollowupSession(Base):
    """A submitter's follow-up visit: the case key, encrypted under a key held only in their cookie."""

    __tablename__ = "followup_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    vault: Mapped[bytes] = mapped_column(LargeBinary)
    # The hour of the last visit, for the purge; the exact time, for idle expiry, is inside the vault.
    last_seen_at: Mapped[datetime] = mapped_column(default=rounded_now, index=True)


class StaffNotice(Base):
    """A notice to staff waiting for the hourly batch: the reference and the hour only, never the minute."""

    __tablename__ = "staff_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(16))
    hour: Mapped[datetime] = mapped_column(default=rounded_now, index=True)

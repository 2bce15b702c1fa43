"""Tables of the staff side of a case: internal notes, recusals, links to other domains, assignments.

Links to customers, deployments, contracts and alerts are typed references (kind + id) with no
foreign key, since those tables belong to other domains.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from endwatch.db import Base, utcnow
from grievance.models import Case


class LinkKind(enum.StrEnum):
    CUSTOMER = "customer"
    DEPLOYMENT = "deployment"
    CONTRACT = "contract"
    ALERT = "alert"


class CaseNote(Base):
    """An internal note, encrypted under the case data key; the submitter never sees it."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)


class CaseRecusal(Base):
    """A member excluded from a case (conflict of interest): they cannot open or touch it."""

    __tablename__ = "case_recusals"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseLink(Base):
    """A typed reference from a case to a customer, deployment, contract or monitoring alert."""

    __tablename__ = "case_links"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "ref_id"),
        CheckConstraint("kind IN ('customer', 'deployment', 'contract', 'alert')", name="kind"),
        Index("ix_case_links_kind_ref", "kind", "ref_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseAssignment(Base):
    """Assignment history; the current assignee is `Case.assignee_id`."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


# Queue indexes on the intake's table (declared here so the intake's module stays theirs): keyset
# pagination walks (created_at, id), usually within one state.
Index("ix_cases_queue_order", Case.created_at, Case.id)
Index("ix_cases_queue_state_order", Case.state, Case.created_at, Case.id)

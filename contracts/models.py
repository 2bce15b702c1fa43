"""Customers and their supply chains, products, deployments, contracts, reviews and enforcement actions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from endwatch.db import Base, utcnow
from endwatch.models import User


def _enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members]
    )


class CustomerKind(enum.StrEnum):
    GOVERNMENT = "government"
    SOE = "soe"
    PRIVATE = "private"
    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"


INTERMEDIARY_KINDS = frozenset({CustomerKind.DISTRIBUTOR, CustomerKind.RESELLER})


class Customer(Base):
    """An end user or an intermediary, as named in the export records (unique per country)."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("name", "country", name="uq_customers_name_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    kind: Mapped[CustomerKind] = mapped_column(_enum(CustomerKind))
    government_ties: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    supply_links: Mapped[list[SupplyLink]] = relationship(
        foreign_keys="SupplyLink.end_user_id",
        back_populates="end_user",
        cascade="all, delete-orphan",
        order_by="SupplyLink.position",
    )
    red_flags: Mapped[list[RedFlag]] = relationship(back_populates="customer", cascade="all, delete-orphan")
    deployments: Mapped[list[Deployment]] = relationship(back_populates="customer")

    @property
    def alias_list(self) -> list[str]:
        return list(self.aliases or [])

    @property
    def suppliers(self) -> list[Customer]:
        """The intermediaries that supplied this end user, from the vendor's side towards the end user."""
        return [link.supplier for link in self.supply_links]

    @property
    def is_intermediary(self) -> bool:
        return self.kind in INTERMEDIARY_KINDS

    @property
    def label(self) -> str:
        return f"{self.name} [{self.country}]"


class SupplyLink(Base):
    """One intermediary in the chain that supplied an end user; `position` 1 is nearest the vendor."""

    __tablename__ = "supply_links"
    __table_args__ = (
        UniqueConstraint("end_user_id", "supplier_id", name="uq_supply_links_end_user_supplier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    end_user_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)

    end_user: Mapped[Customer] = relationship(foreign_keys=[end_user_id], back_populates="supply_links")
    supplier: Mapped[Customer] = relationship(foreign_keys=[supplier_id])


class RedFlag(Base):
    """A red flag of the checklist found for a customer, with where the finding comes from."""

    __tablename__ = "customer_red_flags"
    __table_args__ = (UniqueConstraint("customer_id", "code", name="uq_customer_red_flags_customer_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    source_note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="red_flags")


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    capabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    receives_updates: Mapped[bool] = mapped_column(Boolean, default=True)
    remote_suspension: Mapped[bool] = mapped_column(Boolean, default=False)
    latest_version: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def capability_list(self) -> list[str]:
        return list(self.capabilities or [])


class Clause(enum.StrEnum):
    """Safeguard clauses a contract may hold; the values are the column names on Contract."""

    END_USE_LIMITS = "end_use_limits"
    HUMAN_RIGHTS = "human_rights"
    TERMINATE = "right_to_terminate"
    DENY_UPDATES = "right_to_deny_updates"
    SUSPEND = "right_to_suspend"
    AUDIT = "audit_rights"
    REEXPORT_BAN = "reexport_ban"
    GRIEVANCE_NOTICE = "grievance_notice"
    DATA_DELETION = "data_deletion"
    REMOTE_DISABLE = "remote_disable"


class Contract(Base):
    """A sales or licence contract and the safeguard clauses it holds."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    signed_on: Mapped[date | None] = mapped_column(Date)
    end_use_limits: Mapped[bool] = mapped_column(Boolean, default=False)
    human_rights: Mapped[bool] = mapped_column(Boolean, default=False)
    right_to_terminate: Mapped[bool] = mapped_column(Boolean, default=False)
    right_to_deny_updates: Mapped[bool] = mapped_column(Boolean, default=False)
    right_to_suspend: Mapped[bool] = mapped_column(Boolean, default=False)
    audit_rights: Mapped[bool] = mapped_column(Boolean, default=False)
    reexport_ban: Mapped[bool] = mapped_column(Boolean, default=False)
    grievance_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    data_deletion: Mapped[bool] = mapped_column(Boolean, default=False)
    # Dropped from the final guidance (30 Sept 2020): opt-in only, never assumed.
    remote_disable: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship()

    def holds(self, clause: Clause) -> bool:
        return bool(getattr(self, clause.value))

    @property
    def clauses(self) -> list[Clause]:
        return [clause for clause in Clause if self.holds(clause)]


class DeploymentStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class Deployment(Base):
    """One product installed at one customer, under a contract."""

    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    version: Mapped[str] = mapped_column(String(64), default="")
    # Highest version the licence covers; empty: any version.
    max_version: Mapped[str] = mapped_column(String(64), default="")
    licence_start: Mapped[date | None] = mapped_column(Date)
    licence_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DeploymentStatus] = mapped_column(_enum(DeploymentStatus), default=DeploymentStatus.ACTIVE)
    updates_denied: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="deployments")
    product: Mapped[Product] = relationship()
    contract: Mapped[Contract | None] = relationship()
    tokens: Mapped[list[DeploymentToken]] = relationship(
        back_populates="deployment", cascade="all, delete-orphan"
    )

    @property
    def service_active(self) -> bool:
        return self.status == DeploymentStatus.ACTIVE


class DeploymentToken(Base):
    """A deployment's bearer token for the entitlement API, stored as its SHA-256 (256 random bits)."""

    __tablename__ = "deployment_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    deployment: Mapped[Deployment] = relationship(back_populates="tokens")


class Reassessment(Base):
    """A record of one review of a customer's risk and safeguards."""

    __tablename__ = "reassessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(254))
    tier: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()


class ReviewReminder(Base):
    """A reminder sent for one due review, so that each due date is announced once."""

    __tablename__ = "review_reminders"
    __table_args__ = (UniqueConstraint("customer_id", "due_on", name="uq_review_reminders_customer_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()


class ActionKind(enum.StrEnum):
    DENY_UPDATES = "deny_updates"
    SUSPEND = "suspend"
    TERMINATE = "terminate"
    REINSTATE = "reinstate"


class ActionStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class EnforcementAction(Base):
    """A safeguard action on a deployment: proposed by one member, effective when another approves it."""

    __tablename__ = "enforcement_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"), index=True)
    kind: Mapped[ActionKind] = mapped_column(_enum(ActionKind))
    status: Mapped[ActionStatus] = mapped_column(
        _enum(ActionStatus), default=ActionStatus.PROPOSED, index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    deployment: Mapped[Deployment] = relationship()
    evidence: Mapped[list[ActionEvidence]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionEvidence.id"
    )
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ActionEvidence(Base):
    """A typed reference to a case or an alert (no foreign key: those tables belong to other domains)."""

    __tablename__ = "action_evidence"
    __table_args__ = (UniqueConstraint("action_id", "kind", "ref_id", name="uq_action_evidence_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_actions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "case" or "alert"
    ref_id: Mapped[int] = mapped_column(Integer)

    action: Mapped[EnforcementAction] = relationship(back_populates="evidence")

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.ref_id}"


class ChangeProposal(Base):
    """Changes to what a deployment may receive that a file asked for: effective only when another member
    approves them (status, licence window and versions, the contract, enforcement clauses, updates)."""

    __tablename__ = "change_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(16))  # deployment, contract or product
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    record_ref: Mapped[str] = mapped_column(String(220))
    changes: Mapped[dict[str, list[Any]]] = mapped_column(JSON)  # field: [stored value, proposed value]
    source: Mapped[str] = mapped_column(String(200))
    status: Mapped[ActionStatus] = mapped_column(
        _enum(ActionStatus), default=ActionStatus.PROPOSED, index=True
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

"""Published transparency reports: one frozen snapshot per closed period.

A snapshot holds only what was published (the protected figures, never the counts behind a "fewer than
k"), as canonical JSON with its SHA-256, which the audit record of the publication also carries. Rows
are never updated or deleted through the ORM; the period is unique, so a period is published once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from endwatch.db import Base, utcnow


class SnapshotFrozen(Exception):
    """Raised when code tries to change or delete a published snapshot."""


class ReportSnapshot(Base):
    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16), unique=True)  # "2025": a calendar year (UTC)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(320))
    k: Mapped[int] = mapped_column(Integer)
    figures: Mapped[str] = mapped_column(Text)  # canonical JSON of reporting.figures.PublicReport
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of `figures`, hex


def _refuse(_mapper: Any, _connection: Any, target: ReportSnapshot) -> None:
    raise SnapshotFrozen(f"the transparency report for {target.period} is published and never changes")


event.listen(ReportSnapshot, "before_update", _refuse)
event.listen(ReportSnapshot, "before_delete", _refuse)

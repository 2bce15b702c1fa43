"""Retention: concluded cases are purged `retention_days` after conclusion, files first, then rows.

The audit chain keeps that the case existed and was purged (its id, reference and when it was
concluded), never its content. Files are deleted before the rows' commit: if the commit then fails,
the next run finds the rows again and finishes; content never outlives its purge.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from endwatch import audit
from endwatch.config import Config
from grievance import attachments
from grievance.models import Attachment, Case, CaseKey, CaseMessage, CaseState, FollowupSession
from grievance.triage.models import CaseAssignment, CaseLink, CaseNote, CaseRecusal


def due_for_purge(session: Session, retention_days: int, now: datetime) -> list[int]:
    cutoff = now - timedelta(days=retention_days)
    return list(
        session.scalars(
            select(Case.id)
            .where(Case.state == CaseState.CONCLUDED, Case.concluded_at <= cutoff)
            .order_by(Case.id)
        )
    )


def purge_case(session: Session, config: Config, case_id: int, *, actor: str) -> None:
    """Delete a case's files and every row that holds anything of it; audit that it happened."""
    case = session.get(Case, case_id)
    if case is None:
        return
    reference = case.reference
    concluded = case.concluded_at.date().isoformat() if case.concluded_at else None
    stored = list(session.scalars(select(Attachment.stored_name).where(Attachment.case_id == case_id)))
    for name in stored:
        attachments.delete_file(config, name)
    session.execute(update(Case).where(Case.merged_into_id == case_id).values(merged_into_id=None))
    for model in (CaseNote, CaseLink, CaseRecusal, CaseAssignment, FollowupSession, Attachment):
        session.execute(delete(model).where(model.case_id == case_id))
    session.execute(delete(CaseMessage).where(CaseMessage.case_id == case_id))
    session.execute(delete(CaseKey).where(CaseKey.case_id == case_id))
    session.execute(delete(Case).where(Case.id == case_id))
    audit.record(
        session,
        "case.purged",
        actor=actor,
        target=f"case:{case_id}",
        details={"reference": reference, "concluded_on": concluded, "files": len(stored)},
    )


def purge_due(session: Session, config: Config, now: datetime, *, actor: str = "scheduler") -> list[int]:
    """Purge every concluded case past retention; return their ids."""
    purged = due_for_purge(session, config.retention_days, now)
    for case_id in purged:
        purge_case(session, config, case_id, actor=actor)
    session.flush()
    return purged

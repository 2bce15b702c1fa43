"""Exports: one case as a bundle (decrypted content, attachments, audit trail), the queue as CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from endwatch import audit
from endwatch.config import Config
from endwatch.models import User
from grievance.content import read_attachment
from grievance.models import Case
from grievance.triage import links, services
from grievance.triage.queue import QueueFilters, QueueRow

QUEUE_COLUMNS = (
    "reference",
    "received",
    "state",
    "outcome",
    "severity",
    "likelihood",
    "category",
    "country",
    "product_id",
    "incident_period",
    "language",
    "assignee_id",
    "acknowledged",
    "feedback_given",
    "concluded",
    "next_deadline",
    "next_deadline_due",
    "overdue",
    "merged_into_id",
)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def case_bundle(session: Session, config: Config, case: Case, user: User, private_key: bytes) -> bytes:
    """A zip of the decrypted case, its internal notes, its files and its audit trail (audited)."""
    opened = services.open_case(session, case, user, private_key, purpose="export")
    key = services.data_key(session, case, user, private_key, "export-files")
    audit.record(session, "case.exported", actor=user.email, target=f"case:{case.id}")
    content = opened.content
    document = {
        "reference": case.reference,
        "received": _iso(case.created_at),
        "state": case.state.value,
        "outcome": case.outcome.value if case.outcome else None,
        "outcome_reason": content.outcome_reason,
        "severity": case.severity,
        "likelihood": case.likelihood,
        "categories": case.categories,
        "country": case.country,
        "product_id": case.product_id,
        "incident_period": case.incident_period,
        "language": case.language,
        "acknowledged": _iso(case.acknowledged_at),
        "feedback_given": _iso(case.feedback_given_at),
        "concluded": _iso(case.concluded_at),
        "what": content.what,
        "who": content.who,
        "contact": content.contact,
        "messages": [
            {"at": _iso(m.created_at), "direction": m.direction, "author_id": m.author_id, "body": m.body}
            for m in content.messages
        ],
        "notes": [{"at": _iso(n.created_at), "author_id": n.author_id, "body": n.body} for n in opened.notes],
        "links": [{"kind": link.kind, "id": link.ref_id} for link in links.links_of(session, case)],
        "attachments": [
            {"file": f"attachments/{a.id}-{_safe(a.filename)}", "media_type": a.media_type, "size": a.size}
            for a in content.attachments
        ],
    }
    trail = [
        {
            "seq": r.seq,
            "at": _iso(r.at),
            "actor": r.actor,
            "action": r.action,
            "details": json.loads(r.details),
            "hash": r.hash,
        }
        for r in audit.trail(session, f"case:{case.id}")
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("case.json", json.dumps(document, ensure_ascii=False, indent=2))
        bundle.writestr("audit.json", json.dumps(trail, ensure_ascii=False, indent=2))
        by_id = {a.id: a for a in case.attachments}
        for view in content.attachments:
            data = read_attachment(config, case, key, by_id[view.id])
            bundle.writestr(f"attachments/{view.id}-{_safe(view.filename)}", data)
    return buffer.getvalue()


def _safe(filename: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in filename).strip(" .")
    return cleaned[:120] or "file"


def queue_csv(session: Session, rows: Iterable[QueueRow], filters: QueueFilters, *, actor: str) -> str:
    """The queue's clear fields as CSV; no content ever. The export is audited."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(QUEUE_COLUMNS)
    count = 0
    for row in rows:
        count += 1
        case = row.case
        writer.writerow(
            [
                case.reference,
                _iso(case.created_at),
                case.state.value,
                case.outcome.value if case.outcome else "",
                case.severity or "",
                case.likelihood or "",
                case.category,
                case.country,
                case.product_id or "",
                case.incident_period,
                case.language,
                case.assignee_id or "",
                _iso(case.acknowledged_at),
                _iso(case.feedback_given_at),
                _iso(case.concluded_at),
                row.deadline.kind if row.deadline else "",
                _iso(row.deadline.due) if row.deadline else "",
                "yes" if row.overdue else "",
                case.merged_into_id or "",
            ]
        )
    audit.record(
        session, "cases.exported_csv", actor=actor, details={"filters": filters.names(), "rows": count}
    )
    return buffer.getvalue()


UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def download_name(filename: str, fallback: str) -> str:
    """A submitter's file name made safe to offer as a download: no folders, no control characters
    (the header itself is quoted by the web framework, with RFC 5987 encoding for other scripts)."""
    name = UNSAFE_IN_NAME.sub("_", filename).strip(" .")[:200]
    return name or fallback

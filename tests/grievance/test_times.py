"""Every time a submission leaves in the database or the data folder is rounded to the hour."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from endwatch.db import Base, UTCDateTime
from grievance import attachments
from grievance.models import Attachment
from tests.conftest import csrf_token
from tests.grievance.conftest import open_followup, post_multipart


def timestamps(session: Session) -> dict[tuple[str, Any], dict[str, datetime]]:
    """Every date-time value of every row of every table, by (table, primary key)."""
    found: dict[tuple[str, Any], dict[str, datetime]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, UTCDateTime | DateTime)]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        for row in session.execute(select(*keys, *columns)):
            values = {c.name: row[len(keys) + i] for i, c in enumerate(columns) if row[len(keys) + i]}
            found[(table.name, tuple(row[: len(keys)]))] = values
    return found


def exact(moment: datetime) -> bool:
    return (moment.minute, moment.second, moment.microsecond) != (0, 0, 0)


def test_no_time_left_by_a_submission_has_minutes_or_seconds(submit_report, client, session, app):
    session.flush()
    before = timestamps(session)
    receipt = submit_report(files=[(b"a photo caption", "note.txt")])
    open_followup(client, receipt)
    token = csrf_token(client, "/followup/case")
    response = post_multipart(
        client,
        "/followup/case",
        {
            "csrf_token": token,
            "body": "One more thing",
            "attachments": [(io.BytesIO(b"second file"), "more.txt")],
        },
    )
    assert response.status_code == 302
    assert client.get("/followup/case").status_code == 200  # a later visit touches the visit row again
    session.expire_all()
    after = timestamps(session)
    left = {key: values for key, values in after.items() if before.get(key) != values}
    tables = {table for table, _ in left}
    assert {"cases", "case_keys", "case_messages", "attachments", "followup_sessions"} <= tables, tables
    precise = {key: values for key, values in left.items() if any(exact(v) for v in values.values())}
    assert precise == {}

    folder = attachments.folder(app.config["ENDWATCH"])
    files = list(folder.iterdir())
    stored = set(session.scalars(select(Attachment.stored_name)))
    assert {path.name for path in files} == stored and len(stored) == 2
    # (Listing the folder above set its access time, as any later read does; the submission left none.)
    stamps = [os.stat(path).st_mtime for path in [*files, folder]] + [os.stat(p).st_atime for p in files]
    assert not any(exact(datetime.fromtimestamp(stamp, UTC)) for stamp in stamps)


def test_an_idle_visit_still_ends_on_time(submit_report, client, session, app, monkeypatch):
    import time

    receipt = submit_report()
    open_followup(client, receipt)
    assert client.get("/followup/case").status_code == 200
    minutes = app.config["ENDWATCH"].session_idle_minutes
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + minutes * 60 + 5)
    response = client.get("/followup/case")
    assert response.status_code == 302 and response.headers["Location"].endswith("/followup")

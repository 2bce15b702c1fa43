"""Reports with photos, sent while staff commit in a loop, are all stored whole, on SQLite and PostgreSQL.

On SQLite a transaction that read first and writes later fails at once ("database is locked") when another
writer committed in between; the intake cleans its files before any transaction and begins its write with
BEGIN IMMEDIATE (endwatch.db.begin_write), so it waits for staff instead.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grievance.models import Attachment, Case
from tests.grievance import samples
from tests.grievance.conftest import Visitor, receipt_in, staff_committing
from tests.grievance.test_cleaning_canaries import server, server_kind  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.mat2, pytest.mark.slow]
SUBMITTERS, EACH = 4, 4


def test_reports_with_photos_survive_concurrent_staff_commits(server):  # noqa: F811
    def submitter(number: int) -> list[tuple[int, str]]:
        visitor = Visitor(server["base"])
        results = []
        for round_ in range(EACH):
            photo = samples.canary_jpeg(f"QZXC{number}{round_}", size=(800, 600), noise=True)
            response = visitor.submit(files=[(photo, f"photo{round_}.jpg")], what=f"report {number}-{round_}")
            receipt = receipt_in(response) if response.status_code == 200 else ""
            results.append((response.status_code, receipt))
        visitor.close()
        return results

    url = server["settings"].database_url
    with staff_committing(url) as staff_commits, ThreadPoolExecutor(SUBMITTERS) as pool:
        outcomes = [r for rs in pool.map(submitter, range(SUBMITTERS)) for r in rs]
    assert staff_commits[0] > 10  # staff really were committing meanwhile
    assert [status for status, _ in outcomes] == [200] * (SUBMITTERS * EACH)
    receipts = {receipt for _, receipt in outcomes}
    assert len(receipts) == SUBMITTERS * EACH
    with Session(server["engine"]) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == SUBMITTERS * EACH
        per_case = session.execute(
            select(Attachment.case_id, func.count()).group_by(Attachment.case_id)
        ).all()
        assert len(per_case) == SUBMITTERS * EACH and all(count == 1 for _, count in per_case)

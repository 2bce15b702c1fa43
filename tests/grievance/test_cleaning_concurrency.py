"""Reports with photos, sent while staff commit in a loop, are all stored whole, on SQLite and PostgreSQL.

On SQLite a transaction that read first and writes later fails at once ("database is locked") when another
writer committed in between; the intake cleans its files before any transaction and begins its write with
BEGIN IMMEDIATE (endwatch.db.begin_write), so it waits for staff instead.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from endwatch import db
from grievance.models import Attachment, Case
from tests.grievance import samples
from tests.grievance.conftest import Visitor, receipt_in
from tests.grievance.test_cleaning_canaries import server, server_kind  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.mat2, pytest.mark.slow]
SUBMITTERS, EACH = 4, 4


def test_reports_with_photos_survive_concurrent_staff_commits(server):  # noqa: F811
    url = server["settings"].database_url
    staff_engine = db.make_engine(url)
    stop = threading.Event()
    staff_commits = [0]

    def staff() -> None:
        while not stop.is_set():
            with staff_engine.begin() as connection:
                connection.execute(text("UPDATE users SET last_totp_step = last_totp_step + 1"))
                connection.execute(text("SELECT count(*) FROM cases")).scalar()
            staff_commits[0] += 1

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

    staff_threads = [threading.Thread(target=staff) for _ in range(2)]
    for thread in staff_threads:
        thread.start()
    try:
        with ThreadPoolExecutor(SUBMITTERS) as pool:
            outcomes = [r for rs in pool.map(submitter, range(SUBMITTERS)) for r in rs]
    finally:
        stop.set()
        for thread in staff_threads:
            thread.join()
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
    staff_engine.dispose()

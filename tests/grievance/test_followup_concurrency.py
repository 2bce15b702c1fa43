"""Follow-ups opened, read and answered while staff commit in a loop all succeed, on SQLite and PostgreSQL.

Opening a follow-up reads the case, then writes the visit. On SQLite such a transaction fails at once
("database is locked") when another writer committed in between, unless it took the write lock at BEGIN:
every request that may write does (endwatch.db), and the follow-up pages ask for it before touching the
visit.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grievance.models import CaseMessage, Direction
from tests.grievance.conftest import Visitor, receipt_in, staff_committing
from tests.grievance.test_cleaning_canaries import server, server_kind  # noqa: F401 - the fixtures

pytestmark = pytest.mark.slow
VISITORS, ROUNDS = 4, 5


def test_follow_ups_survive_concurrent_staff_commits(server):  # noqa: F811
    def visitor(number: int) -> list[str]:
        browser = Visitor(server["base"])
        receipt = receipt_in(browser.submit(what=f"report {number}"))
        seen = []
        for round_ in range(ROUNDS):
            browser.http.cookies.clear()  # a new visit each round: the receipt is checked, the visit written
            opened = browser.http.post(
                "/followup", data={"csrf_token": browser.token("/followup"), "receipt": receipt}
            )
            page = browser.http.get("/followup/case")
            data = {"csrf_token": browser.token("/followup/case"), "body": f"more {number}-{round_}"}
            sent = browser.http.post("/followup/case", data=data)
            seen.append(f"{opened.status_code} {page.status_code} {sent.status_code}")
        browser.close()
        return seen

    url = server["settings"].database_url
    with staff_committing(url) as staff_commits, ThreadPoolExecutor(VISITORS) as pool:
        outcomes = [status for statuses in pool.map(visitor, range(VISITORS)) for status in statuses]
    assert staff_commits[0] > 10  # staff really were committing meanwhile
    assert outcomes == ["302 200 302"] * (VISITORS * ROUNDS)
    with Session(server["engine"]) as session:
        from_submitters = CaseMessage.direction == Direction.FROM_SUBMITTER
        messages = session.scalar(select(func.count()).select_from(CaseMessage).where(from_submitters))
    assert messages == VISITORS * ROUNDS  # every message kept

"""Report budgets are per visitor (browser session), never per address or site-wide, and a visitor who
used theirs up keeps what they typed and is told how long to wait."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grievance.models import Case
from tests.grievance.conftest import submit


@pytest.fixture
def app_config(app_config):
    app_config.update(intake_limit="2 per hour")
    return app_config


ONION = "127.0.0.1"  # behind an onion service every visitor arrives from the same address


def visitor(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ONION
    return client


def test_one_visitor_is_capped_and_keeps_the_report_typed(app, reader, session):
    flooder = visitor(app)
    statuses = [submit(flooder).status_code for _ in range(2)]
    refused = submit(flooder, what="My long account of the raid, typed for an hour.", who="Unit 9")
    assert statuses == [200, 200] and refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "My long account of the raid, typed for an hour." in page and "Unit 9" in page
    assert "Please wait" in page and "minutes" in page
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 3600 and f"wait {max(1, -(-wait // 60))} minutes" in page
    assert session.scalar(select(func.count()).select_from(Case)) == 2


def test_other_visitors_from_the_same_address_are_not_blocked(app, reader, session):
    flooder = visitor(app)
    for _ in range(3):
        submit(flooder)
    assert submit(flooder).status_code == 429
    statuses = [submit(visitor(app)).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert session.scalar(select(func.count()).select_from(Case)) == 7


def test_throttled_page_is_translated(client, reader):
    for _ in range(2):
        submit(client)
    client.set_cookie("lang", "fr")
    response = submit(client)
    assert response.status_code == 429
    assert "Veuillez patienter" in response.get_data(as_text=True)


def test_too_long_text_names_the_limit_and_keeps_the_text(client, reader, session):
    from grievance.intake import MAX_TEXT

    long_text = "x" * (MAX_TEXT + 10)
    response = submit(client, what=long_text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"{MAX_TEXT:,}" in page and f"{MAX_TEXT + 10:,}" in page
    assert long_text in page  # nothing was cut
    assert session.scalar(select(func.count()).select_from(Case)) == 0

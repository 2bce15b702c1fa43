from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grievance.models import Case
from tests.grievance.conftest import submit


@pytest.fixture
def app_config(app_config):
    app_config.update(intake_limit="2 per hour", intake_site_limit="3 per hour")
    return app_config


def _from(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_one_client_is_capped(client, reader):
    statuses = [submit(_from(client, "198.51.100.7")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_site_wide_flood_cap_holds_across_clients(app, reader, session):
    statuses = [submit(_from(app.test_client(), f"198.51.100.{n}")).status_code for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    assert session.scalar(select(func.count()).select_from(Case)) == 3


def test_throttled_page_is_translated(client, reader):
    for _ in range(2):
        submit(client)
    response = submit(client, **{})
    assert response.status_code == 429
    client.set_cookie("lang", "fr")
    assert "Trop de tentatives" in submit(client).get_data(as_text=True)

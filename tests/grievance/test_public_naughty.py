"""Every string of the Big List of Naughty Strings, in every text field, is stored and read back exactly."""

from __future__ import annotations

import json

import pytest

from grievance import access
from tests import services
from tests.conftest import csrf_token
from tests.grievance.conftest import latest_case, open_followup, private_key_of, read_case, receipt_in, submit

BLNS = services.SHARED_DATA / "blns.json"


def naughty_strings() -> list[str]:
    services.require(BLNS.exists(), f"the big list of naughty strings is missing at {BLNS}")
    return json.loads(BLNS.read_text(encoding="utf-8"))


@pytest.fixture
def app_config(app_config):
    # Hundreds of reports from one client: far more than the intake's rate limits allow.
    app_config.update(intake_limit="100000 per hour")
    return app_config


def test_naughty_strings_round_trip_through_every_text_field(client, reader, session):
    key = private_key_of(reader)
    strings = naughty_strings()
    assert len(strings) > 500
    for index, text in enumerate(strings):
        what = text if text.strip() else f"blank #{index}"
        response = submit(client, what=what, who=text, contact=text)
        assert response.status_code == 200, (index, text, response.status_code)
        case = latest_case(session)
        content = read_case(session, case, reader)
        assert (content.what, content.who, content.contact) == (what, text, text), index
        access.add_reply(session, case, text if text.strip() else "-", reader.user, key)
        session.flush()
        if index % 25 == 0:
            receipt = receipt_in(response)
            followup = client.application.test_client()
            open_followup(followup, receipt)
            page = followup.get("/followup/case")
            assert page.status_code == 200


def test_naughty_strings_as_follow_up_messages(client, reader, session, submit_report):
    open_followup(client, submit_report())
    sent = []
    for text in naughty_strings():
        if not text.strip():
            continue
        token = csrf_token(client, "/followup/case")
        response = client.post("/followup/case", data={"csrf_token": token, "body": text})
        assert response.status_code == 302, (text, response.status_code)
        sent.append(text)
    bodies = [m.body for m in read_case(session, latest_case(session), reader).messages]
    assert bodies == sent
    assert client.get("/followup/case").status_code == 200

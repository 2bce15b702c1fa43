"""The update-entitlement API: signed, short-lived answers that devices verify with the public key alone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from contracts import entitlements, safeguards
from contracts.models import DeploymentToken
from endwatch import crypto
from endwatch.db import utcnow


def published_keys(client) -> dict[str, bytes]:
    response = client.get("/api/v1/signing-key")
    assert response.status_code == 200
    return {k["key_id"]: crypto.decode_key(k["public_key"]) for k in response.get_json()["keys"]}


def check(client, token: str, version: str = "5.4", **params):
    query = {"version": version, **params}
    return client.get(
        "/api/v1/entitlements", query_string=query, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def token(session, world) -> str:
    return entitlements.issue_token(session, world.ru, actor="test")


def test_answer_verifies_with_the_published_public_key_alone(client, session, token):
    response = check(client, token, "5.4", nonce="n-123")
    assert response.status_code == 200
    document = response.get_json()
    payload = entitlements.verify_answer(document, published_keys(client), utcnow())
    assert payload["deployment"] == "DEP-RU"
    assert payload["version"] == "5.4"
    assert payload["may_install"] is True and payload["service_active"] is True
    assert payload["nonce"] == "n-123"
    assert payload["key_id"] == document["key_id"]
    issued = entitlements._parse_time(payload["issued_at"])
    expires = entitlements._parse_time(payload["expires_at"])
    assert timedelta(minutes=1) <= expires - issued <= timedelta(minutes=10)


def test_a_tampered_answer_is_rejected(client, token, world, session):
    safeguards_free = check(client, token).get_json()
    payload = json.loads(safeguards_free["payload"])
    payload["deployment"] = "DEP-OTHER"
    forged = {**safeguards_free, "payload": json.dumps(payload, separators=(",", ":"), sort_keys=True)}
    with pytest.raises(entitlements.AnswerInvalid, match="signature"):
        entitlements.verify_answer(forged, published_keys(client), utcnow())
    wrong_key = {**safeguards_free, "key_id": "0000000000000000"}
    with pytest.raises(entitlements.AnswerInvalid):
        entitlements.verify_answer(wrong_key, published_keys(client), utcnow())


def test_an_expired_answer_is_rejected(client, token):
    document = check(client, token).get_json()
    keys = published_keys(client)
    entitlements.verify_answer(document, keys, utcnow() + timedelta(minutes=4))
    with pytest.raises(entitlements.AnswerInvalid, match="expired"):
        entitlements.verify_answer(document, keys, utcnow() + timedelta(minutes=6))


def test_decision_flips_the_moment_an_action_is_approved(client, session, token, world, make_member):
    proposer, approver = make_member("triager"), make_member("admin")
    keys = published_keys(client)
    action = safeguards.propose_action(
        session, world.ru.id, "deny_updates", "Reports of use against journalists", ["alert:3"], proposer.user
    )
    session.flush()
    before = entitlements.verify_answer(check(client, token).get_json(), keys, utcnow())
    assert before["may_install"] is True  # a proposal alone changes nothing
    safeguards.approve_action(session, action.id, approver.user)
    session.flush()
    after = entitlements.verify_answer(check(client, token).get_json(), keys, utcnow())
    assert after["may_install"] is False
    assert after["service_active"] is True
    assert "updates denied" in after["reasons"]

    suspend = safeguards.propose_action(
        session, world.ru.id, "suspend", "Refused audit", ["case:9"], proposer.user
    )
    safeguards.approve_action(session, suspend.id, approver.user)
    session.flush()
    suspended = entitlements.verify_answer(check(client, token).get_json(), keys, utcnow())
    assert suspended["service_active"] is False


def test_versions_beyond_the_licence_are_refused(client, token):
    payload = json.loads(check(client, token, "6.0").get_json()["payload"])
    assert payload["may_install"] is False
    assert payload["reasons"] == ["licence covers versions up to 5.9"]


def test_unknown_or_missing_tokens_are_refused(client, token):
    assert check(client, "ewd_not-a-real-token").status_code == 401
    response = client.get("/api/v1/entitlements?version=1.0")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_missing_or_odd_version_is_a_bad_request(client, token):
    assert check(client, token, "").status_code == 400
    assert check(client, token, "1.0; drop table").status_code == 400


def test_token_is_shown_once_stored_hashed_and_replaces_the_old_one(cli, client, session, world):
    first = cli("deployments", "token", "DEP-RU")
    assert first.exit_code == 0, first.output
    old = first.output.strip().splitlines()[-1]
    new = cli("deployments", "token", "DEP-RU").output.strip().splitlines()[-1]
    stored = session.scalars(
        select(DeploymentToken).where(DeploymentToken.deployment_id == world.ru.id)
    ).all()
    assert {t.token_hash for t in stored} == {
        crypto.sha256_hex(old.encode()),
        crypto.sha256_hex(new.encode()),
    }
    assert all(old not in t.token_hash and new not in t.token_hash for t in stored)
    assert check(client, old).status_code == 401
    assert check(client, new).status_code == 200
    assert cli("deployments", "token", "NO-SUCH").output.strip() == "Error: no deployment 'NO-SUCH'"


def test_rotating_the_key_keeps_the_old_public_key_published(cli, client, token, app):
    first = check(client, token).get_json()
    result = cli("deployments", "rotate-key")
    assert result.exit_code == 0, result.output
    second = check(client, token).get_json()
    assert second["key_id"] != first["key_id"]
    keys = published_keys(client)
    assert {first["key_id"], second["key_id"]} <= set(keys)
    entitlements.verify_answer(first, keys, utcnow())
    entitlements.verify_answer(second, keys, utcnow())
    document = client.get("/api/v1/signing-key").get_json()
    retired = {k["key_id"]: k["retired_at"] for k in document["keys"]}
    assert retired[first["key_id"]] is not None and retired[second["key_id"]] is None


def test_private_signing_key_file_is_private(client, token, app):
    check(client, token)
    path = entitlements.key_path(app.config["ENDWATCH"])
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def app_config(app_config):
    app_config["entitlement_limit"] = "5 per minute"
    return app_config


def test_checks_are_rate_limited_per_token(client, session, token, world):
    other = entitlements.issue_token(session, world.gb, actor="test")
    assert [check(client, token).status_code for _ in range(6)] == [200] * 5 + [429]
    assert check(client, other).status_code == 200


def test_failed_checks_are_limited_per_client(client, token):
    statuses = [check(client, f"ewd_guess-{i}").status_code for i in range(31)]
    assert statuses == [401] * 30 + [429]

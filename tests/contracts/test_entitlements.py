"""The update-entitlement API: JWS answers (EdDSA) that an independent JOSE library verifies offline with
the published JWKS, and that cannot be forged with a retired key, replayed to another request, or asked
for a version that is not one."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from contracts import entitlement_keys, entitlements, safeguards
from contracts.models import DeploymentToken
from endwatch import crypto
from endwatch.db import utcnow

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ENTITLEMENTS.md"


def jwks(client) -> dict:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response.get_json()


def check(client, token: str, version: str = "5.4", nonce: str | None = None):
    query = {"version": version, "nonce": nonce or secrets.token_urlsafe(16)}
    return client.get(
        "/api/v1/entitlements", query_string=query, headers={"Authorization": f"Bearer {token}"}
    )


def answer_of(client, token: str, version: str = "5.4") -> tuple[str, str]:
    nonce = secrets.token_urlsafe(16)
    response = check(client, token, version, nonce)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/jwt"
    return response.get_data(as_text=True), nonce


def independent_verify(answer: str, keys: dict) -> dict:
    """PyJWT, not the library the server signs with (jwcrypto), checks the signature and the expiry."""
    kid = jwt.get_unverified_header(answer)["kid"]
    key = jwt.PyJWK(next(k for k in keys["keys"] if k["kid"] == kid)).key
    return jwt.decode(answer, key, algorithms=["EdDSA"], options={"require": ["iat", "exp"]})


def verify(answer: str, keys: dict, nonce: str, deployment: str = "DEP-RU", version: str = "5.4", now=None):
    return entitlements.verify_answer(
        answer, keys, now or utcnow(), deployment=deployment, version=version, nonce=nonce
    )


@pytest.fixture
def token(session, world) -> str:
    return entitlements.issue_token(session, world.ru, actor="test")


def test_an_independent_jose_library_verifies_the_answer_with_the_published_jwks(client, token):
    answer, nonce = answer_of(client, token)
    header = jwt.get_unverified_header(answer)
    assert header["alg"] == "EdDSA" and header["typ"] == "entitlement+jwt"
    claims = independent_verify(answer, jwks(client))
    assert claims["deployment"] == "DEP-RU" and claims["version"] == "5.4" and claims["nonce"] == nonce
    assert claims["may_install"] is True and claims["service_active"] is True and claims["reasons"] == []
    assert claims["key_id"] == header["kid"]
    assert {"v", "issued_at", "expires_at"} <= set(claims)
    assert timedelta(minutes=1) <= timedelta(seconds=claims["exp"] - claims["iat"]) <= timedelta(minutes=10)
    assert verify(answer, jwks(client), nonce)["may_install"] is True
    # The earlier address of the keys keeps working and serves the same key set.
    assert client.get("/api/v1/signing-key").get_json() == jwks(client)


def test_the_device_side_example_in_the_docs_works(client, token, world):
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - the documented example itself
    answer, nonce = answer_of(client, token)
    keys = jwks(client)
    assert namespace["check_answer"](answer, keys, deployment="DEP-RU", version="5.4", nonce=nonce) is True
    for wrong in ({"nonce": "another-nonce-123456"}, {"deployment": "DEP-GB"}, {"version": "5.5"}):
        asked = {"deployment": "DEP-RU", "version": "5.4", "nonce": nonce, **wrong}
        with pytest.raises(Exception, match="not the answer to this request"):
            namespace["check_answer"](answer, keys, **asked)


def test_a_tampered_or_algorithm_swapped_answer_is_refused(client, token):
    answer, nonce = answer_of(client, token)
    keys = jwks(client)
    header, payload, signature = answer.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["may_install"], claims["deployment"] = True, "DEP-RU"
    forged_payload = jwt.utils.base64url_encode(json.dumps(claims).replace('"v"', '"v" ').encode()).decode()
    with pytest.raises(entitlements.AnswerInvalid):
        verify(f"{header}.{forged_payload}.{signature}", keys, nonce)
    public = next(k for k in keys["keys"] if k["kid"] == claims["key_id"])
    hmac_forgery = jwt.encode(
        claims, public["x"].encode(), algorithm="HS256", headers={"kid": claims["key_id"]}
    )
    none_header = jwt.utils.base64url_encode(b'{"alg":"none"}').decode()
    unsigned = f"{none_header}.{payload}."
    for forged in (hmac_forgery, unsigned, "not.a.jws", ""):
        with pytest.raises(entitlements.AnswerInvalid):
            verify(forged, keys, nonce)


def test_an_answer_is_refused_for_another_request(client, session, world, token):
    """Replaying an answer: to another request (nonce), another deployment's device, another version."""
    answer, nonce = answer_of(client, token)
    keys = jwks(client)
    verify(answer, keys, nonce)
    with pytest.raises(entitlements.AnswerInvalid, match="another nonce"):
        verify(answer, keys, secrets.token_urlsafe(16))
    with pytest.raises(entitlements.AnswerInvalid, match="another deployment"):
        verify(answer, keys, nonce, deployment="DEP-GB")
    with pytest.raises(entitlements.AnswerInvalid, match="another version"):
        verify(answer, keys, nonce, version="5.9")


def test_an_answer_forged_with_a_retired_key_after_its_retirement_is_refused(cli, client, token, app):
    old_answer, old_nonce = answer_of(client, token)
    # The attacker kept a copy of the old private key (that is why it is rotated).
    old_private_text, _ = entitlement_keys.key_path(app.config["ENDWATCH"]).read_text().split()
    old_kid = jwt.get_unverified_header(old_answer)["kid"]
    assert cli("deployments", "rotate-key").exit_code == 0
    keys = jwks(client)
    retired = next(k for k in keys["keys"] if k["kid"] == old_kid)
    assert retired["retired_at"] is not None
    verify(old_answer, keys, old_nonce)  # signed before the retirement: still good while it lasts

    stolen = Ed25519PrivateKey.from_private_bytes(crypto.decode_key(old_private_text))
    now = int(utcnow().timestamp()) + 2
    claims = {**independent_verify(old_answer, keys), "may_install": True, "nonce": "device-nonce-0123456"}
    dated_after = {**claims, "iat": now, "exp": now + 300}
    forged = jwt.encode(dated_after, stolen, algorithm="EdDSA", headers={"kid": old_kid})
    with pytest.raises(entitlements.AnswerInvalid, match="after its key was retired"):
        verify(forged, keys, "device-nonce-0123456", now=utcnow() + timedelta(seconds=3))
    backdated = {**claims, "iat": now - 3600, "exp": now + 3600}
    forged = jwt.encode(backdated, stolen, algorithm="EdDSA", headers={"kid": old_kid})
    with pytest.raises(entitlements.AnswerInvalid, match="longer than the server ever answers"):
        verify(forged, keys, "device-nonce-0123456")
    new_answer, new_nonce = answer_of(client, token)
    assert jwt.get_unverified_header(new_answer)["kid"] != old_kid
    verify(new_answer, keys, new_nonce)


@pytest.mark.parametrize("version", ["latest", "nightly-build", "v", "5.x", "1.0; drop table", ""])
def test_a_version_that_is_not_a_version_number_is_refused(client, token, world, session, version):
    assert check(client, token, version).status_code == 400
    facts = entitlements.facts_for_token(session, token)
    assert not entitlements.decide(facts, version, utcnow().date()).may_install


def test_versions_beyond_the_licence_are_refused(client, token):
    answer, nonce = answer_of(client, token, "6.0")
    claims = verify(answer, jwks(client), nonce, version="6.0")
    assert claims["may_install"] is False
    assert claims["reasons"] == ["licence covers versions up to 5.9"]
    for version, allowed in (("5.9.0rc1", True), ("5.10", False), ("5.9+build.7", True)):
        answer, nonce = answer_of(client, token, version)
        assert verify(answer, jwks(client), nonce, version=version)["may_install"] is allowed, version


def test_a_request_without_a_fresh_nonce_is_refused(client, token):
    response = client.get("/api/v1/entitlements?version=5.4", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and "nonce" in response.get_json()["error"]
    assert check(client, token, nonce="short").status_code == 400


def test_an_expired_answer_is_refused(client, token):
    answer, nonce = answer_of(client, token)
    keys = jwks(client)
    verify(answer, keys, nonce, now=utcnow() + timedelta(minutes=4))
    with pytest.raises(entitlements.AnswerInvalid, match="expired"):
        verify(answer, keys, nonce, now=utcnow() + timedelta(minutes=6))


def test_decision_flips_the_moment_an_action_is_approved(client, session, token, world, make_member):
    proposer, approver = make_member("triager"), make_member("admin")
    action = safeguards.propose_action(
        session, world.ru.id, "deny_updates", "Reports of use against journalists", ["alert:3"], proposer.user
    )
    session.flush()
    assert independent_verify(answer_of(client, token)[0], jwks(client))["may_install"] is True
    safeguards.approve_action(session, action.id, approver.user)
    session.flush()
    after = independent_verify(answer_of(client, token)[0], jwks(client))
    assert after["may_install"] is False and after["service_active"] is True
    assert "updates denied" in after["reasons"]


def test_unknown_or_missing_tokens_are_refused(client, token):
    assert check(client, "ewd_not-a-real-token").status_code == 401
    response = client.get("/api/v1/entitlements?version=1.0&nonce=abcdefghijklmnop")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


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
    assert check(client, old).status_code == 401
    assert check(client, new).status_code == 200
    assert cli("deployments", "token", "NO-SUCH").output.strip() == "Error: no deployment 'NO-SUCH'"


def test_private_signing_key_file_is_private(client, token, app):
    check(client, token)
    path = entitlement_keys.key_path(app.config["ENDWATCH"])
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

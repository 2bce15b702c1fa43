"""Staff sessions and keys attacked with a copied server: database, keys/secret_key, old passwords."""

from __future__ import annotations

import json
import re

import pyotp
import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from endwatch import accounts, crypto
from endwatch.case_crypto import unseal_data_key, user_holder
from endwatch.models import AuditRecord, StaffSession, User
from grievance import access
from grievance.models import CaseKey
from tests.conftest import PASSWORD, csrf_token, login
from tests.grievance.triage.fixtures import new_case, recovery  # noqa: F401

NEW_PASSWORD = "a much longer new password"  # noqa: S105


def forged_cookie(secret_key: str, contents: dict) -> str:
    """A Flask session cookie signed with the server's secret key, as anyone holding keys/secret_key can."""
    forger = Flask("forger")
    forger.secret_key = secret_key
    return forger.session_interface.get_signing_serializer(forger).dumps(contents)  # type: ignore[union-attr]


def test_a_cookie_forged_from_a_database_copy_and_the_secret_key_opens_nothing(
    app, client, logged_in, session, home
):
    victim = logged_in("admin")
    secret_key = (home / "keys" / "secret_key").read_text().strip()
    # The attacker's copy: the session row (its id in clear) and the signing secret.
    session_id = session.scalars(select(StaffSession.id).where(StaffSession.user_id == victim.user.id)).one()
    raw_csrf = "f" * 40
    form_token = URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw_csrf)
    attacker = app.test_client()
    for guess in ({}, {"k": crypto.encode_key(crypto.new_key())}, {"k": "not-a-key"}):
        cookie = forged_cookie(secret_key, {"sid": session_id, "csrf_token": raw_csrf, **guess})
        attacker.set_cookie("endwatch", cookie)
        assert attacker.get("/staff/").status_code == 302
        attacker.set_cookie("endwatch", cookie)
        assert attacker.get("/staff/users").headers["Location"].startswith("/staff/login")
        attacker.set_cookie("endwatch", cookie)
        created = attacker.post(
            "/staff/users", data={"csrf_token": form_token, "email": "mole@evil.example", "role": "admin"}
        )
        # Refused: sent to the login page (a form post comes back as the login form carrying its fields).
        if created.status_code == 401:
            assert 'name="password"' in created.get_data(as_text=True)
        else:
            assert created.status_code == 302 and "/staff/login" in created.headers["Location"]
    assert accounts.find_user(session, "mole@evil.example") is None
    # The same forgery holding the key half from the member's own cookie does open the session: the key
    # half, which lives only in that cookie, is what the server checks.
    real = URLSafeTimedSerializer(secret_key, salt="cookie-session", signer_kwargs={"key_derivation": "hmac"})
    real_key = real.loads(client.get_cookie("endwatch").value)["k"]
    attacker.set_cookie("endwatch", forged_cookie(secret_key, {"sid": session_id, "k": real_key}))
    assert attacker.get("/staff/").status_code == 200


def change_password(client, new: str = NEW_PASSWORD):
    token = csrf_token(client, "/staff/password")
    return client.post(
        "/staff/password", data={"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new}
    )


def test_an_old_database_copy_and_the_old_password_open_no_case_after_a_password_change(
    app,
    client,
    logged_in,
    session,
    new_case,  # noqa: F811
):
    member = logged_in("triager")
    before = new_case()
    elsewhere = app.test_client()
    assert login(elsewhere, member, session).status_code == 302
    old_copy = {"key_wrap": member.user.key_wrap, "vault": member.user.vault}  # the attacker's old copy

    assert change_password(client).status_code == 302
    session.expire_all()
    after = new_case()

    old_account_key = crypto.unwrap_with_passphrase(old_copy["key_wrap"], PASSWORD)
    old_vault = json.loads(crypto.decrypt(old_account_key, old_copy["vault"], accounts.VAULT_AAD))
    old_private = crypto.decode_key(old_vault["private_key"])
    sealed_after = session.scalars(
        select(CaseKey).where(CaseKey.case_id == after.id, CaseKey.holder == user_holder(member.user.id))
    ).one()
    with pytest.raises(crypto.DecryptionError):
        unseal_data_key(sealed_after.sealed_key, after.reference, old_private)
    # The member, with the new password, still reads both cases (their copies were sealed again).
    user = session.get(User, member.user.id)
    new_private = accounts.open_vault(
        user, crypto.unwrap_with_passphrase(user.key_wrap, NEW_PASSWORD)
    ).private_key
    for case in (before, after):
        assert access.unlock(session, case, new_private)
    # Every other session of the member has ended; this one goes on.
    assert elsewhere.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200
    record = session.scalars(select(AuditRecord).where(AuditRecord.action == "user.password_changed")).one()
    assert '"sessions_ended": 1' in record.details


def test_an_admin_reset_forces_new_password_and_authenticator_and_hands_over_no_key(
    app,
    client,
    logged_in,
    make_member,
    session,
    new_case,  # noqa: F811
):
    member = make_member("triager")
    case = new_case()
    holder = make_member("triager")  # holds the case key too, to grant it again later
    access.grant_access(
        session,
        case,
        accounts.open_vault(
            member.user, crypto.unwrap_with_passphrase(member.user.key_wrap, PASSWORD)
        ).private_key,
        holder.user,
    )
    member_browser = app.test_client()
    assert login(member_browser, member, session).status_code == 302
    admin = logged_in("admin")

    token = csrf_token(client, "/staff/users")
    page = client.post(f"/staff/users/{member.user.id}/reset", data={"csrf_token": token})
    assert page.status_code == 200
    one_time = re.search(r'id="one-time-password">([^<]+)<', page.get_data(as_text=True)).group(1)

    session.expire_all()
    user = session.get(User, member.user.id)
    assert user.must_change_password and not user.totp_enrolled and user.reset_by_id == admin.user.id
    assert member_browser.get("/staff/").status_code == 302  # the member's sessions ended
    # What the admin can open with the one-time password: a fresh key pair that holds no case key.
    assert session.scalars(select(CaseKey).where(CaseKey.holder == user_holder(user.id))).all() == []
    fresh = accounts.open_vault(user, crypto.unwrap_with_passphrase(user.key_wrap, one_time))
    assert fresh.totp_secret is None
    with pytest.raises(Exception, match="hold no key"):
        access.unlock(session, case, fresh.private_key)
    # The old password no longer logs in; the one-time password leads to the set-up, not to the pages.
    assert login(app.test_client(), member, session).status_code == 401
    fresh_browser = app.test_client()
    token = csrf_token(fresh_browser, "/staff/login")
    response = fresh_browser.post(
        "/staff/login", data={"csrf_token": token, "email": user.email, "password": one_time, "code": ""}
    )
    assert response.headers["Location"].endswith("/staff/setup")
    assert fresh_browser.get("/staff/").headers["Location"].endswith("/staff/setup")
    # A member who holds the case grants it again, as for any newcomer.
    holder_private = accounts.open_vault(
        holder.user, crypto.unwrap_with_passphrase(holder.user.key_wrap, PASSWORD)
    ).private_key
    access.grant_access(session, case, holder_private, user)
    assert access.unlock(session, case, fresh.private_key)
    actions = session.scalars(select(AuditRecord.action).where(AuditRecord.target == f"user:{user.id}")).all()
    assert {"user.reset", "case.revoke_all"} <= set(actions)


def test_an_admin_cannot_reset_their_own_account(client, logged_in, session):
    admin = logged_in("admin")
    token = csrf_token(client, "/staff/users")
    response = client.post(f"/staff/users/{admin.user.id}/reset", data={"csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    assert not session.get(User, admin.user.id).must_change_password


def test_a_reset_member_completes_set_up_again(app, client, logged_in, make_member, session):
    member = make_member("auditor")
    logged_in("admin")
    token = csrf_token(client, "/staff/users")
    page = client.post(f"/staff/users/{member.user.id}/reset", data={"csrf_token": token})
    one_time = re.search(r'id="one-time-password">([^<]+)<', page.get_data(as_text=True)).group(1)
    browser = app.test_client()
    token = csrf_token(browser, "/staff/login")
    email = member.user.email
    browser.post("/staff/login", data={"csrf_token": token, "email": email, "password": one_time})
    token = csrf_token(browser, "/staff/setup")
    data = {"csrf_token": token, "current": one_time, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert browser.post("/staff/setup", data=data).status_code == 302
    page = browser.get("/staff/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    token = csrf_token(browser, "/staff/setup")
    done = browser.post("/staff/setup", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and browser.get("/staff/").status_code == 200

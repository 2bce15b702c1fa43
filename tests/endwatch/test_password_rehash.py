"""Staff passwords follow the configured Argon2 cost: logging in with one set at another cost rehashes it."""

from __future__ import annotations

import pytest

from endwatch import accounts, crypto
from endwatch.crypto import KdfParams
from tests.conftest import PASSWORD, login

TODAY = KdfParams(time_cost=2, memory_kib=512)


@pytest.fixture
def app_config(app_config):
    # make_member sets passwords at (1, 256); the platform now asks for more.
    app_config.update(argon2_time_cost=TODAY.time_cost, argon2_memory_kib=TODAY.memory_kib)
    return app_config


def test_login_rehashes_a_password_set_at_an_older_cost(client, make_member, session):
    member = make_member("triager")
    old_hash, old_wrap = member.user.password_hash, member.user.key_wrap
    assert crypto.password_needs_rehash(old_hash, TODAY)
    vault_before = accounts.open_vault(member.user, crypto.unwrap_with_passphrase(old_wrap, PASSWORD))

    assert login(client, member, session).status_code == 302
    session.refresh(member.user)

    assert "m=512,t=2" in member.user.password_hash and member.user.password_hash != old_hash
    assert not crypto.password_needs_rehash(member.user.password_hash, TODAY)
    assert crypto.wrapped_with(member.user.key_wrap, TODAY) and not crypto.wrapped_with(old_wrap, TODAY)
    account_key = crypto.unwrap_with_passphrase(member.user.key_wrap, PASSWORD)
    assert accounts.open_vault(member.user, account_key) == vault_before

    rehashed = member.user.password_hash
    assert login(client.application.test_client(), member, session).status_code == 302
    session.refresh(member.user)
    assert member.user.password_hash == rehashed  # at today's cost already: left alone


def test_a_wrong_password_rehashes_nothing(client, make_member, session):
    member = make_member("triager")
    old_hash = member.user.password_hash
    member.password = "not the password at all"
    assert login(client, member, session).status_code == 401
    session.refresh(member.user)
    assert member.user.password_hash == old_hash

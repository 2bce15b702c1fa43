"""A stopwatch on the login form: an unknown account, a wrong password and a right password with a wrong
code must cost the server the same work.

Measured in CPU time of the thread serving the request (the test client runs the view in this thread),
interleaved and compared by medians, so that other processes on a loaded machine do not blur it; the
wall-clock figures are scripts/bench_login's.
"""

from __future__ import annotations

import statistics
import time

import pyotp
import pytest

from endwatch import accounts
from endwatch.crypto import KdfParams
from tests.conftest import PASSWORD, csrf_token

# Enough Argon2 work per check (a few milliseconds) to stand well above the rest of a request.
PARAMS = KdfParams(time_cost=2, memory_kib=8192)
ROUNDS = 15


@pytest.fixture
def app_config(app_config):
    app_config.update(
        argon2_time_cost=PARAMS.time_cost,
        argon2_memory_kib=PARAMS.memory_kib,
        login_limit="1000 per minute",
        login_client_limit="1000 per minute",
    )
    return app_config


def test_wrong_password_wrong_code_and_unknown_account_cost_the_same(client, session):
    secret = pyotp.random_base32()
    user, _ = accounts.create_user(
        session, "timed@staff.example", "triager", PARAMS, password=PASSWORD, totp_secret=secret
    )
    session.flush()
    attempts = {
        "unknown account": ("nobody@staff.example", PASSWORD),
        "wrong password": (user.email, "not the password, but long"),
        "right password, wrong code": (user.email, PASSWORD),
    }
    token = csrf_token(client, "/staff/login")
    timings: dict[str, list[float]] = {name: [] for name in attempts}
    for _ in range(ROUNDS):
        for name, (email, password) in attempts.items():
            form = {"csrf_token": token, "email": email, "password": password, "code": "000000"}
            started = time.thread_time()
            response = client.post("/staff/login", data=form)
            timings[name].append(time.thread_time() - started)
            assert response.status_code == 401
    medians = {name: statistics.median(values) for name, values in timings.items()}
    ratio = max(medians.values()) / min(medians.values())
    assert ratio < 1.35, {name: f"{value * 1000:.1f} ms" for name, value in medians.items()}

from __future__ import annotations

import pytest

from tests.conftest import login


def _assert_strict(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # no script at all, inline or not
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/staff/login", "/no-such-page"])
def test_public_and_login_pages_carry_strict_headers(client, path):
    _assert_strict(client.get(path))


def test_authenticated_pages_carry_strict_headers(client, make_member, session):
    login(client, make_member("admin"), session)
    for path in ("/staff/", "/staff/users", "/staff/audit"):
        response = client.get(path)
        assert response.status_code == 200
        _assert_strict(response)


def test_staff_pages_load_nothing_from_elsewhere(client, make_member, session):
    login(client, make_member("admin"), session)
    for path in ("/staff/login", "/staff/", "/staff/users", "/staff/audit"):
        page = client.get(path).get_data(as_text=True)
        assert "<script" not in page
        assert "http://" not in page and "https://" not in page
        assert " style=" not in page


def test_session_cookie_is_http_only_and_same_site(client, make_member, session):
    response = login(client, make_member("auditor"), session)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie

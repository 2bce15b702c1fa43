"""Walk every registered staff route as every role: the role x route matrix."""

from __future__ import annotations

import re

import pytest

from endwatch.models import Role
from tests.conftest import login

SAMPLE_ARGUMENTS = {
    "integer": 1,
    "float": 1.0,
    "unicode": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff"):
            yield rule


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__.lower().replace("converter", "")
        values[name] = SAMPLE_ARGUMENTS.get(converter, "x")
    return rule.build(values, append_unknown=False)[1]


def test_every_staff_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule in staff_routes(app)
        if not hasattr(app.view_functions[rule.endpoint], "endwatch_roles")
    ]
    assert undeclared == []


def test_only_login_logout_and_setup_are_open_before_login(app):
    open_routes = sorted(
        rule.endpoint
        for rule in staff_routes(app)
        if app.view_functions[rule.endpoint].endwatch_roles is None
    )
    assert open_routes == ["staff.login", "staff.logout", "staff.setup"]


def test_auditors_can_never_change_anything(app):
    writable = [
        rule.rule
        for rule in staff_routes(app)
        if app.view_functions[rule.endpoint].endwatch_roles
        and Role.AUDITOR in app.view_functions[rule.endpoint].endwatch_roles
        and "POST" in rule.methods
        and not getattr(app.view_functions[rule.endpoint], "endwatch_self_service", False)
    ]
    assert writable == []


def test_anonymous_visitors_are_sent_to_login(app):
    client = app.test_client()
    for rule in staff_routes(app):
        if app.view_functions[rule.endpoint].endwatch_roles is None:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(_url(rule), method=method)
            assert response.status_code in (302, 400, 401), (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert "/staff/login" in response.headers["Location"], rule.rule
            if response.status_code == 401:  # a POST: the login page, carrying what was sent
                assert 'action="/staff/login"' in response.get_data(as_text=True), rule.rule


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_role_matrix(app, make_member, session, role):
    client = app.test_client()
    member = make_member(role)
    assert login(client, member, session).status_code == 302
    page = client.get("/staff/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    checked = 0
    for rule in staff_routes(app):
        allowed = app.view_functions[rule.endpoint].endwatch_roles
        if allowed is None:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(_url(rule), method=method, data=data)
            if Role(role) in allowed:
                assert response.status_code != 403, (role, method, rule.rule)
                assert response.status_code < 500, (role, method, rule.rule)
            else:
                assert response.status_code == 403, (role, method, rule.rule, response.status_code)
            checked += 1
    assert checked >= 5

"""The configuration is one typed object: no back door for untyped values, limits derived from each other."""

from __future__ import annotations

import pytest

from endwatch.config import ConfigError, load_config


def test_an_unknown_override_is_refused_like_an_unknown_variable(tmp_path):
    with pytest.raises(ConfigError, match="'ratelimit_enabled' is not a known setting"):
        load_config(environ={}, overrides={"home": str(tmp_path), "ratelimit_enabled": False})


def test_the_request_size_cap_follows_the_upload_limits(tmp_path):
    small = load_config(environ={"ENDWATCH_SUBMISSION_MAX_MB": "2"}, default_home=str(tmp_path))
    large = load_config(environ={"ENDWATCH_SUBMISSION_MAX_MB": "40"}, default_home=str(tmp_path))
    assert small.max_request_bytes == 5 * 1024 * 1024
    assert large.max_request_bytes == 81 * 1024 * 1024


@pytest.fixture
def app_config(app_config):
    app_config.update(attachment_max_mb=1, submission_max_mb=1)
    return app_config


def test_a_request_past_the_cap_is_answered_too_large(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == app.config["ENDWATCH"].max_request_bytes
    body = b"x" * (app.config["ENDWATCH"].max_request_bytes + 1)
    response = client.post("/report", data=body, content_type="application/octet-stream")
    assert response.status_code == 413

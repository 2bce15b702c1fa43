"""Monitoring tests fetch from servers on loopback, which production refuses: allow it here only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from monitoring import fetch


@pytest.fixture(autouse=True)
def loopback_feeds_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "DEFAULT_LIMITS", replace(fetch.DEFAULT_LIMITS, allow_private_addresses=True))


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "feed_allow_private_networks": True}

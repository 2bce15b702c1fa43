"""Screening tests fetch lists from servers on loopback, which production refuses: allow it here only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.screening.support import ListServer


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "feed_allow_private_networks": True}


@pytest.fixture
def list_server() -> Iterator[ListServer]:
    with ListServer().running() as server:
        yield server

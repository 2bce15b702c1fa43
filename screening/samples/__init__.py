"""A sample restricted-party list shipped with the package for `endwatch init --demo`: every party in it is
fictional. One of them is the supplier of a demo customer, so the first screening finds a hit."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

DEMO_LIST_NAME = "Demo restricted-party list (fictional)"
DEMO_LIST_FILE = "demo-restricted-parties.ftm.json"


def demo_list_path() -> Path:
    with as_file(files(__name__) / DEMO_LIST_FILE) as path:
        return Path(path)

"""A non-editable install (a built wheel) must carry templates, static files, translations and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

SERVE_LOGIN_PAGE = """
import sys, endwatch
from endwatch import keyring, db, migrate
from endwatch.config import load_config
from endwatch.app import create_app
assert endwatch.__file__.startswith(sys.argv[1]), endwatch.__file__
settings = load_config(environ={"ENDWATCH_HOME": sys.argv[2]})
keyring.ensure_home(settings); keyring.ensure_file_secrets(settings)
app = create_app(environ={"ENDWATCH_HOME": sys.argv[2]})
migrate.upgrade(db.get_database(app).engine)
response = app.test_client().get("/staff/login")
assert response.status_code == 200, response.status_code
assert b"Staff login" in response.data
assert app.test_client().get("/static/style.css").status_code == 200
print("served")
"""


def test_a_built_wheel_serves_the_login_page(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("endwatch-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "endwatch/templates/base.html" in names
    assert "endwatch/static/style.css" in names
    assert any(name.startswith("endwatch/migrations/versions/0001") for name in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-c", SERVE_LOGIN_PAGE, str(target), str(tmp_path / "home")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip().endswith("served"), result.stderr[-3000:]

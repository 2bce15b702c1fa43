"""The command line as other tools see it: real processes, exit codes, one clear line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from endwatch.models import User
from tests.conftest import endwatch_env, run_endwatch

pytestmark = pytest.mark.slow


@pytest.fixture
def initialised(tmp_path, fresh_database_url):
    env = endwatch_env(tmp_path / "home", fresh_database_url)
    result = run_endwatch(env, "init")
    assert result.returncode == 0, result.stderr
    return env


def _user_count(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def test_init_shows_the_recovery_key_once_and_a_second_run_changes_nothing(initialised):
    again = run_endwatch(initialised, "init")
    assert again.returncode == 0
    assert "RECOVERY KEY" not in again.stdout
    keys = sorted(os.listdir(os.path.join(initialised["ENDWATCH_HOME"], "keys")))
    assert {"receipt_pepper", "secret_key", "audit_checkpoint"} <= set(keys)
    mode = os.stat(os.path.join(initialised["ENDWATCH_HOME"], "keys", "secret_key")).st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_users_create_prints_a_one_time_password(initialised):
    result = run_endwatch(initialised, "users", "create", "ana@staff.example", "--role", "triager")
    assert result.returncode == 0, result.stderr
    assert "One-time password:" in result.stdout
    listed = run_endwatch(initialised, "users", "list")
    assert "ana@staff.example\ttriager\tactive" in listed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("users", "create", "x@staff.example", "--role", "overlord"), "unknown role 'overlord'"),
        (("users", "create", "not-an-address", "--role", "admin"), "is not an e-mail address"),
    ],
)
def test_bad_user_input_gives_one_line_and_changes_nothing(initialised, args, message):
    before = run_endwatch(initialised, "users", "list").stdout
    result = run_endwatch(initialised, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run_endwatch(initialised, "users", "list").stdout == before


def test_duplicate_email_is_refused(initialised):
    assert (
        run_endwatch(initialised, "users", "create", "dup@staff.example", "--role", "admin").returncode == 0
    )
    result = run_endwatch(initialised, "users", "create", "DUP@staff.example", "--role", "auditor")
    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert run_endwatch(initialised, "users", "list").stdout.count("dup@staff.example") == 1


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ENDWATCH_DATABASE_URL", "not a url", "ENDWATCH_DATABASE_URL is not a database URL"),
        (
            "ENDWATCH_DATABASE_URL",
            "mysql://db/x",
            "ENDWATCH_DATABASE_URL must be a sqlite:// or postgresql://",
        ),
        ("ENDWATCH_SESSION_IDLE_MINUTES", "soon", "ENDWATCH_SESSION_IDLE_MINUTES must be a whole number"),
        ("ENDWATCH_RATELIMIT_STORAGE_URI", "mongodb://x", "ENDWATCH_RATELIMIT_STORAGE_URI must be memory://"),
        ("ENDWATCH_LOGIN_LIMIT", "lots", "ENDWATCH_LOGIN_LIMIT is not a rate limit"),
        ("ENDWATCH_SMTP_PORT", "-1", "ENDWATCH_SMTP_PORT must be greater than zero"),
        ("ENDWATCH_COLOUR", "blue", "ENDWATCH_COLOUR is not a known setting"),
        ("ENDWATCH_TEST_DB", "sqlite", "ENDWATCH_TEST_DB is not a known setting"),
    ],
)
def test_malformed_setting_stops_with_one_line_naming_it(initialised, variable, value, message):
    env = dict(initialised, **{variable: value})
    result = run_endwatch(env, "users", "list")
    assert result.returncode == 2
    assert result.stderr.strip() == f"endwatch: {result.stderr.strip()[10:]}"
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_home_stops_init_with_one_line(tmp_path, fresh_database_url):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    env = endwatch_env(locked / "home", fresh_database_url)
    try:
        result = run_endwatch(env, "init")
    finally:
        locked.chmod(0o700)
    if os.geteuid() == 0:
        # root ignores permission bits; use a path under a regular file instead
        env = endwatch_env(tmp_path / "file-not-folder" / "home", fresh_database_url)
        (tmp_path / "file-not-folder").write_text("")
        result = run_endwatch(env, "init")
    assert result.returncode == 2
    assert "ENDWATCH_HOME" in result.stderr and "is not writable" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_database_data_and_keys_are_created_for_the_owner_only(tmp_path):
    """With the usual umask (022), nothing that `init` and a first request create is readable by others."""
    home = tmp_path / "home"
    env = endwatch_env(home, "unused")
    del env["ENDWATCH_DATABASE_URL"]  # the embedded default: HOME/endwatch.db
    script = "import os; os.umask(0o022); from endwatch.cli import main; main()"
    command = [sys.executable, "-c", script, "init", "--demo"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    wide = []
    for folder, folders, files in os.walk(home):
        for name in [*folders, *files]:
            path = os.path.join(folder, name)
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                wide.append(os.path.relpath(path, home))
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    assert wide == []
    assert (home / "endwatch.db").exists()

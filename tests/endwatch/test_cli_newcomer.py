"""What a newcomer meets on the command line: commands that work as printed, one home, one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from endwatch import app as app_module
from endwatch import cli_support
from endwatch.cli import command_line
from tests.conftest import endwatch_env, run_endwatch

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "endwatch"


def _console_script(env: dict[str, str], *args: str, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env={**env, "PATH": path}, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_printed_commands_are_the_ones_that_work_from_here(tmp_path, fresh_database_url):
    if not SCRIPT.is_file():
        pytest.skip(f"no console script at {SCRIPT}")
    env = endwatch_env(tmp_path / "home", fresh_database_url)
    bare = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if Path(p) != SCRIPT.parent)
    result = _console_script(env, "serve", path=bare)  # not set up yet: the error names the next command
    relative = os.path.relpath(SCRIPT, ROOT)
    assert result.returncode != 0 and f"run `{relative} init` first" in result.stderr
    on_path = _console_script(env, "serve", path=f"{SCRIPT.parent}{os.pathsep}{bare}")
    assert "run `endwatch init` first" in on_path.stderr


def test_without_endwatch_home_a_command_refuses_instead_of_making_an_empty_home(tmp_path, monkeypatch):
    missing = tmp_path / "var"
    monkeypatch.setattr(cli_support, "default_home", lambda: str(missing))
    result = CliRunner().invoke(command_line(), ["users", "list"], obj={}, env={"ENDWATCH_HOME": None})
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: no Endwatch home at {missing}: run `{sys.executable} -m endwatch init` first, "
        "or set ENDWATCH_HOME to yours"
    )
    assert not missing.exists()


def test_the_default_home_of_a_checkout_is_the_one_scripts_run_uses():
    assert app_module.default_home() == str(ROOT / "var")
    assert 'ENDWATCH_HOME=${ENDWATCH_HOME:-$PWD/var}' in (ROOT / "scripts" / "run").read_text()


@pytest.mark.slow
def test_a_taken_port_gives_one_clear_line(tmp_path, fresh_database_url):
    env = endwatch_env(tmp_path / "home", fresh_database_url, ENDWATCH_SCHEDULER="off")
    assert run_endwatch(env, "init").returncode == 0
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_endwatch(env, "serve", "--port", str(port), timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is already in use: stop the program using it, "
        f"or choose another port with --port (scripts/run --port {port + 1})"
    ]
    assert "http://" not in result.stdout  # no address printed for a server that never ran


CUSTOMERS = "name,aliases,country,kind\n" + "".join(f"Agency {n},,FR,government\n" for n in range(40))


def test_long_imports_show_progress_on_stderr_only_when_asked(cli, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    quiet = cli("customers", "import", str(path))
    assert quiet.exit_code == 0 and quiet.stderr == ""  # not a terminal: scripted output stays clean
    assert quiet.stdout == "Imported customers: 40 created, 0 updated\n"
    shown = cli("--progress", "customers", "import", str(path))
    assert shown.exit_code == 0 and shown.stdout == "Imported customers: 0 created, 40 updated\n"
    assert "Checking customers: 40/40 (100%)" in shown.stderr.splitlines()


def test_feed_ingest_shows_progress_when_asked(cli):
    sample = ROOT / "monitoring" / "samples" / "en-lantern-rights-lab.rss"
    shown = cli("--progress", "feeds", "ingest", str(sample), "--name", "Lantern", "--credibility", "0.9")
    assert shown.exit_code == 0, shown.output
    lines = shown.stderr.splitlines()
    assert lines and lines[-1].startswith("Matching entries of Lantern: ") and lines[-1].endswith("(100%)")

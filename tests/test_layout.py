"""The layout holds: every module imports on its own, no module imports another in a cycle, and no module of
application code grows far past 400 lines."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("endwatch", "grievance", "monitoring", "contracts", "reporting", "screening")
# Alembic loads these itself, inside its own context; `python -m endwatch` runs the command line.
NOT_IMPORTED_ALONE = ("endwatch.migrations", "endwatch.__main__")
MAX_LINES = 420  # "about 400"


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if not name.startswith(NOT_IMPORTED_ALONE):
                modules[name] = path
    return modules


def test_the_layout_is_found():
    modules = project_modules()
    assert {"endwatch.app", "grievance.triage.views", "reporting.views", "contracts.csv_import"} <= set(
        modules
    )


@pytest.mark.slow
def test_every_module_imports_on_its_own_in_a_fresh_interpreter(tmp_path):
    from tests.conftest import BACKEND, endwatch_env

    if BACKEND != "sqlite":
        pytest.skip("imports do not depend on the database: checked once, on the SQLite pass")

    # endwatch.wsgi builds the app when imported: give it a home with its server secrets.
    home = tmp_path / "home"
    (home / "keys").mkdir(parents=True)
    for name in ("secret_key", "receipt_pepper"):
        (home / "keys" / name).write_text("0" * 64)
    env = endwatch_env(home, f"sqlite:///{tmp_path / 'empty.db'}")

    def import_alone(name: str) -> tuple[str, str]:
        result = subprocess.run(
            [sys.executable, "-c", f"import {name}"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        return name, "" if result.returncode == 0 else result.stderr.strip().splitlines()[-1]

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        failures = {name: error for name, error in pool.map(import_alone, project_modules()) if error}
    assert failures == {}


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Project modules that `name` imports, anywhere in the file (except for type checking only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        else:
            continue
        found |= {target for target in targets if target in modules and target != name}
    return found


def test_no_module_imports_another_in_a_cycle():
    modules = project_modules()
    graph = {name: imports_of(path, name, modules) for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert [" -> ".join(cycle) for cycle in cycles] == []


def test_no_module_of_application_code_is_far_past_400_lines():
    long = {
        name: lines
        for name, path in project_modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}

"""What every `endwatch` command needs: the app of this invocation, `with_app` to run inside it, and the
way to name the program in messages so that the printed command works from where it was run."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask

from endwatch import progress
from endwatch.app import create_app, default_home

F = TypeVar("F", bound=Callable[..., Any])


def get_app() -> Flask:
    """The app of this invocation (tests pass their own in the root context's obj)."""
    ctx = click.get_current_context()
    obj = ctx.find_root().ensure_object(dict)
    if "app" not in obj:
        home = default_home()
        if ctx.info_name != "init" and not os.environ.get("ENDWATCH_HOME") and not os.path.isdir(home):
            # Creating an empty home here would hide the real one from the person running this.
            raise click.ClickException(
                f"no Endwatch home at {home}: run `{command()} init` first, or set ENDWATCH_HOME to yours"
            )
        obj["app"] = create_app()
    return obj["app"]


def with_app(f: F) -> F:
    """Run the command inside an app context, showing progress where the root options say so."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        shown = click.get_current_context().find_root().ensure_object(dict).get("progress")
        with get_app().app_context(), progress.shown(shown):
            return f(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def command() -> str:
    """How the person who ran this program runs it again from here: `endwatch` only if the PATH finds it."""
    running = Path(sys.argv[0])
    on_path = shutil.which("endwatch")
    if on_path and running.name == "endwatch" and Path(on_path).resolve() == running.resolve():
        return "endwatch"
    if running.name == "endwatch" and running.is_file():
        try:
            return str(running.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(running.resolve())
    return f"{sys.executable} -m endwatch"

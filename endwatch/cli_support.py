"""What every `endwatch` command needs: the app of this invocation, and `with_app` to run inside it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
from flask import Flask

from endwatch.app import create_app

F = TypeVar("F", bound=Callable[..., Any])


def get_app() -> Flask:
    """The app of this invocation (tests pass their own in the root context's obj)."""
    obj = click.get_current_context().find_root().ensure_object(dict)
    if "app" not in obj:
        obj["app"] = create_app()
    return obj["app"]


def with_app(f: F) -> F:
    """Run the command inside an app context."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with get_app().app_context():
            return f(*args, **kwargs)

    return wrapper  # type: ignore[return-value]

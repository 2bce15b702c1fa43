"""Progress of long command-line work (imports, ingest, polls, screening) for a person at a terminal.

Services report steps with `progress.report(label, done, total)` or iterate with `progress.steps(...)`;
nothing is printed unless a command turned reporting on, which `endwatch` does when stderr is a terminal
or when given --progress. Lines go to stderr, so what a script reads on stdout stays clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO, TypeVar

T = TypeVar("T")
INTERVAL = 0.2  # seconds between two updates of the same line


class Reporter:
    def __init__(self, stream: TextIO, interactive: bool) -> None:
        self.stream = stream
        self.interactive = interactive  # a terminal: redraw one line; otherwise a line per update
        self.last_at = 0.0
        self.open_line = False

    def update(self, label: str, done: int, total: int | None, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last_at < INTERVAL:
            return
        self.last_at = now
        text = f"{label}: {done}" + (f"/{total} ({100 * done // total}%)" if total else "")
        if self.interactive:
            self.stream.write("\r\x1b[K" + text)
            self.open_line = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.open_line:
            self.stream.write("\n")
            self.stream.flush()
            self.open_line = False


_current: ContextVar[Reporter | None] = ContextVar("endwatch_progress", default=None)


def report(label: str, done: int, total: int | None = None, *, final: bool = False) -> None:
    """Report `done` of `total` steps of `label` (no-op unless reporting is on)."""
    reporter = _current.get()
    if reporter is not None:
        reporter.update(label, done, total, final or (total is not None and done >= total))


def steps(label: str, items: Iterable[T], total: int | None = None) -> Iterator[T]:
    """Yield the items, reporting how many were handled."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    done = 0
    for item in items:
        yield item
        done += 1
        report(label, done, total)
    if done and total is None:
        report(label, done, None, final=True)


@contextmanager
def shown(enabled: bool | None, stream: TextIO | None = None) -> Iterator[None]:
    """Turn reporting on for the work inside; None means: when the stream is a terminal."""
    stream = stream or sys.stderr
    interactive = stream.isatty()
    if not (interactive if enabled is None else enabled):
        yield
        return
    reporter = Reporter(stream, interactive)
    token = _current.set(reporter)
    try:
        yield
    finally:
        reporter.close()
        _current.reset(token)

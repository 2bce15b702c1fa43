"""What the logs may say about public requests: nothing that dates or locates a submitter.

- gunicorn writes no access line for a public request (anything outside /staff and /api), so no log holds
  the time of a submission or a follow-up; staff and API requests are logged without any address.
- a log record emitted while a public request is handled (an error, a warning) carries the hour only.
- Werkzeug's request lines (which carry addresses) are silenced; waitress writes none.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from flask import has_request_context, request
from gunicorn.glogging import Logger

LOGGED_PREFIXES = ("/staff", "/api/")


def is_public(path: str) -> bool:
    """Requests people make without an account: the intake, follow-up, transparency and static files."""
    return not path.startswith(LOGGED_PREFIXES)


class GunicornLogger(Logger):
    """gunicorn's logger, without access lines for public requests."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if is_public(str(environ.get("PATH_INFO") or "/")):
            return
        super().access(resp, req, environ, request_time)


_base_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    if has_request_context() and is_public(request.path):
        record.created = math.floor(record.created / 3600) * 3600
        record.msecs = 0.0
        record.relativeCreated = 0.0
    return record


def init_app() -> None:
    """Round the times of records logged during public requests; silence Werkzeug's request lines."""
    logging.setLogRecordFactory(_record_factory)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

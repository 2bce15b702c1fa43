"""Gunicorn settings: `gunicorn -c python:endwatch.gunicorn_conf -b 127.0.0.1:8000 endwatch.wsgi:app`.

Public requests (intake, follow-up, transparency) are not written to the access log at all, so no log
dates a submission (endwatch.logs). Staff and API lines never carry the client address, the forwarded-for
chain, the user agent, the referrer or the query string: logs are copied and kept.
"""

from __future__ import annotations

import os
from typing import Any

workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# Threads: a request waiting for an upload's cleaning (a separate mat2 process, up to 40 s) holds one thread,
# not a whole worker, so a few hostile uploads cannot stop the workers answering everyone else.
worker_class = "gthread"
threads = 4  # per worker; `--threads N` on the command line overrides it
timeout = 60
graceful_timeout = 30
# Requests never outlive the worker timeout, so files older than this belong to no request in flight.
ORPHAN_GRACE_SECONDS = 2 * timeout
accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = "endwatch.logs.GunicornLogger"
# Staff and API requests only: time, method, path without query, status, bytes, duration. Deliberately
# no %(h)s, %(a)s, %(f)s, %(q)s, %({x-forwarded-for}i)s or any other header.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
proc_name = "endwatch"


def on_starting(server: Any) -> None:
    """Before any worker exists: the domains' start-up sweeps (attachment files that a killed process
    wrote but never committed)."""
    from datetime import timedelta

    from endwatch import db, startup
    from endwatch.app import create_app

    app = create_app()
    try:
        removed = startup.run_sweeps(app, timedelta(seconds=ORPHAN_GRACE_SECONDS))
        if any(removed):
            server.log.info("start-up sweeps removed %s", removed)
    except Exception as exc:  # noqa: BLE001 - a missing schema must not stop the server from starting
        server.log.warning("orphan sweep skipped: %s", type(exc).__name__)
    finally:
        db.get_database(app).engine.dispose()

"""A real intake server process for crash tests: `python -m tests.grievance.server_process PORT [MARKER]`.

With a MARKER path given, the process stops for a minute right after the first attachment
file is written (and before the commit), after writing that marker file, so a test can kill it there.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from waitress import serve

from endwatch import inmemory
from endwatch.app import create_app
from grievance import attachments


def main() -> None:
    marker = sys.argv[2] if len(sys.argv) > 2 else ""
    if marker:
        real_store = attachments.store

        def store_then_pause(*args: Any, **kwargs: Any) -> str:
            name = real_store(*args, **kwargs)
            Path(marker).write_text(name)
            time.sleep(60)
            return name

        attachments.store = store_then_pause  # type: ignore[assignment]
    app = create_app()
    options = inmemory.waitress_options(app.config["ENDWATCH"])
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4, _quiet=True, **options)


if __name__ == "__main__":
    main()

"""What a submitter sends stays in memory while a request is in flight: never a spool file on disk.

- Werkzeug writes file parts of a form larger than 500 KB to a temporary file; `InMemoryRequest` keeps
  them in memory (a request is bounded by MAX_CONTENT_LENGTH, endwatch.config.max_request_bytes).
- waitress buffers request bodies larger than `inbuf_overflow` (512 KB by default), and responses larger
  than `outbuf_overflow` (1 MB; a decrypted attachment a member downloads), in temporary files;
  `waitress_options` raises both above the largest request, and refuses larger bodies while reading them
  (`max_request_body_size`), so nothing is ever spooled.
- gunicorn's sync workers hand the socket to the application as it is read: nothing is buffered to disk.
"""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Request

from endwatch.config import MIB, Config


class InMemoryRequest(Request):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def waitress_options(settings: Config) -> dict[str, Any]:
    largest = settings.max_request_bytes
    return {
        "max_request_body_size": largest,
        "inbuf_overflow": largest + MIB,
        "outbuf_overflow": max(largest, (settings.attachment_max_mb + 1) * MIB) + MIB,
    }

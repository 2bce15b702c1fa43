"""Helpers for screening tests: list files written on the fly and a loopback server for list URLs."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from screening.matching import Party, score

FIXTURES = Path(__file__).parent / "fixtures"


def ftm_line(
    entity_id: str,
    name: str,
    *,
    schema: str = "Company",
    aliases: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    topics: tuple[str, ...] = ("sanction",),
) -> str:
    return json.dumps(
        {
            "id": entity_id,
            "caption": name,
            "schema": schema,
            "properties": {
                "name": [name],
                "alias": list(aliases),
                "country": list(countries),
                "topics": list(topics),
            },
            "datasets": ["test_list"],
            "first_seen": "2024-03-05T00:00:00",
            "target": True,
        },
        ensure_ascii=False,
    )


def write_ftm(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class ListServer:
    """Serves files from memory with an ETag; counts full and conditional answers."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.full = 0
        self.not_modified = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = server.files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                server.full += 1
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[ListServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
            thread.join()


def scored(customer: str, country: str, listed: str, *, person: bool = False) -> tuple[float, str]:
    """The score of a customer against one listing in the same country, and its reasons joined."""
    result = score(Party.build([customer], [country]), Party.build([listed], [country], person=person))
    return (result.score, "; ".join(result.reasons)) if result else (0.0, "")

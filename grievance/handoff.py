"""A report is sent once and its receipt shown once (post-redirect-get).

The POST that stores a report answers 303 to /report/received. The receipt (and the names of the files
with what was removed from them) travel to that page in the visitor's session cookie, encrypted under a
key derived from the server's secret key: the cookie is signed but not encrypted, so it never holds the
receipt in clear. The page removes them as it shows them, so Reload shows that the receipt was shown
already and nothing can send the report again.

Each rendered report form also carries a one-use token. A POST whose token was used already (an old form
restored by the browser and sent again) stores nothing and says the report was received before. Only used
tokens are remembered, so an unused form is never refused.

A validation error cannot put the chosen files back into a file input: the page names them instead.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import current_app, session
from werkzeug.datastructures import FileStorage

from endwatch import crypto
from grievance.attachments import CleanFile

RECEIPT = "received"
USED = "sent_forms"
KEEP_USED = 8
HANDOFF_SECONDS = 15 * 60
NAME_CHARS = 40
_AAD = b"endwatch receipt handoff"


def _key() -> bytes:
    secret = str(current_app.secret_key).encode()
    return bytes.fromhex(crypto.hmac_sha256(secret, b"endwatch-receipt-handoff"))


def new_form_token() -> str:
    return crypto.random_token(16)


def already_sent(token: str | None) -> bool:
    return bool(token) and token in session.get(USED, [])


def hand_over(receipt: str, files: list[CleanFile], form_token: str | None) -> None:
    """After the report is committed: keep the receipt for the next page, and mark the form as sent."""
    payload = {
        "receipt": receipt,
        "files": [[_short(clean.filename), clean.metadata_removed] for clean in files],
        "at": int(time.time()),
    }
    blob = crypto.encrypt(_key(), json.dumps(payload, ensure_ascii=False).encode(), _AAD)
    session[RECEIPT] = crypto.encode_key(blob)
    if form_token:
        session[USED] = [*session.get(USED, []), form_token][-KEEP_USED:]


def _short(name: str) -> str:
    """File names shortened so that ten of them fit in a cookie with the receipt (4 KB at most)."""
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def take() -> dict[str, Any] | None:
    """The receipt handed over by the POST, removed from the session; None if shown already or too old."""
    sealed = session.pop(RECEIPT, None)
    if not sealed:
        return None
    try:
        payload: dict[str, Any] = json.loads(crypto.decrypt(_key(), crypto.decode_key(str(sealed)), _AAD))
    except (crypto.DecryptionError, ValueError):
        return None
    if time.time() - int(payload.get("at", 0)) > HANDOFF_SECONDS:
        return None
    return payload


def chosen_names(uploads: list[FileStorage]) -> list[str]:
    """The names of the files a visitor chose, to ask for them again after an error."""
    return [upload.filename for upload in uploads if upload.filename]

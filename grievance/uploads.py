"""Files sent with a report or a follow-up message: read, checked, cleaned outside any transaction.

Cheap checks (count, sizes, type on content agreeing with the name) refuse the whole form, so the sender
can choose again. Cleaning happens after the request's read transaction has ended and before its write
begins (endwatch.db.end_read / begin_write): a slow or hostile file never holds the database. A file that
cannot be cleaned (too costly, unreadable, no cleaning slot in time) is not kept; the report or message is
stored without it and the sender is told which file was not kept and why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from endwatch import db
from endwatch.config import Config
from grievance import attachments, cleaning
from grievance.cleaning import CleanFile
from grievance.errors import AttachmentRefused

# Follow-up posts carrying files, per follow-up visit (the receipt holder): cleaning costs CPU.
FOLLOWUP_UPLOAD_LIMIT = "20 per hour"
# All cleaning of one request, slot waits included: under gunicorn's 60 s worker timeout, with room to store.
REQUEST_BUDGET_SECONDS = 40.0


@dataclass
class Batch:
    kept: list[CleanFile] = field(default_factory=list)
    not_kept: list[AttachmentRefused] = field(default_factory=list)


def receive(uploads: list[FileStorage], config: Config) -> Batch:
    """Read and check every file (AttachmentRefused refuses them all), then clean each one.

    The request's transaction is ended before the cleaning; call db.begin_write() before writing.
    """
    received = read(uploads, config)
    batch = Batch()
    if not received:
        return batch
    db.end_read()
    deadline = time.monotonic() + REQUEST_BUDGET_SECONDS
    for filename, data in received:
        try:
            batch.kept.append(cleaning.clean(filename, data, config, deadline))
        except AttachmentRefused as exc:
            batch.not_kept.append(exc)
    return batch


def read(uploads: list[FileStorage], config: Config) -> list[tuple[str, bytes]]:
    """The chosen files' names and bytes, within the limits (how many, each one's size, all together) and
    of a type we accept whose content matches its name; AttachmentRefused refuses them all."""
    chosen = [upload for upload in uploads if upload.filename]
    if len(chosen) > attachments.MAX_FILES:
        raise AttachmentRefused("count")
    per_file = config.attachment_max_mb * 1024 * 1024
    total = 0
    received = []
    for upload in chosen:
        data = upload.stream.read(per_file + 1)
        if len(data) > per_file:
            raise AttachmentRefused("file_size", cleaning.safe_name(upload.filename or ""))
        total += len(data)
        if total > config.submission_max_mb * 1024 * 1024:
            raise AttachmentRefused("total_size")
        try:
            cleaning.check(upload.filename or "", data)
        except AttachmentRefused as exc:
            exc.filename = cleaning.safe_name(upload.filename or "")
            raise
        received.append((upload.filename or "", data))
    return received


def results(batch: Batch) -> list[str]:
    """One sentence per file, in the sender's language: what was removed and what remains, or why the
    file was not kept."""
    lines = [kept_text(file) for file in batch.kept]
    lines += [not_kept_text(refusal) for refusal in batch.not_kept]
    return lines


def handoff_pairs(batch: Batch) -> list[tuple[str, str]]:
    """What the receipt page needs to say about each file, small enough for the session cookie:
    (name, family) for a kept file, (name, "!" + reason) for one not kept."""
    return [(f.filename, f.family) for f in batch.kept] + [
        (r.filename, "!" + r.reason) for r in batch.not_kept
    ]


def notes_from_pairs(pairs: list[list[str]]) -> list[str]:
    notes = []
    for name, outcome in pairs:
        if outcome.startswith("!"):
            notes.append(not_kept_text(AttachmentRefused(outcome[1:], name)))
        elif outcome in FAMILIES:
            notes.append(family_text(outcome, name))
    return notes


def kept_text(file: CleanFile) -> str:
    return family_text(file.family, file.filename)


FAMILIES = ("photo", "pdf", "document", "audio", "video", "text")


def family_text(family: str, name: str) -> str:
    texts = {
        "photo": _(
            "%(name)s: location, camera details, dates and comments hidden in the file were removed. "
            "What the picture shows remains.",
            name=name,
        ),
        "pdf": _(
            "%(name)s: turned into pictures of its pages, which removes authors, comments, attached files "
            "and all other hidden data. What the pages show remains; the text can no longer be searched.",
            name=name,
        ),
        "document": _(
            "%(name)s: authors, comments, tracked changes, document properties and the hidden data of "
            "pictures inside were removed. The text and what the document shows remain.",
            name=name,
        ),
        "audio": _(
            "%(name)s: tags (titles, names, dates, device, cover pictures) were removed. What can be heard "
            "remains, including voices and background sounds.",
            name=name,
        ),
        "video": _(
            "%(name)s: tags (titles, names, dates, device, location) were removed. What can be seen and "
            "heard remains.",
            name=name,
        ),
        "text": _(
            "%(name)s: plain text carries no hidden data; the words remain as you wrote them.", name=name
        ),
    }
    return texts[family]


def not_kept_text(refusal: AttachmentRefused) -> str:
    name = refusal.filename
    texts = {
        "too_large": _("%(name)s was not kept: it is too large or too complex to process safely.", name=name),
        "encrypted": _(
            "%(name)s was not kept: it is password-protected; please send it without the password.",
            name=name,
        ),
        "busy": _(
            "%(name)s was not kept: we could not process it now. Please add it again later.", name=name
        ),
        "unavailable": _(
            "%(name)s was not kept: we could not process it now. Please add it again later.", name=name
        ),
    }
    default = _(
        "%(name)s was not kept: it could not be read, so we could not remove its hidden data.", name=name
    )
    return texts.get(refusal.reason, default)


def refusal_text(exc: AttachmentRefused, limits: dict[str, int]) -> str:
    """Why the whole form was refused (nothing was stored)."""
    messages = {
        "count": _("Please send at most %(count)d files at once.", count=limits["files"]),
        "file_size": _("%(name)s is larger than %(size)d MB.", name=exc.filename, size=limits["file_mb"]),
        "total_size": _("All files together may not exceed %(size)d MB.", size=limits["total_mb"]),
        "type": _("%(name)s is not a type we accept (see the list of accepted files).", name=exc.filename),
        "mismatch": _(
            "The content of %(name)s does not match its name (for example a text file named .pdf). "
            "Please check the file.",
            name=exc.filename,
        ),
    }
    default = _("%(name)s could not be read, so we could not remove its hidden data.", name=exc.filename)
    message = messages.get(exc.reason, default)
    return message + " " + _("Nothing was stored. Please choose your files again.")

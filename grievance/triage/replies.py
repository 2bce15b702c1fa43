"""Files staff attach to a reply: read within the same limits as submitters' files (grievance.uploads) and
cleaned the same way (grievance.cleaning); a refusal refuses the whole reply, in words for staff.
"""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from endwatch.config import Config
from grievance import attachments, cleaning, uploads
from grievance.cleaning import CleanFile
from grievance.errors import AttachmentRefused, TriageError

REASONS = {
    "count": "Attach at most {count} files to one reply.",
    "file_size": "{name} is larger than {size} MB.",
    "total_size": "All files together may not exceed {total} MB.",
    "type": "{name} is not a type we accept (photos, PDF, office documents, recordings, videos, plain text).",
    "mismatch": "The content of {name} does not match its name.",
    "busy": "{name} could not be cleaned now (all cleaning slots are busy); try again in a minute.",
    "encrypted": "{name} is password-protected; attach it without the password.",
    "too_large": "{name} is too large to process.",
}


def read_files(config: Config, chosen: list[FileStorage]) -> list[CleanFile]:
    """Every chosen file, checked and cleaned, or a TriageError saying which one was refused and why."""
    try:
        return [cleaning.clean(name, data, config) for name, data in uploads.read(chosen, config)]
    except AttachmentRefused as exc:
        raise TriageError(refusal(config, exc) + " Nothing was sent; choose the files again.") from None


def refusal(config: Config, exc: AttachmentRefused) -> str:
    default = "{name} could not be read, so its hidden data could not be removed."
    return REASONS.get(exc.reason, default).format(
        name=exc.filename or "A file",
        count=attachments.MAX_FILES,
        size=config.attachment_max_mb,
        total=config.submission_max_mb,
    )

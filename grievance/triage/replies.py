"""Files staff attach to a reply: read within the same limits as submitters' files, cleaned the same way.

`clean_file` is the one place that cleans a staff file: it calls the submitters' cleaning function, so a
change of cleaner (grievance.attachments) applies here too.
"""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from endwatch.config import Config
from grievance import attachments
from grievance.attachments import CleanFile
from grievance.errors import AttachmentRefused, TriageError

REASONS = {
    "count": "Attach at most {count} files to one reply.",
    "file_size": "{name} is larger than {size} MB.",
    "total_size": "All files together may not exceed {total} MB.",
    "type": "{name} is not a type we accept (photos, PDF, Word, Excel, OpenDocument text, plain text).",
    "encrypted": "{name} is password-protected; attach it without the password.",
    "too_large": "{name} is too large to process.",
}


def clean_file(filename: str, data: bytes) -> CleanFile:
    return attachments.clean(filename, data)


def read_files(config: Config, uploads: list[FileStorage]) -> list[CleanFile]:
    """Every chosen file, checked and cleaned, or a TriageError saying which one was refused and why."""
    chosen = [upload for upload in uploads if upload.filename]
    per_file, total = config.attachment_max_mb * 1024 * 1024, 0
    try:
        if len(chosen) > attachments.MAX_FILES:
            raise AttachmentRefused("count")
        cleaned = []
        for upload in chosen:
            data = upload.stream.read(per_file + 1)
            if len(data) > per_file:
                raise AttachmentRefused("file_size", upload.filename or "")
            total += len(data)
            if total > config.submission_max_mb * 1024 * 1024:
                raise AttachmentRefused("total_size")
            cleaned.append(clean_file(upload.filename or "", data))
    except AttachmentRefused as exc:
        raise TriageError(refusal(config, exc) + " Nothing was sent; choose the files again.") from None
    return cleaned


def refusal(config: Config, exc: AttachmentRefused) -> str:
    default = "{name} could not be read, so its hidden data could not be removed."
    return REASONS.get(exc.reason, default).format(
        name=exc.filename or "A file",
        count=attachments.MAX_FILES,
        size=config.attachment_max_mb,
        total=config.submission_max_mb,
    )

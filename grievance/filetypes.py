"""What an uploaded file is, judged on its bytes and name, and what cleaning it would cost: the cheap
checks grievance.cleaning runs before mat2 (decoded pixels, archive members and expanded size, the
pictures inside documents, PDF pages and page area).
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image

from grievance.errors import AttachmentRefused

MAX_PIXELS = 50_000_000  # one picture, decoded
MAX_ARCHIVE_PIXELS = 100_000_000  # all pictures inside one document together
MAX_ARCHIVE_PICTURES = 500
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_EXPANDED = 100 * 1024 * 1024
MAX_PDF_PAGES = 50
MAX_PDF_PAGE_AREA = 4 * 842 * 595  # points squared: four A4 pages; mat2 renders each page as a picture
MAX_PDF_AREA = 100 * 842 * 595


@dataclass(frozen=True)
class Kind:
    """An accepted type: its media type, the names it may carry, how it is cleaned."""

    media_type: str
    extensions: tuple[str, ...]
    family: str  # photo, pdf, document, audio, video, text
    mat2_extension: str = ""  # the name mat2 is given; empty: cleaned in process


KINDS = [
    Kind("image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"), "photo", ".jpg"),
    Kind("image/png", (".png",), "photo", ".png"),
    Kind("image/webp", (".webp",), "photo"),
    Kind("image/gif", (".gif",), "photo", ".gif"),
    Kind("image/tiff", (".tif", ".tiff"), "photo", ".tiff"),
    Kind("application/pdf", (".pdf",), "pdf", ".pdf"),
    Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "document",
        ".docx",
    ),
    Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "document", ".xlsx"
    ),
    Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        "document",
        ".pptx",
    ),
    Kind("application/vnd.oasis.opendocument.text", (".odt",), "document", ".odt"),
    Kind("application/vnd.oasis.opendocument.spreadsheet", (".ods",), "document", ".ods"),
    Kind("application/vnd.oasis.opendocument.presentation", (".odp",), "document", ".odp"),
    Kind("application/vnd.oasis.opendocument.graphics", (".odg",), "document", ".odg"),
    Kind("application/epub+zip", (".epub",), "document", ".epub"),
    Kind("audio/mpeg", (".mp3",), "audio", ".mp3"),
    Kind("audio/ogg", (".ogg", ".oga", ".opus"), "audio", ".ogg"),
    Kind("audio/flac", (".flac",), "audio", ".flac"),
    Kind("audio/x-wav", (".wav",), "audio", ".wav"),
    Kind("video/mp4", (".mp4", ".m4v", ".m4a", ".mov"), "video", ".mp4"),
    Kind("video/x-msvideo", (".avi",), "video", ".avi"),
    Kind("text/plain", (".txt", ".text", ".csv", ".md"), "text"),
]
BY_TYPE = {kind.media_type: kind for kind in KINDS}
ODF_TYPES = {k.media_type for k in KINDS if k.media_type.startswith("application/vnd.oasis")} | {
    "application/epub+zip"
}
PICTURE_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".tif",
    ".tiff",
    ".bmp",
    ".webp",
    ".emf",
    ".wmf",
    ".heic",
)


# -- what the bytes are ------------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The media type from the bytes themselves; None when it is not one we accept."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/x-wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return None  # HEIC: no way to build a test file here, so not accepted (iOS sends JPEG to forms)
        return "video/mp4"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").strip().decode("ascii", "replace")
                return declared if declared in ODF_TYPES else None
            if "[Content_Types].xml" in names:
                for part, media_type in (
                    (
                        "word/document.xml",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ),
                    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                    (
                        "ppt/presentation.xml",
                        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    ),
                ):
                    if part in names:
                        return media_type
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def check(filename: str, data: bytes) -> Kind:
    """The accepted type of this file, from its content, agreeing with its name; or a refusal."""
    media_type = sniff(data)
    if media_type is None:
        raise AttachmentRefused("type", filename)
    kind = BY_TYPE[media_type]
    extension = os.path.splitext(safe_name(filename))[1].lower()
    if extension and extension not in kind.extensions:
        raise AttachmentRefused("mismatch", filename)
    return kind


def safe_name(filename: str) -> str:
    name = os.path.basename(filename.replace("\\", "/")).strip()
    return name[:255] or "file"


# -- bounding the cost -------------------------------------------------------------------------------


def bound_cost(kind: Kind, data: bytes) -> None:
    """Refuse ("too_large") what would cost too much to clean, from headers only: nothing is decoded."""
    if kind.family == "photo":
        if _pixels(data) > MAX_PIXELS:
            raise AttachmentRefused("too_large")
    elif kind.family == "document":
        _bound_archive(data)
    elif kind.family == "pdf":
        _bound_pdf(data)


def _pixels(data: bytes) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1)
                return int(image.width) * int(image.height) * max(1, int(frames))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise AttachmentRefused("too_large") from None
        except Exception:  # noqa: BLE001 - a header Pillow cannot read: let mat2 judge, bounded anyway
            return 0


def _bound_archive(data: bytes, depth: int = 0) -> int:
    """Members, expanded size and pictures of an archive (and archives inside it); returns the pixels."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AttachmentRefused("unreadable") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_EXPANDED:
        raise AttachmentRefused("too_large")
    pixels, pictures = 0, 0
    for info in infos:
        name = info.filename.lower()
        if name.endswith(PICTURE_SUFFIXES):
            pictures += 1
            if pictures > MAX_ARCHIVE_PICTURES:
                raise AttachmentRefused("too_large")
            with archive.open(info) as member:
                pixels += _pixels(member.read(1024 * 1024) if not name.endswith((".emf", ".wmf")) else b"")
        elif name.endswith((".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".odg", ".zip", ".epub")):
            if depth >= 2:
                raise AttachmentRefused("too_large")
            pixels += _bound_archive(archive.read(info), depth + 1)
        if pixels > MAX_ARCHIVE_PIXELS:
            raise AttachmentRefused("too_large")
    return pixels


def _bound_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRefused("encrypted")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise AttachmentRefused("too_large")
        total = 0.0
        for page in pages:
            box = page.mediabox
            area = abs(float(box.width) * float(box.height))
            if area > MAX_PDF_PAGE_AREA:
                raise AttachmentRefused("too_large")
            total += area
        if total > MAX_PDF_AREA:
            raise AttachmentRefused("too_large")
    except AttachmentRefused:
        raise
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot read is not one we can vouch for
        raise AttachmentRefused("unreadable") from None

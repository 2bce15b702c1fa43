"""Attachments: type checked on content, hidden metadata removed, encrypted, written atomically.

A file is written before its row is committed; the session forgets it on commit and deletes it on
rollback, and `sweep_orphans` removes whatever a killed process left behind.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from endwatch import case_crypto, timeutil
from endwatch.config import Config
from grievance.errors import AttachmentRefused
from grievance.models import Attachment

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
ALLOWED = (JPEG, PNG, WEBP, PDF, DOCX, XLSX, ODT, TEXT)
MAX_FILES = 10
MAX_PIXELS = 50_000_000
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_EXPANDED = 200 * 1024 * 1024
OOXML_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
PENDING = "endwatch.pending_files"
TMP_PREFIX = ".tmp-"


@dataclass
class CleanFile:
    filename: str
    media_type: str
    data: bytes
    metadata_removed: bool


def folder(config: Config) -> Path:
    path = config.data_path / "attachments"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


# -- checking and cleaning ---------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The media type from the bytes themselves; None when it is not one we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def clean(filename: str, data: bytes) -> CleanFile:
    """Check the type on content and remove hidden metadata, or refuse the file."""
    media_type = sniff(data)
    if media_type is None:
        raise AttachmentRefused("type", filename)
    try:
        if media_type in (JPEG, PNG, WEBP):
            cleaned, complete = clean_image(data, media_type), True
        elif media_type == PDF:
            cleaned, complete = clean_pdf(data)
        elif media_type in (DOCX, XLSX, ODT):
            cleaned, complete = clean_office(data, media_type)
        else:
            cleaned, complete = data, True
    except AttachmentRefused as exc:
        exc.filename = filename
        raise
    except Exception:  # noqa: BLE001 - any parser failure means we cannot vouch for the file
        raise AttachmentRefused("unreadable", filename) from None
    return CleanFile(_safe_name(filename), media_type, cleaned, complete)


def clean_image(data: bytes, media_type: str) -> bytes:
    """Re-encode the pixels only: EXIF (GPS, camera, times), XMP, comments and colour profiles are gone."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as original:
                if original.width * original.height > MAX_PIXELS:
                    raise AttachmentRefused("too_large")
                original.load()
                image = ImageOps.exif_transpose(original) or original
                pixels = image.copy()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise AttachmentRefused("too_large") from None
    pixels.info = {}
    out = io.BytesIO()
    if media_type == JPEG:
        if pixels.mode not in ("RGB", "L", "CMYK"):
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=92)
    elif media_type == PNG:
        pixels.save(out, "PNG")
    else:
        pixels.save(out, "WEBP", quality=92)
    return out.getvalue()


def clean_pdf(data: bytes) -> tuple[bytes, bool]:
    """Drop the document information dictionary and XMP metadata; report whether pictures remain inside."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise AttachmentRefused("encrypted")
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    root = writer.root_object
    if "/Metadata" in root:
        del root[NameObject("/Metadata")]
    has_images = False
    for page in writer.pages:
        if "/Metadata" in page:
            del page[NameObject("/Metadata")]
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is not None:
            has_images = has_images or any(
                x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values()
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), not has_images


def clean_office(data: bytes, media_type: str) -> tuple[bytes, bool]:
    """Remove the property parts (author, company, times) and references to them; re-encode pictures."""
    source = zipfile.ZipFile(io.BytesIO(data))
    infos = source.infolist()
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_EXPANDED:
        raise AttachmentRefused("too_large")
    dropped = set(OOXML_PROPERTY_PARTS) if media_type != ODT else {"meta.xml"}
    complete = True
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in infos:
            if info.filename in dropped or info.filename.startswith("docProps/thumbnail"):
                continue
            if info.filename.startswith("Thumbnails/"):
                continue
            content = source.read(info)
            if info.filename == "_rels/.rels":
                content = _drop_relationships(content)
            elif info.filename == "[Content_Types].xml":
                content = _drop_overrides(content, dropped)
            elif info.filename == "META-INF/manifest.xml":
                content = _drop_manifest_entries(content, dropped)
            elif _is_picture(info.filename):
                picture_type = sniff(content)
                if picture_type in (JPEG, PNG, WEBP):
                    content = clean_image(content, picture_type)
                else:
                    complete = False
            clean_info = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clean_info.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            target.writestr(clean_info, content)
    return out.getvalue(), complete


def _is_picture(name: str) -> bool:
    folders = ("word/media/", "xl/media/", "Pictures/")
    return name.startswith(folders)


REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def _serialise(root: Any, namespace: str, prefix: str = "") -> bytes:
    import xml.etree.ElementTree as ET  # noqa: S405 - serialising only; parsing goes through defusedxml

    ET.register_namespace(prefix, namespace)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _drop_relationships(content: bytes) -> bytes:
    root = SafeET.fromstring(content)
    for rel in list(root):
        if rel.get("Target", "").lstrip("/").startswith("docProps/"):
            root.remove(rel)
    return _serialise(root, REL_NS)


def _drop_overrides(content: bytes, dropped: set[str]) -> bytes:
    root = SafeET.fromstring(content)
    for override in list(root):
        if override.get("PartName", "").lstrip("/") in dropped or override.get("PartName", "").startswith(
            "/docProps/thumbnail"
        ):
            root.remove(override)
    return _serialise(root, CT_NS)


def _drop_manifest_entries(content: bytes, dropped: set[str]) -> bytes:
    root = SafeET.fromstring(content)
    attribute = f"{{{MANIFEST_NS}}}full-path"
    for entry in list(root):
        path = entry.get(attribute, "")
        if path in dropped or path.startswith("Thumbnails/"):
            root.remove(entry)
    return _serialise(root, MANIFEST_NS, "manifest")


def _safe_name(filename: str) -> str:
    name = os.path.basename(filename.replace("\\", "/")).strip()
    return name[:255] or "file"


# -- storing -----------------------------------------------------------------------------------------


def store(session: Session, config: Config, data_key: bytes, reference: str, data: bytes) -> str:
    """Encrypt and write one file atomically; it is deleted again if the session rolls back."""
    target_dir = folder(config)
    stored_name = secrets.token_hex(16)
    blob = case_crypto.encrypt_file(data_key, reference, stored_name, data)
    temporary = target_dir / f"{TMP_PREFIX}{stored_name}"
    final = target_dir / stored_name
    session.info.setdefault(PENDING, []).append(final)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    timeutil.round_file_times(final, target_dir)
    _fsync_dir(target_dir)
    return stored_name


def load(config: Config, data_key: bytes, reference: str, stored_name: str) -> bytes:
    blob = (folder(config) / stored_name).read_bytes()
    return case_crypto.decrypt_file(data_key, reference, stored_name, blob)


def delete_file(config: Config, stored_name: str) -> None:
    (folder(config) / stored_name).unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def track_written_files(factory: sessionmaker[Session]) -> None:
    """Sessions of `factory` forget the files they wrote when they commit, and delete them on rollback."""
    event.listen(factory, "after_commit", _forget_written)
    event.listen(factory, "after_soft_rollback", _remove_written)


def _forget_written(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outermost transaction has not committed yet
    session.info.pop(PENDING, None)


def _remove_written(session: Session, previous_transaction: Any) -> None:
    # Only the session's outermost transaction decides whether the rows, and so their files, exist.
    if previous_transaction.parent is not None:
        return
    for path in session.info.pop(PENDING, []):
        Path(path).unlink(missing_ok=True)


def sweep_orphans(session: Session, config: Config, grace: timedelta = timedelta(minutes=15)) -> int:
    """Delete files no row refers to, older than `grace` (younger ones may belong to a request in flight)."""
    target_dir = folder(config)
    cutoff = datetime.now(UTC) - grace - (timedelta(hours=1) if grace else grace)  # times are hour-rounded
    known = set(session.scalars(select(Attachment.stored_name)))
    removed = 0
    for path in target_dir.iterdir():
        if path.name in known or not path.is_file():
            continue
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed

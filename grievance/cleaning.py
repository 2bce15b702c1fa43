"""Cleaning an uploaded file: its type checked on content and name, its cost bounded, its hidden data removed.

`clean(filename, data, config) -> CleanFile` is the one entry point (public intake, follow-up, staff
replies). Hidden data is removed by mat2 (the tool of Tails and SecureDrop's workstation), run as a
separate process:

- in a private folder (mode 0700) under /dev/shm, which is memory: the original never reaches a disk
  (tmpfs pages can reach swap; run without swap or with encrypted swap). Without /dev/shm the file is
  refused rather than written to disk. The folder is removed however the run ends;
- with `prlimit` limits on address space, CPU seconds and file size, at low priority (`nice`), killed
  with its whole process group after WALL_SECONDS;
- without network (`unshare -n`, a fresh empty network namespace) where the kernel allows it;
- with no environment but PATH, a locale, and HOME and TMPDIR (both the private folder, so mat2's own
  temporary files stay in memory too);
- in one of a few cleaning slots shared by every process of the server (`flock` on slot files), so hostile
  files cannot take every CPU; a file that waits too long for a slot is not kept ("busy"). PDFs and office
  documents (slow to clean) use the "heavy" slots only; photos, recordings, videos may also use one slot of
  their own, so a flood of costly documents cannot keep a photo from being cleaned.

Before mat2 runs, cheap checks bound what it would have to do: decoded pixels of a picture, members and
expanded size of an archive and the pixels of the pictures inside it, pages and page area of a PDF.

WebP is not handled by mat2; WebP pictures are re-encoded from their pixels with Pillow (in process, after
the same pixel bound), which keeps nothing but the pixels. Plain text has no hidden data and is kept as is.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image

from endwatch.config import Config
from grievance.errors import AttachmentRefused

SHM = Path("/dev/shm")  # noqa: S108 - a private 0700 folder is made inside it
MAT2 = "/usr/bin/mat2"
WALL_SECONDS = 30.0
CPU_SECONDS = 30
MEMORY_BYTES = 1536 * 1024 * 1024
FILE_BYTES = 256 * 1024 * 1024
SLOT_WAIT_SECONDS = 20.0
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


@dataclass
class CleanFile:
    """A file as it is stored: cleaned bytes, its type, and what the cleaning did (shown to the sender)."""

    filename: str
    media_type: str
    data: bytes
    metadata_removed: bool
    family: str = "text"
    remains: tuple[str, ...] = field(default_factory=tuple)  # what could not be removed (codes)


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


# -- cleaning ----------------------------------------------------------------------------------------


def clean(filename: str, data: bytes, config: Config, deadline: float | None = None) -> CleanFile:
    """Check, bound and clean one file, or refuse it (AttachmentRefused with a reason code and the name).

    `deadline` (time.monotonic()) caps the wait for a cleaning slot and mat2's wall time, so that a request
    with several files ends in time (gunicorn kills a worker after 60 s).
    Reasons: type, mismatch, encrypted, too_large, unreadable, busy (no cleaning slot or no time left),
    unavailable (no memory-backed folder for mat2).
    """
    name = safe_name(filename)
    try:
        kind = check(filename, data)
        bound_cost(kind, data)
        if kind.mat2_extension:
            left = SLOT_WAIT_SECONDS + 1 if deadline is None else deadline - time.monotonic()
            if left <= 1:
                raise AttachmentRefused("busy")
            wait = min(SLOT_WAIT_SECONDS, left - 1)
            with cleaning_slot(config, wait=wait, names=slot_names(kind.family)):
                cleaned = _mat2_within(data, kind, deadline)
            if sniff(cleaned) != kind.media_type:
                raise AttachmentRefused("unreadable")
            if kind.family == "document":
                try:
                    cleaned = scrub_archive(cleaned)
                except AttachmentRefused:
                    raise
                except Exception:  # noqa: BLE001 - what we cannot parse we cannot vouch for
                    raise AttachmentRefused("unreadable") from None
        elif kind.family == "photo":
            cleaned = reencode_webp(data)
        else:
            cleaned = data
    except AttachmentRefused as exc:
        exc.filename = name
        raise
    return CleanFile(name, kind.media_type, cleaned, True, kind.family, REMAINS[kind.family])


def _mat2_within(data: bytes, kind: Kind, deadline: float | None) -> bytes:
    """mat2 within what is left of the deadline. mat2 refuses a document when a document embedded in it
    holds a part it does not know (it omits unknown parts only at the top level): such a document is
    cleaned again without its embedded documents (their picture in the document stays)."""

    def wall() -> float:
        left = WALL_SECONDS if deadline is None else deadline - time.monotonic()
        return min(WALL_SECONDS, max(left, 1))

    try:
        return run_mat2(data, kind.mat2_extension, wall=wall())
    except AttachmentRefused as exc:
        stripped = _without_embedded_documents(data) if kind.family == "document" else None
        if exc.reason != "unreadable" or stripped is None:
            raise
        return run_mat2(stripped, kind.mat2_extension, wall=wall())


EMBEDDED = ("word/embeddings/", "xl/embeddings/", "ppt/embeddings/")


def _without_embedded_documents(data: bytes) -> bytes | None:
    source = zipfile.ZipFile(io.BytesIO(data))
    infos = source.infolist()
    kept = [info for info in infos if not info.filename.startswith(EMBEDDED)]
    if len(kept) == len(infos):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in kept:
            target.writestr(info, source.read(info))
    return out.getvalue()


# What mat2 leaves, by family: shown to the sender with what was removed (grievance.cleaning_text).
REMAINS: dict[str, tuple[str, ...]] = {
    "photo": ("visible",),
    "pdf": ("visible", "text_as_image"),
    "document": ("visible", "text"),
    "audio": ("sound",),
    "video": ("visible", "sound"),
    "text": ("text",),
}


# -- where mat2 is weaker (each proven by tests/grievance/test_cleaning_canaries.py) -------------------

ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
X15AC_ABSPATH = "{http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac}absPath"
MANIFEST_PATH = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path"
MAX_SCRUBBED_MEMBER = 20 * 1024 * 1024


def scrub_archive(data: bytes, depth: int = 0) -> bytes:
    """What mat2 0.13 leaves in office files: tracked changes in Word headers, footers and notes, and
    formatting changes with their authors; the folder of an Excel workbook (x15ac:absPath), the
    annotations (comments with their authors and dates) and tracked changes of OpenDocument spreadsheets,
    presentations and drawings, and OpenDocument settings.xml (printer names and the like); also inside
    documents embedded in documents."""
    source = zipfile.ZipFile(io.BytesIO(data))
    is_odf = "mimetype" in source.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            name = info.filename
            if is_odf and name in ("settings.xml", "meta.xml") or name.startswith("Thumbnails/"):
                continue
            content = source.read(info)
            if info.file_size > MAX_SCRUBBED_MEMBER and name.endswith(".xml"):
                raise AttachmentRefused("too_large")
            if is_odf and name in ("content.xml", "styles.xml"):
                content = _scrub_xml(content, _drop_odf_hidden)
            elif is_odf and name == "META-INF/manifest.xml":
                content = _scrub_xml(content, _drop_manifest_entries)
            elif name.endswith("workbook.xml"):
                content = _scrub_xml(content, _drop_abspath)
            elif name.startswith("word/") and name.endswith(".xml") and not is_odf:
                content = _scrub_xml(content, _drop_word_revisions)
            elif (
                name.lower().endswith((".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".odg"))
                and depth < 2
            ):
                content = scrub_archive(content, depth + 1)
            clean_info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            clean_info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(clean_info, content)
    return out.getvalue()


def _scrub_xml(content: bytes, edit: Callable[[Any], None]) -> bytes:
    import xml.etree.ElementTree as ET  # noqa: S405 - serialising only; parsing goes through defusedxml

    import defusedxml.ElementTree as SafeET

    namespaces = {}
    for _event, (prefix, uri) in SafeET.iterparse(io.BytesIO(content), events=("start-ns",)):
        namespaces[prefix] = uri
    root = SafeET.fromstring(content)
    edit(root)
    for prefix, uri in namespaces.items():
        with contextlib.suppress(ValueError):
            ET.register_namespace(prefix, uri)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _remove_where(root: Any, unwanted: Callable[[Any], bool]) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if unwanted(child):
                parent.remove(child)


def _drop_odf_hidden(root: Any) -> None:
    hidden = {f"{{{ODF_OFFICE}}}annotation", f"{{{ODF_OFFICE}}}annotation-end"}
    _remove_where(root, lambda e: e.tag in hidden or str(e.tag).endswith("}tracked-changes"))


def _drop_manifest_entries(root: Any) -> None:
    gone = ("settings.xml", "meta.xml", "Thumbnails/")
    _remove_where(root, lambda e: str(e.get(MANIFEST_PATH, "")).startswith(gone))


W_MAIN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_REMOVED = {
    W_MAIN + tag
    for tag in (
        *("del", "moveFrom", "commentRangeStart", "commentRangeEnd", "commentReference"),
        # settings.xml: a mail merge's data source path, document variables, the template, edit sessions
        *("mailMerge", "docVars", "attachedTemplate", "rsids"),
    )
}
W_UNWRAPPED = {W_MAIN + "ins", W_MAIN + "moveTo"}


def _drop_word_revisions(root: Any) -> None:
    """Tracked changes everywhere in a Word document (mat2 handles document.xml only, and not formatting
    changes): deletions and their text go, insertions are accepted, formatting changes and comment marks
    go, each with its author and date; and from settings.xml the mail-merge source (a path), document
    variables and the attached template."""
    _remove_where(
        root,
        lambda e: e.tag in W_REMOVED or str(e.tag).endswith(("PrChange", "}numberingChange")),
    )
    for parent in list(root.iter()):
        children = list(parent)
        if any(child.tag in W_UNWRAPPED for child in children):
            parent[:] = [kept for child in children for kept in _unwrapped(child)]


def _unwrapped(element: Any) -> Iterator[Any]:
    if element.tag in W_UNWRAPPED:
        for child in list(element):
            yield from _unwrapped(child)
    else:
        yield element


def _drop_abspath(root: Any) -> None:
    _remove_where(root, lambda e: e.tag == X15AC_ABSPATH)


def reencode_webp(data: bytes) -> bytes:
    """Pixels only: EXIF, XMP and ICC chunks are not copied."""
    try:
        with Image.open(io.BytesIO(data)) as original:
            original.load()
            pixels = original.copy()
    except Exception:  # noqa: BLE001 - a picture Pillow cannot decode is not one we can vouch for
        raise AttachmentRefused("unreadable") from None
    pixels.info = {}
    out = io.BytesIO()
    pixels.save(out, "WEBP", quality=92)
    return out.getvalue()


@cache
def network_isolation() -> tuple[str, ...]:
    """The command prefix that gives mat2 no network: `unshare -n` (root), `unshare -r -n` (user
    namespaces), or nothing where the kernel allows neither (documented in the README)."""
    for prefix in (("unshare", "-n", "--"), ("unshare", "-r", "-n", "--")):
        try:
            done = subprocess.run(  # noqa: S603 - fixed command
                [*prefix, "true"], env=_environment(Path("/")), capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return prefix
    return ()


def _environment(folder: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(folder), "TMPDIR": str(folder), "LC_ALL": "C.UTF-8"}


def run_mat2(data: bytes, extension: str, wall: float = WALL_SECONDS) -> bytes:
    """mat2 on a copy in a private memory-backed folder, limited and isolated; the cleaned bytes."""
    if not SHM.is_dir() or not Path(MAT2).is_file():
        raise AttachmentRefused("unavailable")  # no memory-backed folder, or mat2 is not installed
    folder = Path(tempfile.mkdtemp(prefix="endwatch-clean-", dir=SHM))  # mode 0700
    try:
        path = folder / f"upload{extension}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        command = [
            "prlimit",
            f"--as={MEMORY_BYTES}",
            f"--cpu={CPU_SECONDS}",
            f"--fsize={FILE_BYTES}",
            "--core=0",
            "--",
            *network_isolation(),
            "nice",
            "-n",
            "15",
            MAT2,
            "--inplace",
            "--unknown-members",
            "omit",
            str(path),
        ]
        process = subprocess.Popen(  # noqa: S603 - fixed command, the file name is ours
            command,
            env=_environment(folder),
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=wall)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise AttachmentRefused("too_large") from None
        finally:
            _kill_group(process)  # whatever mat2 started (ffmpeg, exiftool) must not outlive it
        if returncode != 0:
            raise AttachmentRefused("unreadable")
        return path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


HEAVY_FAMILIES = ("pdf", "document")


def slot_names(family: str) -> list[str]:
    """The slots a file of this family may take: the heavy ones, and for a light file one more of its own."""
    heavy = [f"heavy-{n}" for n in range(max(1, (os.cpu_count() or 1) // 2))]
    return heavy if family in HEAVY_FAMILIES else ["light-0", *heavy]


@contextlib.contextmanager
def cleaning_slot(
    config: Config, wait: float | None = None, names: list[str] | None = None
) -> Iterator[None]:
    """One of the named cleaning slots, shared by all processes of this data folder, or "busy"."""
    folder = config.data_path / "cleaning-slots"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + (SLOT_WAIT_SECONDS if wait is None else wait)
    while True:
        for name in names or slot_names("photo"):
            fd = os.open(folder / f"slot-{name}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield
                return
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        if time.monotonic() >= deadline:
            raise AttachmentRefused("busy")
        time.sleep(0.05)

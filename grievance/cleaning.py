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
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from endwatch.config import Config
from grievance.errors import AttachmentRefused
from grievance.filetypes import (  # noqa: F401 - names callers use through this module
    BY_TYPE,
    KINDS,
    Kind,
    bound_cost,
    check,
    safe_name,
    sniff,
)
from grievance.scrubbing import reencode_webp, scrub_archive  # noqa: F401

SHM = Path("/dev/shm")  # noqa: S108 - a private 0700 folder is made inside it
MAT2 = "/usr/bin/mat2"
WALL_SECONDS = 30.0
CPU_SECONDS = 30
MEMORY_BYTES = 1536 * 1024 * 1024
FILE_BYTES = 256 * 1024 * 1024
SLOT_WAIT_SECONDS = 20.0


@dataclass
class CleanFile:
    """A file as it is stored: cleaned bytes, its type, and what the cleaning did (shown to the sender)."""

    filename: str
    media_type: str
    data: bytes
    metadata_removed: bool
    family: str = "text"
    remains: tuple[str, ...] = field(default_factory=tuple)  # what could not be removed (codes)


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

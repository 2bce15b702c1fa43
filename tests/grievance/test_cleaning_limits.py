"""What a hostile file may cost: refused quickly from its headers, or stopped by the limits of mat2's
process; the report it came with is stored, and the sender is told which file was not kept and why."""

from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys
import threading
import time
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from grievance import cleaning, uploads
from grievance.errors import AttachmentRefused
from grievance.models import Attachment, Case
from tests.conftest import csrf_token
from tests.grievance import samples
from tests.grievance.conftest import latest_case, open_followup, post_multipart, submit

pytestmark = pytest.mark.mat2


def picture_bomb_docx(pictures: int = 1000, side: int = 4000) -> bytes:
    """A small DOCX holding many large pictures (each a few KB compressed, 16 Mpx decoded)."""
    out = io.BytesIO()
    Image.new("RGB", (side, side), (255, 255, 255)).save(out, "PNG")
    picture = out.getvalue()
    base = zipfile.ZipFile(io.BytesIO(samples.canary_docx("BOMB")))
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            archive.writestr(info, base.read(info))
        for number in range(pictures):
            archive.writestr(f"word/media/image{number + 2}.png", picture)
    return archive_bytes.getvalue()


def test_picture_bomb_is_refused_from_headers_and_the_report_is_kept(client, reader, session):
    bomb = picture_bomb_docx()
    assert len(bomb) < 2 * 1024 * 1024
    started = time.monotonic()
    response = submit(client, files=[(bomb, "bomb.docx"), (b"my notes", "notes.txt")])
    elapsed = time.monotonic() - started
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "bomb.docx was not kept: it is too large or too complex to process safely." in page
    assert "notes.txt: plain text carries no hidden data" in page
    assert elapsed < 15, elapsed  # not minutes of CPU
    case = latest_case(session)
    assert [a.media_type for a in case.attachments] == ["text/plain"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: _png_header(30_000, 30_000),  # 900 Mpx declared
        lambda: _nested_docx(),
    ],
)
def test_costly_files_are_refused_before_mat2_runs(build, monkeypatch, app):
    ran = []
    monkeypatch.setattr(cleaning, "run_mat2", lambda *args: ran.append(args) or b"")
    data = build()
    name = "huge.png" if data.startswith(b"\x89PNG") else "nested.docx"
    with pytest.raises(AttachmentRefused) as refused:
        cleaning.clean(name, data, app.config["ENDWATCH"])
    assert refused.value.reason == "too_large" and refused.value.filename == name and ran == []


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _nested_docx(depth: int = 4) -> bytes:
    data = samples.canary_docx("NEST")
    for _ in range(depth):
        base = zipfile.ZipFile(io.BytesIO(samples.canary_docx("NEST")))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in base.infolist():
                archive.writestr(info, base.read(info))
            archive.writestr("word/embeddings/inner.docx", data)
        data = out.getvalue()
    return data


def test_mat2_is_stopped_at_its_wall_time_and_leaves_nothing(monkeypatch, app):
    monkeypatch.setattr(cleaning, "WALL_SECONDS", 0.05)  # and no deadline given
    before = {p.name for p in cleaning.SHM.iterdir()}
    with pytest.raises(AttachmentRefused) as refused:
        cleaning.clean("slow.pdf", samples.canary_pdf("SLOW"), app.config["ENDWATCH"])
    assert refused.value.reason == "too_large"
    assert {p.name for p in cleaning.SHM.iterdir()} - before == set()
    leftovers = subprocess.run(["pgrep", "-f", "mat2 --inplace"], capture_output=True, text=True, check=False)
    assert leftovers.stdout.strip() == ""


def test_mat2_runs_without_network():
    prefix = cleaning.network_isolation()
    assert prefix, "neither `unshare -n` nor `unshare -r -n` works here"
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    probe = f"import socket; socket.create_connection(('127.0.0.1', {port}), 2)"
    outside = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False)
    inside = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, check=False)
    listener.close()
    assert outside.returncode == 0 and inside.returncode != 0


def test_a_file_waiting_too_long_for_a_cleaning_slot_is_not_kept_but_the_report_is(
    client, reader, session, monkeypatch, app
):
    monkeypatch.setattr(cleaning, "SLOT_WAIT_SECONDS", 0.3)
    held, release = threading.Event(), threading.Event()

    def hold_every_slot() -> None:
        config = app.config["ENDWATCH"]
        with contextlib.ExitStack() as stack:
            for name in cleaning.slot_names("photo"):  # a photo may take any slot
                stack.enter_context(cleaning.cleaning_slot(config, wait=5, names=[name]))
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_every_slot)
    holder.start()
    try:
        assert held.wait(10)
        response = submit(client, files=[(samples.jpeg_with_gps(), "photo.jpg")])
    finally:
        release.set()
        holder.join()
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "photo.jpg was not kept: we could not process it now." in page
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_follow_up_uploads_are_rate_limited_per_visit(submit_report, client, session):
    receipt = submit_report()
    open_followup(client, receipt)
    allowed = int(uploads.FOLLOWUP_UPLOAD_LIMIT.split()[0])
    statuses = []
    for number in range(allowed + 1):
        token = csrf_token(client, "/followup/case")
        data = {"csrf_token": token, "body": "", "attachments": [(io.BytesIO(b"more"), f"{number}.txt")]}
        statuses.append(post_multipart(client, "/followup/case", data).status_code)
    assert statuses[:allowed] == [302] * allowed and statuses[-1] == 429
    token = csrf_token(client, "/followup/case")  # messages without files still go through
    assert client.post("/followup/case", data={"csrf_token": token, "body": "still here"}).status_code == 302


def test_files_beyond_the_request_budget_are_not_kept_but_the_report_is(client, reader, session, monkeypatch):
    monkeypatch.setattr(uploads, "REQUEST_BUDGET_SECONDS", 0.5)  # less than a cleaning needs to start
    files = [(samples.jpeg_with_gps(), "one.jpg"), (b"words", "words.txt")]
    response = submit(client, files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "one.jpg was not kept: we could not process it now." in page
    assert "words.txt: plain text carries no hidden data" in page
    assert [a.media_type for a in latest_case(session).attachments] == ["text/plain"]


def test_each_file_is_described_in_the_submitters_language(client, reader, session):
    client.get("/?lang=ar")
    files = [(samples.jpeg_with_gps(), "صورة.jpg"), (picture_bomb_docx(pictures=20), "محضر.docx")]
    page = submit(client, files=files).get_data(as_text=True)
    assert "صورة.jpg: أُزيل الموقع وبيانات الكاميرا" in page
    assert "لم نحتفظ بالملف محضر.docx: إنه أكبر أو أعقد من أن نعالجه بأمان." in page
    assert "hidden data" not in page


def test_costly_documents_cannot_take_the_slot_photos_may_use(app):
    config = app.config["ENDWATCH"]
    heavy = cleaning.slot_names("pdf")
    assert set(heavy) < set(cleaning.slot_names("photo"))
    with contextlib.ExitStack() as stack:
        for name in heavy:  # every slot a PDF may take is busy (hostile PDFs)
            stack.enter_context(cleaning.cleaning_slot(config, wait=5, names=[name]))
        started = time.monotonic()
        clean = cleaning.clean("photo.jpg", samples.jpeg_with_gps(), config, deadline=time.monotonic() + 10)
        assert clean.media_type == "image/jpeg" and time.monotonic() - started < 8
        with pytest.raises(AttachmentRefused) as refused:
            cleaning.clean("letter.pdf", samples.pdf_with_metadata(), config, deadline=time.monotonic() + 2)
        assert refused.value.reason == "busy"

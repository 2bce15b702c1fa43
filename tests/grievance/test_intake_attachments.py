from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from grievance import access, attachments, intake
from grievance.content import read_attachment, read_content
from grievance.errors import AttachmentRefused
from grievance.models import Attachment, Case
from tests.grievance import samples
from tests.grievance.canary_scan import hits
from tests.grievance.conftest import latest_case, post_multipart, private_key_of, submit

pytestmark = pytest.mark.mat2


def stored_plaintexts(app, session, reader) -> dict[str, bytes]:
    case = latest_case(session)
    data_key = access.unlock(session, case, private_key_of(reader))
    content = read_content(case, data_key)
    by_id = {a.id: a for a in case.attachments}
    return {
        view.filename: read_attachment(app.config["ENDWATCH"], case, data_key, by_id[view.id])
        for view in content.attachments
    }


def test_photo_location_and_camera_are_removed(submit_report, app, session, reader):
    original = samples.jpeg_with_gps()
    assert b"CANARYCAM" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    submit_report(files=[(original, "holiday.jpg"), (samples.png_with_text(), "shot.png")])
    files = stored_plaintexts(app, session, reader)
    jpeg = files["holiday.jpg"]
    assert b"CANARYCAM" not in jpeg
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert b"CANARYPNG" not in files["shot.png"]
    assert all(a.metadata_removed for a in latest_case(session).attachments)


def test_pdf_and_office_properties_are_removed(submit_report, app, session, reader):
    submit_report(
        files=[
            (samples.pdf_with_metadata(), "letter.pdf"),
            (samples.docx_with_properties(), "minutes.docx"),
            (samples.odt_with_meta(), "notes.odt"),
        ]
    )
    files = stored_plaintexts(app, session, reader)
    pdf = PdfReader(io.BytesIO(files["letter.pdf"]))
    assert len(pdf.pages) == 1 and not (pdf.metadata or {}).get("/Author")
    with zipfile.ZipFile(io.BytesIO(files["minutes.docx"])) as docx:
        assert b"Hello" in docx.read("word/document.xml")
        assert b"CANARYDOCX" not in docx.read("docProps/core.xml") + docx.read("docProps/app.xml")
    with zipfile.ZipFile(io.BytesIO(files["notes.odt"])) as odt:
        assert odt.namelist()[0] == "mimetype" and odt.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert "meta.xml" not in odt.namelist() and b"meta.xml" not in odt.read("META-INF/manifest.xml")
    for name, data in files.items():
        assert hits(data, "CANARY") == [], name


def test_type_is_checked_on_content_not_name(client, reader, session):
    response = submit(client, files=[(samples.ELF, "photo.jpg")])
    assert response.status_code == 400
    assert "photo.jpg is not a type we accept" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert attachments.sniff(b"%PDF-1.7 rest") == "application/pdf"
    assert attachments.sniff("plain words, ünïcode".encode()) == "text/plain"
    assert attachments.sniff(b"PK\x03\x04 not a zip") is None


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"plain words, not a program", "setup.exe"),
        (samples.png_with_text(), "contract.pdf"),
        (samples.pdf_with_metadata(), "photo.jpg"),
        (samples.docx_with_properties(), "sheet.xlsx"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(client, reader, session, content, name):
    response = submit(client, files=[(content, name)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"The content of {name} does not match its name" in page and "Nothing was stored" in page
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_broken_file_of_an_accepted_type_is_refused_not_stored_uncleaned(app):
    with pytest.raises(AttachmentRefused) as refused:
        attachments.clean("x.jpg", b"\xff\xd8\xff\xe0 broken jpeg", app.config["ENDWATCH"])
    assert refused.value.reason == "unreadable"


@pytest.fixture
def app_config(app_config):
    app_config.update(attachment_max_mb=1, submission_max_mb=2)
    return app_config


def test_size_limits_per_file_and_per_submission(client, reader, session):
    big = b"a" * (1024 * 1024 + 1)
    response = submit(client, files=[(big, "big.txt")])
    assert response.status_code == 400 and "big.txt is larger than 1 MB" in response.get_data(as_text=True)
    almost = b"b" * (1024 * 1024 - 10)
    response = submit(client, files=[(almost, "1.txt"), (almost, "2.txt"), (almost, "3.txt")])
    assert response.status_code == 400 and "may not exceed 2 MB" in response.get_data(as_text=True)
    response = submit(client, files=[(b"x", f"{n}.txt") for n in range(attachments.MAX_FILES + 1)])
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert list(attachments.folder(client.application.config["ENDWATCH"]).iterdir()) == []


def test_files_are_encrypted_and_written_under_random_names(submit_report, app, session):
    submit_report(files=[(b"CANARY plain text evidence", "evidence.txt")])
    folder = attachments.folder(app.config["ENDWATCH"])
    (stored,) = list(folder.iterdir())
    row = session.scalars(select(Attachment)).one()
    assert stored.name == row.stored_name and "evidence" not in stored.name
    assert b"CANARY" not in stored.read_bytes()
    assert oct(stored.stat().st_mode & 0o777) == "0o600"


def test_rollback_removes_files_written_for_the_case(app, session, reader):
    config = app.config["ENDWATCH"]
    nested = session.begin_nested()
    clean = attachments.clean("a.txt", b"hello", config)
    intake.create_case(session, config, intake.Submission(what="x"), [clean])
    folder = attachments.folder(config)
    assert len(list(folder.iterdir())) == 1
    nested.rollback()
    session.rollback()
    assert list(folder.iterdir()) == []


def test_sweep_removes_only_old_orphans(submit_report, app, session):
    config = app.config["ENDWATCH"]
    submit_report(files=[(b"kept", "kept.txt")])
    folder = attachments.folder(config)
    old_orphan, new_orphan, temp = folder / "deadbeef", folder / "cafebabe", folder / ".tmp-0011"
    for path in (old_orphan, new_orphan, temp):
        path.write_bytes(b"x")
    hour_ago = time.time() - 3 * 3600  # file times are rounded down to the hour
    os.utime(old_orphan, (hour_ago, hour_ago))
    os.utime(temp, (hour_ago, hour_ago))
    assert attachments.sweep_orphans(session, config) == 2
    remaining = {p.name for p in folder.iterdir()}
    assert remaining == {session.scalars(select(Attachment.stored_name)).one(), "cafebabe"}


def test_submitter_adds_files_at_follow_up(submit_report, client, session, reader, app):
    from tests.conftest import csrf_token
    from tests.grievance.conftest import open_followup

    receipt = submit_report()
    open_followup(client, receipt)
    token = csrf_token(client, "/followup/case")
    response = post_multipart(
        client,
        "/followup/case",
        {"csrf_token": token, "body": "", "attachments": [(io.BytesIO(samples.jpeg_with_gps()), "more.jpg")]},
    )
    assert response.status_code == 302
    files = stored_plaintexts(app, session, reader)
    assert b"CANARYCAM" not in files["more.jpg"]
    assert "more.jpg" in client.get("/followup/case").get_data(as_text=True)

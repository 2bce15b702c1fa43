"""Where Endwatch does more than mat2: each in-process step is kept only because mat2 alone leaves data."""

from __future__ import annotations

import io
import zipfile

import pytest

from grievance import cleaning
from grievance.errors import AttachmentRefused
from tests.grievance import samples
from tests.grievance.canary_scan import hits

pytestmark = pytest.mark.mat2


@pytest.mark.parametrize(
    ("name", "build", "left_by_mat2"),
    [
        ("payroll.xlsx", samples.canary_xlsx, "xl/workbook.xml"),  # x15ac:absPath
        ("notes.odt", samples.canary_odt, "settings.xml"),  # printer name
        ("table.ods", samples.canary_ods, "content.xml"),  # annotation author
        ("minutes.docx", samples.canary_docx, "workbook.xml"),  # absPath of the embedded workbook
        ("minutes.docx", samples.canary_docx, "word/header1.xml"),  # tracked changes in a header
        ("minutes.docx", samples.canary_docx, "word/document.xml"),  # a formatting change's author
        ("minutes.docx", samples.canary_docx, "word/settings.xml"),  # mail-merge path, document variables
    ],
)
def test_mat2_alone_leaves_data_that_the_scrub_removes(name, build, left_by_mat2):
    marker = "QZXMAT" + name.split(".")[0].upper()
    kind = cleaning.check(name, build(marker))
    after_mat2 = cleaning.run_mat2(build(marker), kind.mat2_extension)
    assert any(place.endswith(left_by_mat2) for place in hits(after_mat2, marker)), hits(after_mat2, marker)
    assert hits(cleaning.scrub_archive(after_mat2), marker) == []


def test_webp_is_not_a_mat2_type_and_is_re_encoded_from_pixels():
    kind = cleaning.check("phone.webp", samples.canary_webp("QZXWEBP"))
    assert kind.mat2_extension == ""
    assert hits(cleaning.reencode_webp(samples.canary_webp("QZXWEBP")), "QZXWEBP") == []


def test_a_document_whose_embedded_document_mat2_refuses_is_cleaned_without_it(app):
    data = samples.canary_docx("QZXEMB", modern_parts=True)
    with pytest.raises(AttachmentRefused):
        cleaning.run_mat2(data, ".docx")  # mat2 aborts on the embedded workbook's unknown parts
    clean = cleaning.clean("minutes.docx", data, app.config["ENDWATCH"])
    with zipfile.ZipFile(io.BytesIO(clean.data)) as docx:
        assert not any(name.startswith("word/embeddings/") for name in docx.namelist())
        assert b"Visible words" in docx.read("word/document.xml")
    assert hits(clean.data, "QZXEMB") == []

"""What mat2 leaves in office documents, removed after it, and WebP re-encoded from its pixels (mat2 does
not read WebP). Each case is proven by tests/grievance/test_cleaning_mat2.py and the canary tests."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image

from grievance.errors import AttachmentRefused

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

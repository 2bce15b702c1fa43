# ruff: noqa: E501
"""Sample files carrying identifying metadata, built in memory."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter


def jpeg_with_gps(marker: str = "CANARYCAM") -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = marker  # Make
    exif[0x013B] = marker + " artist"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    gps[3] = "E"
    gps[4] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=marker.encode())
    return out.getvalue()


def png_with_text(marker: str = "CANARYPNG") -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", marker)
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_metadata(marker: str = "CANARYPDF", body: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": marker, "/Producer": marker + " producer", "/Title": body or "report"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""


def docx_with_properties(marker: str = "CANARYDOCX", body: str = "Hello") -> bytes:
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{marker}</dc:creator></cp:coreProperties>'
    )
    app = f'<?xml version="1.0"?><Properties><Company>{marker} Inc</Company></Properties>'
    document = (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("docProps/core.xml", core)
        archive.writestr("docProps/app.xml", app)
        archive.writestr("word/media/image1.jpeg", jpeg_with_gps(marker + "IMG"))
    return out.getvalue()


def odt_with_meta(marker: str = "CANARYODT") -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            zipfile.ZIP_DEFLATED,
        )
        archive.writestr("meta.xml", f"<meta><creator>{marker}</creator></meta>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


# -- canary-laden files of every accepted type (tests/grievance/test_cleaning_canaries.py) ---------------
# Each builder hides `marker` (followed by where it was put) everywhere a real file keeps identifying data.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xmp(marker: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{marker}-xmp" '
        f'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="{marker}-tool"/></rdf:RDF></x:xmpmeta>'
        '<?xpacket end="w"?>'
    ).encode()


def _exif(marker: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = marker + "-make"
    exif[0x013B] = marker + "-artist"
    exif[0x9286] = marker + "-usercomment"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 31.0, 12.0), "E", (13.0, 24.0, 36.0)
    return exif


def canary_jpeg(marker: str, size: tuple[int, int] = (64, 48), noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 60).convert("RGB") if noise else Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=_exif(marker), comment=(marker + "-comment").encode(), quality=95)
    data = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + _xmp(marker)
    segment = b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp
    return data[:2] + segment + data[2:]


def canary_png(marker: str) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", marker + "-author")
    info.add_itxt("XML:com.adobe.xmp", _xmp(marker).decode())
    info.add_text("Comment", marker + "-ztxt", zip=True)
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, "PNG", pnginfo=info, exif=_exif(marker))
    return out.getvalue()


def canary_webp(marker: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 200, 0)).save(out, "WEBP", exif=_exif(marker), xmp=_xmp(marker))
    return out.getvalue()


def canary_gif(marker: str) -> bytes:
    out = io.BytesIO()
    Image.new("P", (16, 16), 3).save(out, "GIF", comment=(marker + "-comment").encode())
    return out.getvalue()


def canary_tiff(marker: str) -> bytes:
    from PIL import TiffImagePlugin

    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[315] = marker + "-artist"
    info[270] = marker + "-description"
    info[305] = marker + "-software"
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 9, 9)).save(out, "TIFF", tiffinfo=info)
    return out.getvalue()


def canary_pdf(marker: str) -> bytes:
    """Info, XMP, trailer /ID, annotation author, embedded file, /PieceInfo, form XObject metadata."""
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=300)
    writer.add_metadata({"/Author": marker + "-author", "/Creator": marker + "-creator"})
    xmp = DecodedStreamObject()
    xmp.set_data(_xmp(marker))
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    writer._ID = ArrayObject(
        [ByteStringObject((marker + "-id0").encode()), ByteStringObject((marker + "-id1").encode())]
    )
    piece = DictionaryObject(
        {
            NameObject("/Illustrator"): DictionaryObject(
                {NameObject("/Private"): TextStringObject(marker + "-piece")}
            )
        }
    )
    page[NameObject("/PieceInfo")] = piece
    form_meta = DecodedStreamObject()
    form_meta.set_data(_xmp(marker + "-form"))
    form = DecodedStreamObject()
    form.set_data(b"0 0 1 rg 10 10 50 50 re f")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]
            ),
            NameObject("/Metadata"): writer._add_object(form_meta),
            NameObject("/PieceInfo"): piece,
        }
    )
    content = DecodedStreamObject()
    content.set_data(b"q /Fm1 Do Q BT /F1 12 Tf 20 200 Td (Visible words) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject({NameObject("/Fm1"): writer._add_object(form)}),
            NameObject("/Font"): DictionaryObject(
                {
                    NameObject("/F1"): DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Font"),
                            NameObject("/Subtype"): NameObject("/Type1"),
                            NameObject("/BaseFont"): NameObject("/Helvetica"),
                        }
                    )
                }
            ),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(100), FloatObject(100), FloatObject(120), FloatObject(120)]
            ),
            NameObject("/T"): TextStringObject(marker + "-annotauthor"),
            NameObject("/Contents"): TextStringObject(marker + "-annotnote"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    writer.add_attachment("secret.txt", (marker + "-embedded").encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip(members: list[tuple[str, bytes | str]], stored_first: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            method = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, method)
    return out.getvalue()


def _core(marker: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
        f"{marker}-creator</dc:creator><cp:lastModifiedBy>{marker}-lastmodified</cp:lastModifiedBy>"
        "</cp:coreProperties>"
    )


def _app(marker: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Company>{marker}-company</Company><Manager>{marker}-manager</Manager></Properties>"
    )


def _custom(marker: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner">'
        f"<vt:lpwstr>{marker}-custom</vt:lpwstr></property></Properties>"
    )


def _package_rels(main: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/officeDocument" Target="{main}"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{R_NS}/extended-properties" Target="docProps/app.xml"/>'
        f'<Relationship Id="rId4" Type="{R_NS}/custom-properties" Target="docProps/custom.xml"/>'
        "</Relationships>"
    )


def _content_types(overrides: dict[str, str]) -> str:
    parts = "".join(f'<Override PartName="/{name}" ContentType="{ct}"/>' for name, ct in overrides.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="jpeg" ContentType="image/jpeg"/>'
        '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
        f"{parts}</Types>"
    )


PROPS_CT = {
    "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
}
OOXML = "application/vnd.openxmlformats-officedocument"


def canary_xlsx(marker: str, modern_parts: bool = True) -> bytes:
    """Properties, x15ac:absPath to the author's folder, comment authors; with `modern_parts`, also the
    people of threaded comments and the path of a linked workbook (parts mat2 does not know)."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{R_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" mc:Ignorable="x15ac">'
        '<mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath '
        f'url="C:\\Users\\{marker}-abspath\\Documents\\"/></mc:Choice></mc:AlternateContent>'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Visible cell</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    sheet_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/comments" Target="../comments1.xml"/></Relationships>'
    )
    comments = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<authors><author>{marker}-commentauthor</author></authors><commentList>"
        f'<comment ref="A1" authorId="0"><text><t>{marker}-commenttext</t></text></comment>'
        "</commentList></comments>"
    )
    content_types = _content_types(
        {
            "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "xl/worksheets/sheet1.xml": f"{OOXML}.spreadsheetml.worksheet+xml",
            "xl/comments1.xml": f"{OOXML}.spreadsheetml.comments+xml",
            **PROPS_CT,
        }
    )
    modern = [
        (
            "xl/persons/person.xml",
            '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            f'<person displayName="{marker}-person" id="{{1}}" userId="{marker}@example.org" providerId="AD"/>'
            "</personList>",
        ),
        (
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<externalBook r:id="rId1" xmlns:r="{R_NS}"/></externalLink>',
        ),
        (
            "xl/externalLinks/_rels/externalLink1.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{R_NS}/externalLinkPath" '
            f'Target="file:///C:\\Users\\{marker}-extlink\\Budget.xlsx" TargetMode="External"/>'
            "</Relationships>",
        ),
    ]
    return _zip(
        [
            *(modern if modern_parts else []),
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", _package_rels("xl/workbook.xml")),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/worksheets/_rels/sheet1.xml.rels", sheet_rels),
            ("xl/comments1.xml", comments),
            ("docProps/core.xml", _core(marker)),
            ("docProps/app.xml", _app(marker)),
            ("docProps/custom.xml", _custom(marker)),
        ]
    )


def canary_docx(marker: str, modern_parts: bool = False) -> bytes:
    """Properties, comment and tracked-change authors, people.xml, template path, customXml, an
    embedded workbook with its own properties, a photo with EXIF."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        '<w:body><w:p><w:pPr><w:pPrChange w:id="4" w:author="' + marker + '-pprauthor"><w:pPr/></w:pPrChange>'
        '</w:pPr><w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="' + marker + '-rprauthor"><w:rPr/>'
        "</w:rPrChange></w:rPr><w:t>Visible words</w:t></w:r>"
        f'<w:ins w:id="1" w:author="{marker}-insauthor" w:date="2024-01-01T00:00:00Z"><w:r><w:t>added</w:t></w:r></w:ins>'
        f'<w:del w:id="2" w:author="{marker}-delauthor" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>{marker}-deleted</w:delText></w:r></w:del>'
        '<w:commentRangeStart w:id="0"/><w:r><w:t>commented</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:commentReference w:id="0"/></w:r></w:p></w:body></w:document>'
    )
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W_NS}">'
        f'<w:comment w:id="0" w:author="{marker}-commentauthor" w:initials="ZZ"><w:p><w:r><w:t>{marker}-commenttext'
        "</w:t></w:r></w:p></w:comment></w:comments>"
    )
    header = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W_NS}"><w:p>'
        f'<w:ins w:id="5" w:author="{marker}-hdrinsauthor"><w:r><w:t>header</w:t></w:r></w:ins>'
        f'<w:del w:id="6" w:author="{marker}-hdrdelauthor"><w:r><w:delText>{marker}-hdrdeleted</w:delText></w:r>'
        "</w:del></w:p></w:hdr>"
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:id="1"><w:p>'
        f'<w:del w:id="7" w:author="{marker}-fnauthor"><w:r><w:delText>{marker}-fndeleted</w:delText></w:r>'
        "</w:del></w:p></w:footnote></w:footnotes>"
    )
    people = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:people '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        f'<w15:person w15:author="{marker}-person"><w15:presenceInfo w15:providerId="AD" '
        f'w15:userId="S-1-5-21-{marker}-sid"/></w15:person></w15:people>'
    )
    settings = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        '<w:attachedTemplate r:id="rId1"/><w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
        f'<w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;Data Source=C:\\Users\\{marker}-mailmerge\\list.xlsx"/>'
        f'</w:mailMerge><w:docVars><w:docVar w:name="DMSUser" w:val="{marker}-docvar"/></w:docVars></w:settings>'
    )
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/attachedTemplate" '
        f'Target="file:///C:\\Users\\{marker}-template\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm" '
        'TargetMode="External"/></Relationships>'
    )
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/comments" Target="comments.xml"/>'
        f'<Relationship Id="rId2" Type="{R_NS}/settings" Target="settings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2011/relationships/people" '
        'Target="people.xml"/>'
        f'<Relationship Id="rId4" Type="{R_NS}/image" Target="media/image1.jpeg"/>'
        f'<Relationship Id="rId5" Type="{R_NS}/package" Target="embeddings/Microsoft_Excel_Worksheet.xlsx"/>'
        f'<Relationship Id="rId6" Type="{R_NS}/customXml" Target="../customXml/item1.xml"/>'
        f'<Relationship Id="rId7" Type="{R_NS}/header" Target="header1.xml"/>'
        f'<Relationship Id="rId8" Type="{R_NS}/footnotes" Target="footnotes.xml"/>'
        "</Relationships>"
    )
    content_types = _content_types(
        {
            "word/document.xml": f"{OOXML}.wordprocessingml.document.main+xml",
            "word/comments.xml": f"{OOXML}.wordprocessingml.comments+xml",
            "word/settings.xml": f"{OOXML}.wordprocessingml.settings+xml",
            "word/people.xml": f"{OOXML}.wordprocessingml.people+xml",
            "word/header1.xml": f"{OOXML}.wordprocessingml.header+xml",
            "word/footnotes.xml": f"{OOXML}.wordprocessingml.footnotes+xml",
            "customXml/itemProps1.xml": f"{OOXML}.customXmlProperties+xml",
            **PROPS_CT,
        }
    )
    return _zip(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", _package_rels("word/document.xml")),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", document_rels),
            ("word/comments.xml", comments),
            ("word/people.xml", people),
            ("word/header1.xml", header),
            ("word/footnotes.xml", footnotes),
            ("word/settings.xml", settings),
            ("word/_rels/settings.xml.rels", settings_rels),
            ("word/media/image1.jpeg", canary_jpeg(marker + "-docximage")),
            (
                "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
                canary_xlsx(marker + "-embedded", modern_parts),
            ),
            ("customXml/item1.xml", f"<root><owner>{marker}-customxml</owner></root>"),
            (
                "customXml/itemProps1.xml",
                '<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" '
                f'ds:itemID="{marker}-itemprops"/>',
            ),
            ("docProps/core.xml", _core(marker)),
            ("docProps/app.xml", _app(marker)),
            ("docProps/custom.xml", _custom(marker)),
        ]
    )


def canary_pptx(marker: str) -> bytes:
    presentation = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        f'xmlns:r="{R_NS}"><p:sldIdLst><p:sldId id="256" r:id="rId1"/></p:sldIdLst>'
        '<p:sldSz cx="9144000" cy="6858000"/></p:presentation>'
    )
    presentation_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/slide" Target="slides/slide1.xml"/>'
        f'<Relationship Id="rId2" Type="{R_NS}/commentAuthors" Target="commentAuthors.xml"/>'
        "</Relationships>"
    )
    slide = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
        '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>'
        "</p:spTree></p:cSld></p:sld>"
    )
    slide_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/comments" Target="../comments/comment1.xml"/></Relationships>'
    )
    authors = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:cmAuthorLst '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        f'<p:cmAuthor id="0" name="{marker}-commentauthor" initials="ZZ" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
    )
    comment = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:cmLst '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cm authorId="0" idx="1">'
        f'<p:pos x="10" y="10"/><p:text>{marker}-commenttext</p:text></p:cm></p:cmLst>'
    )
    content_types = _content_types(
        {
            "ppt/presentation.xml": f"{OOXML}.presentationml.presentation.main+xml",
            "ppt/slides/slide1.xml": f"{OOXML}.presentationml.slide+xml",
            "ppt/commentAuthors.xml": f"{OOXML}.presentationml.commentAuthors+xml",
            "ppt/comments/comment1.xml": f"{OOXML}.presentationml.comments+xml",
            **PROPS_CT,
        }
    )
    return _zip(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", _package_rels("ppt/presentation.xml")),
            ("ppt/presentation.xml", presentation),
            ("ppt/_rels/presentation.xml.rels", presentation_rels),
            ("ppt/slides/slide1.xml", slide),
            ("ppt/slides/_rels/slide1.xml.rels", slide_rels),
            ("ppt/commentAuthors.xml", authors),
            ("ppt/comments/comment1.xml", comment),
            ("docProps/core.xml", _core(marker)),
            ("docProps/app.xml", _app(marker)),
            ("docProps/custom.xml", _custom(marker)),
        ]
    )


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def _odf(marker: str, media_type: str, body: str) -> bytes:
    annotation = (
        f"<office:annotation><dc:creator>{marker}-annotauthor</dc:creator><dc:date>2024-01-01T10:00:00</dc:date>"
        f"<text:p>{marker}-annottext</text:p></office:annotation>"
    )
    changes = (
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>'
        f"<dc:creator>{marker}-changeauthor</dc:creator><dc:date>2024-01-01T10:00:00</dc:date>"
        f"</office:change-info><text:p>{marker}-deletedtext</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.3">'
        f"<office:body>{body.format(annotation=annotation, changes=changes)}</office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta>'
        f"<meta:initial-creator>{marker}-initialcreator</meta:initial-creator><dc:creator>{marker}-creator</dc:creator>"
        f"<meta:generator>{marker}-generator</meta:generator></office:meta></office:document-meta>"
    )
    settings = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-settings {ODF_NS}><office:settings>'
        '<config:config-item-set config:name="ooo:configuration-settings">'
        f'<config:config-item config:name="PrinterName" config:type="string">{marker}-printer</config:config-item>'
        "</config:config-item-set></office:settings></office:document-settings>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{media_type}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" manifest:media-type="image/png"/>'
        "</manifest:manifest>"
    )
    return _zip(
        [
            ("mimetype", media_type),
            ("content.xml", content),
            ("meta.xml", meta),
            ("settings.xml", settings),
            ("Thumbnails/thumbnail.png", canary_png(marker + "-thumbnail")),
            ("META-INF/manifest.xml", manifest),
        ],
        stored_first="mimetype",
    )


def canary_odt(marker: str) -> bytes:
    body = "<office:text>{changes}<text:p>Visible words{annotation}</text:p></office:text>"
    return _odf(marker, "application/vnd.oasis.opendocument.text", body)


def canary_ods(marker: str) -> bytes:
    body = (
        '<office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell>'
        "{annotation}<text:p>Visible cell</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet>"
    )
    return _odf(marker, "application/vnd.oasis.opendocument.spreadsheet", body)


def canary_odp(marker: str) -> bytes:
    body = '<office:presentation><draw:page draw:name="page1">{annotation}</draw:page></office:presentation>'
    return _odf(marker, "application/vnd.oasis.opendocument.presentation", body)


def canary_odg(marker: str) -> bytes:
    body = '<office:drawing><draw:page draw:name="page1">{annotation}</draw:page></office:drawing>'
    return _odf(marker, "application/vnd.oasis.opendocument.graphics", body)


def canary_epub(marker: str) -> bytes:
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="uid">{marker}-identifier</dc:identifier><dc:title>Visible title</dc:title>'
        f"<dc:creator>{marker}-creator</dc:creator><dc:language>en</dc:language>"
        f'<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta></metadata>'
        '<manifest><item id="c1" href="chapter.xhtml" media-type="application/xhtml+xml"/></manifest>'
        '<spine><itemref idref="c1"/></spine></package>'
    )
    chapter = (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<title>Chapter</title><meta name="author" content="{marker}-htmlmeta"/></head>'
        "<body><p>Visible words</p></body></html>"
    )
    return _zip(
        [
            ("mimetype", "application/epub+zip"),
            ("META-INF/container.xml", container),
            ("OEBPS/content.opf", opf),
            ("OEBPS/chapter.xhtml", chapter),
        ],
        stored_first="mimetype",
    )


def canary_media(marker: str, extension: str) -> bytes:
    """A one-second tone (and picture, for video) from ffmpeg, with tags naming `marker`."""
    import subprocess
    import tempfile

    inputs = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
    if extension in (".mp4", ".avi", ".mov"):
        inputs += ["-f", "lavfi", "-i", "color=c=red:size=64x48:duration=1:rate=5"]
    codec = {
        ".mp3": ["-c:a", "libmp3lame"],
        ".ogg": ["-c:a", "libvorbis"],
        ".opus": ["-c:a", "libopus"],
        ".flac": ["-c:a", "flac"],
        ".wav": ["-c:a", "pcm_s16le"],
        ".m4a": ["-c:a", "aac"],
        ".mp4": ["-c:a", "aac", "-c:v", "mpeg4"],
        ".mov": ["-c:a", "aac", "-c:v", "mpeg4"],
        ".avi": ["-c:a", "libmp3lame", "-c:v", "mpeg4"],
    }[extension]
    tags = []
    for key in ("artist", "title", "comment", "album", "encoded_by", "location"):
        tags += ["-metadata", f"{key}={marker}-{key}"]
    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:
        out = f"{folder}/out{extension}"
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", *inputs, *codec, *tags, out],
            check=True,
            capture_output=True,
        )
        with open(out, "rb") as handle:
            return handle.read()


CANARY_BUILDERS = {
    "photo.jpg": canary_jpeg,
    "scan.png": canary_png,
    "phone.webp": canary_webp,
    "animation.gif": canary_gif,
    "fax.tiff": canary_tiff,
    "letter.pdf": canary_pdf,
    "minutes.docx": canary_docx,
    "payroll.xlsx": canary_xlsx,
    "slides.pptx": canary_pptx,
    "notes.odt": canary_odt,
    "table.ods": canary_ods,
    "talk.odp": canary_odp,
    "map.odg": canary_odg,
    "book.epub": canary_epub,
    **{
        f"recording{ext}": (lambda marker, ext=ext: canary_media(marker, ext))
        for ext in (".mp3", ".ogg", ".opus", ".flac", ".wav", ".m4a", ".mp4", ".avi", ".mov")
    },
}

"""Files and resources for the resource-library tests.

File builders return bytes of small but real files of each accepted type (and of a few refused
ones); `upload` wraps bytes as a Django upload. Resources are made through the actions, so the
tests exercise the same path as the back office.
"""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from editorial import drafts as actions
from resources.models import ResourceKind, Validity

# -- files --------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An uploaded file; the browser's content type is deliberately meaningless to the checks."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def image_bytes(fmt="JPEG", size=(800, 600), color=(200, 30, 30), mode="RGB", **save_options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save_options)
    return out.getvalue()


def jpeg_with_gps(size=(800, 600), orientation=None) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone X"  # Model
    if orientation:
        exif[0x0112] = orientation
    gps = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares huge dimensions (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def pdf_bytes(text: str = "Hello 13800138000", extra_catalog: str = "") -> bytes:
    """A one-page PDF showing `text` (ASCII) in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {extra_catalog}>>".encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _zip(members: dict[str, bytes | str], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first), members[first], compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            if name != first:
                archive.writestr(name, content)
    return out.getvalue()


CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(paragraphs=("第一段", "联系电话13800138000")) -> bytes:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document, "_rels/.rels": "<x/>"})


def docm_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": b"\x00macro",
        }
    )


def xlsx_bytes() -> bytes:
    shared = "<sst><si><t>姓名</t></si><si><t>身份证号</t></si></sst>"
    sheet = (
        '<worksheet><sheetData><row><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2"><v>13800138000</v></c></row>'
        "</sheetData></worksheet>"
    )
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": "<workbook/>",
            "xl/sharedStrings.xml": shared,
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


def pptx_bytes() -> bytes:
    slide = "<p:sld><a:p><a:r><a:t>汇报提纲</a:t></a:r></a:p><a:p><a:r><a:t>第二行</a:t></a:r></a:p></p:sld>"
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": "<p/>", "ppt/slides/slide1.xml": slide})


def odt_bytes() -> bytes:
    content = (
        "<office:document-content><office:body><office:text><text:p>开放文档</text:p>"
        "<text:p>第二段</text:p></office:text></office:body></office:document-content>"
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": content,
            "META-INF/manifest.xml": "<m/>",
        },
        first="mimetype",
    )


def ofd_bytes() -> bytes:
    page = '<ofd:Page><ofd:Content><ofd:Layer><ofd:TextObject><ofd:TextCode X="0">电子公文</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>'
    return _zip({"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<d/>", "Doc_0/Pages/Page_0/Content.xml": page})


def zip_bytes() -> bytes:
    return _zip({"材料/说明.txt": "说明".encode(), "材料/表格.csv": "a,b\n1,2\n"})


def ole_bytes(stream: str = "WordDocument") -> bytes:
    """The start of an OLE compound file with a directory entry naming `stream` (enough for sniffing)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    return header + entry + b"\x00" * 1024


def mp4_bytes(brand: bytes = b"isom") -> bytes:
    ftyp = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41"
    moov = b"\x00\x00\x00\x08moov"
    mdat = b"\x00\x00\x00\x10mdat" + b"\x00" * 8
    return ftyp + moov + mdat


PHP = b"<?php system($_GET['c']); ?>\n"
HTML_PAGE = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><circle r='5'/></svg>"
)


# -- resources ----------------------------------------------------------------------------------


def article_data(**overrides) -> dict:
    return {
        "subtitle": "",
        "body": "<p>各乡镇人民政府：</p><p>请做好春季森林防火工作。</p>",
        "summary": "春季森林防火工作的通知",
        **overrides,
    }


def make_article(site, user, *, title="关于做好春季防火工作的通知", column=None, metadata=None, **data):
    return actions.create_resource(
        site,
        ResourceKind.ARTICLE,
        title=title,
        metadata=metadata or {"source": "市应急管理局", "author": "李明", "keywords": "防火,春季"},
        data=article_data(**data),
        column=column,
        acting_user=user,
    )


def make_image(site, user, *, title="防火宣传图", alt="森林防火宣传画", size=(800, 600)):
    asset = actions.upload_asset(
        upload("poster.jpg", image_bytes(size=size)), kind=ResourceKind.IMAGE, acting_user=user
    )
    return actions.create_resource(
        site, ResourceKind.IMAGE, title=title, metadata={}, data={"alt": alt}, asset=asset, acting_user=user
    )


def make_attachment(site, user, *, title="实施方案", name="方案.pdf", content=None):
    asset = actions.upload_asset(upload(name, content or pdf_bytes()), kind=ResourceKind.ATTACHMENT, acting_user=user)
    return actions.create_resource(
        site, ResourceKind.ATTACHMENT, title=title, metadata={}, data={}, asset=asset, acting_user=user
    )


def policy_data(**overrides) -> dict:
    return {
        "body": "<p>第一条 为了加强森林防火工作，制定本办法。</p>",
        "document_number": "保政办发〔2024〕3号",
        "issuing_body": "保定市人民政府办公室",
        "signing_date": "2024-03-01",
        "publishing_date": "2024-03-05",
        "validity": Validity.VALID,
        **overrides,
    }


def make_policy(site, user, *, title="保定市森林防火办法", **data):
    return actions.create_resource(
        site, ResourceKind.POLICY, title=title, metadata={"source": "保定市人民政府"}, data=policy_data(**data),
        acting_user=user,
    )  # fmt: skip


def make_interpretation(site, user, policies, *, title="《保定市森林防火办法》解读"):
    return actions.create_resource(
        site,
        ResourceKind.INTERPRETATION,
        title=title,
        metadata={"source": "保定市应急管理局"},
        data=article_data(policies=[p.pk for p in policies]),
        acting_user=user,
    )


def zip_bomb_bytes(members: int = 40, member_mb: int = 32, *, office: bool = True) -> bytes:
    """A small ZIP (a DOCX when `office`) whose `members` XML parts each unpack to `member_mb` MB of
    zeros: 40 × 32 MB fit in 1.3 MB. Written by hand, so that the zeros are compressed only once."""
    import struct
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\0" * (1 << 20)
    packed = b"".join(compressor.compress(block) for _ in range(member_mb)) + compressor.flush()
    crc = 0
    for _ in range(member_mb):
        crc = zlib.crc32(block, crc)
    size = member_mb << 20
    entries = []  # (name, crc, compressed, size, data)
    if office:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", "<w:document/>")):
            raw = text.encode()
            squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
            entries.append((name, zlib.crc32(raw), squeezer.compress(raw) + squeezer.flush(), len(raw)))
    entries += [(f"word/header{n}.xml", crc, packed, size) for n in range(members)]
    out, directory = io.BytesIO(), io.BytesIO()
    for name, checksum, data, length in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, checksum, len(data), length,
                              len(encoded), 0) + encoded + data)  # fmt: skip
        directory.write(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, checksum, len(data), length,
                                    len(encoded), 0, 0, 0, 0, 0, offset) + encoded)  # fmt: skip
    start = out.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory.getvalue()),
                          start, 0))  # fmt: skip
    return out.getvalue()

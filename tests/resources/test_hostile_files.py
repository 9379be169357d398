"""Hostile files that look harmless: text in other encodings, polyglots, ZIP bombs (SEC-7, RES-5).

Text checks decode before they look for markup (a UTF-16 page is markup too); a PDF whose first
bytes a browser would read as a web page is refused; a ZIP container (DOCX, XLSX, plain ZIP …) is
judged by its central directory before anything is unpacked: how many members, how much they
unpack to, and by how much they were squeezed.
"""

import io
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError

from resources import files
from resources.models import ResourceKind
from tests.resources import factories as f

ATTACHMENT, IMAGE = ResourceKind.ATTACHMENT, ResourceKind.IMAGE
REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n欢迎访问\n'


def refused(upload, kind=ATTACHMENT) -> str:
    with pytest.raises(ValidationError) as caught:
        files.check_upload(upload, kind)
    return " ".join(caught.value.messages)


# -- text in every encoding a browser reads -----------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(REFRESH.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(b"\xfe\xff" + REFRESH.encode("utf-16-be"), id="utf-16-be with BOM"),
        pytest.param(REFRESH.encode("utf-32"), id="utf-32 with BOM"),
        pytest.param(b"\x00\x00\xfe\xff" + REFRESH.encode("utf-32-be"), id="utf-32-be with BOM"),
        pytest.param(b"\xef\xbb\xbf" + REFRESH.encode(), id="utf-8 with BOM"),
    ],
)
def test_markup_in_text_of_any_unicode_encoding_is_refused(encoded):  # SEC-7
    message = refused(f.upload("说明.html", encoded))
    assert "HTML" in message or "script" in message


def test_markup_deep_in_a_utf16_text_file_is_refused():  # SEC-7: the whole file is read, decoded
    data = ("正常内容\n" * 50_000 + "<script>alert(1)</script>").encode("utf-16")
    assert "HTML" in refused(f.upload("long.txt", data))


def test_utf16_text_is_accepted_and_its_text_read_for_the_confidentiality_check():  # RES-5, PUB-3
    checked = files.check_upload(f.upload("名单.txt", "联系人：张三，电话 13800138000\n".encode("utf-16")), ATTACHMENT)
    assert checked.file_type.key == "txt"
    assert "13800138000" in checked.text and "张三" in checked.text


def test_javascript_named_js_is_stored_as_plain_text():  # SEC-7: the name never chooses the type
    checked = files.check_upload(f.upload("x.js", b"alert(document.domain);\n"), ATTACHMENT)
    assert checked.file_type.key == "txt" and checked.storage_name().endswith(".txt")


# -- polyglots ------------------------------------------------------------------------------------

PDF_POLYGLOT = f.pdf_bytes().replace(
    b"%\xe2\xe3\xcf\xd3\n", b'%<!doctype html><script src="/xw/files/1-x.js"></script>\n', 1
)


def test_a_pdf_that_a_browser_would_read_as_a_web_page_is_refused():  # SEC-7
    message = refused(f.upload("报告.html", PDF_POLYGLOT))
    assert "HTML" in message


def test_an_ordinary_pdf_is_still_accepted():  # RES-5
    assert files.check_upload(f.upload("通知.pdf", f.pdf_bytes()), ATTACHMENT).file_type.key == "pdf"


# -- ZIP bombs ------------------------------------------------------------------------------------


def _timed_refusal(data: bytes, name: str) -> tuple[str, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refused(f.upload(name, data))
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return message, time.perf_counter() - started, peak


@pytest.mark.parametrize(("name", "office"), [("方案.docx", True), ("材料.zip", False)])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(name, office):  # SEC-7
    data = f.zip_bomb_bytes(40, 32, office=office)  # 1.3 MB that unpack to 1.3 GB
    assert len(data) < 2 << 20

    message, seconds, peak = _timed_refusal(data, name)

    assert "unpack" in message
    assert seconds < 2, seconds
    assert peak < 32 << 20, peak


def test_a_zip_with_too_many_members_is_refused(settings):  # SEC-7
    settings.RESOURCES_MAX_ZIP_MEMBERS = 30
    data = f._zip({"[Content_Types].xml": f.CONTENT_TYPES, "word/document.xml": "<w:document/>",
                   **{f"word/media/p{n}.xml": "<x/>" for n in range(40)}})  # fmt: skip
    assert "files inside" in refused(f.upload("方案.docx", data))


# -- decompression bombs in PDFs (the same fault in another container) ----------------------------


def _pdf_with_packed_page(megabytes: int) -> bytes:
    """A one-page PDF whose compressed content stream unpacks to `megabytes` MB (a few KB packed)."""
    import zlib

    packed = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET\n" + b" " * (megabytes << 20), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_pdf_page_that_unpacks_to_60_mb_is_not_read_whole():  # SEC-7
    data = _pdf_with_packed_page(60)
    assert len(data) < 100_000

    tracemalloc.start()
    started = time.perf_counter()
    try:
        checked = files.check_upload(f.upload("通知.pdf", data), ATTACHMENT)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    assert checked.file_type.key == "pdf"
    assert time.perf_counter() - started < 5
    assert peak < 48 << 20, peak

"""The readable text of uploaded attachments, for the confidentiality check (PUB-3) and search.

Text is taken where it can be read without a full office suite: TXT and CSV, PDF (pypdf), and the
XML inside DOCX/XLSX/PPTX, OpenDocument and OFD containers. Reading is capped everywhere (bytes per
ZIP member and per container, read in chunks: resources/ziplimits.py; pages; characters), so a ZIP
bomb or a huge PDF cannot exhaust the server. Text files are decoded as the upload check decoded
them (UTF-16 and UTF-32 with a byte order mark too), so the confidentiality check reads what
citizens would read. The XML is
read with regular expressions, not an XML parser, so no entity or DTD is ever expanded. Extraction
never refuses a file: what cannot be read gives less text.
"""

import codecs
import html
import logging
import re
import time
import zipfile

from django.conf import settings

from resources.sniff import text_encoding
from resources.ziplimits import CappedReader

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 300
PDF_STREAM_BYTES = 8 << 20  # a page's text content is kilobytes; images are not unpacked for text
PDF_SECONDS = 10.0  # text is best effort: what was read by then is kept


def max_text_chars() -> int:
    return getattr(settings, "RESOURCES_MAX_EXTRACTED_TEXT", 200_000)


def _cap(text: str) -> str:
    text = text.replace("\x00", "")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text)
    return text.strip()[: max_text_chars()]


def _xml_text(data: bytes, text_tag: str, break_tags: tuple[str, ...]) -> str:
    """Text inside <text_tag> elements, with a line break after each of `break_tags`."""
    xml = data.decode("utf-8", errors="replace")
    breaks = "|".join(re.escape(tag) for tag in break_tags)
    xml = re.sub(rf"</(?:{breaks})>", "\n</x>", xml) if breaks else xml
    parts = re.findall(rf"<{re.escape(text_tag)}(?:\s[^>]*)?>([^<]*)</{re.escape(text_tag)}>|(\n)", xml)
    return "".join(html.unescape(text) or newline for text, newline in parts)


def _strip_xml(data: bytes, break_tags: tuple[str, ...]) -> str:
    xml = data.decode("utf-8", errors="replace")
    breaks = "|".join(re.escape(tag) for tag in break_tags)
    xml = re.sub(rf"</(?:{breaks})>", "\n", xml)
    xml = re.sub(r"<(?:text:s|text:tab)\b[^>]*/>", " ", xml)
    return html.unescape(re.sub(r"<[^>]*>", "", xml))


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _ooxml(archive: CappedReader, key: str) -> str:
    names = archive.namelist()
    chunks = []
    if key in ("docx", "wps"):
        parts = ["word/document.xml"] + sorted(n for n in names if re.match(r"word/(header|footer)\d*\.xml$", n))
        for name in parts:
            if name in names:
                chunks.append(_xml_text(archive.read(name), "w:t", ("w:p", "w:tr")))
    elif key in ("xlsx", "et"):
        if "xl/sharedStrings.xml" in names:
            chunks.append(_xml_text(archive.read("xl/sharedStrings.xml"), "t", ("si",)))
        for name in sorted((n for n in names if re.match(r"xl/worksheets/sheet\d+\.xml$", n)), key=_natural):
            xml = archive.read(name).decode("utf-8", errors="replace")
            for attributes, body in re.findall(r"<c\b([^>]*)>(.*?)</c>", xml, flags=re.S):
                if 't="s"' in attributes:
                    continue  # an index into the shared strings, read above
                values = re.findall(r"<(?:v|t)(?:\s[^>]*)?>([^<]*)</(?:v|t)>", body)
                chunks.append(" ".join(html.unescape(v) for v in values))
            chunks.append("\n")
    elif key in ("pptx", "dps"):
        for name in sorted((n for n in names if re.match(r"ppt/slides/slide\d+\.xml$", n)), key=_natural):
            chunks.append(_xml_text(archive.read(name), "a:t", ("a:p",)))
    return "\n".join(chunk for chunk in chunks if chunk)


def _odf(archive: CappedReader) -> str:
    if "content.xml" not in archive.namelist():
        return ""
    return _strip_xml(archive.read("content.xml"), ("text:p", "text:h", "table:table-row"))


def _ofd(archive: CappedReader) -> str:
    pages = sorted((n for n in archive.namelist() if re.search(r"Pages/Page_\d+/Content\.xml$", n)), key=_natural)
    return "\n".join(_xml_text(archive.read(name), "ofd:TextCode", ("ofd:TextObject",)) for name in pages)


def _pdf(fileobj) -> str:
    """The text of the pages, within bounds: a page's content stream that unpacks to more than
    PDF_STREAM_BYTES is skipped (a 62 KB PDF whose page unpacked to 60 MB took 40 s and 345 MB),
    and reading stops after PDF_SECONDS, as it does after MAX_PDF_PAGES pages."""
    from pypdf import PdfReader, apply_configuration

    with apply_configuration(
        zlib_maximum_output_length=PDF_STREAM_BYTES,
        maximum_declared_stream_length=PDF_STREAM_BYTES,
        stream_decoding_work_maximum_length=4 * PDF_STREAM_BYTES,
    ):
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        return _pdf_pages(reader, time.monotonic() + PDF_SECONDS)


def _pdf_pages(reader, deadline: float) -> str:
    chunks, total = [], 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or total >= max_text_chars() or time.monotonic() > deadline:
            break
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - a damaged page gives no text, not a failed upload
            logger.info("could not read the text of page %d of a PDF", number + 1, exc_info=True)
            continue
        chunks.append(text)
        total += len(text)
    return "\n".join(chunks)


def _plain(fileobj) -> str:
    encoding = text_encoding(fileobj) or "utf-8"
    fileobj.seek(0)
    data = fileobj.read(max_text_chars() * 4)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data)


def extract_text(file_type_key: str, fileobj) -> str:
    """The text of a checked attachment ('' when it has none that can be read)."""
    fileobj.seek(0)
    try:
        if file_type_key in ("txt", "csv"):
            text = _plain(fileobj)
        elif file_type_key == "pdf":
            text = _pdf(fileobj)
        elif file_type_key in ("docx", "xlsx", "pptx", "wps", "et", "dps", "odt", "ods", "odp", "ofd"):
            with zipfile.ZipFile(fileobj) as opened:
                archive = CappedReader(opened)
                if file_type_key in ("odt", "ods", "odp"):
                    text = _odf(archive)
                elif file_type_key == "ofd":
                    text = _ofd(archive)
                else:
                    text = _ooxml(archive, file_type_key)
        else:
            text = ""
    except Exception:  # noqa: BLE001 - extraction is best effort; the file was already accepted
        logger.info("could not extract the text of a %s file", file_type_key, exc_info=True)
        text = ""
    finally:
        fileobj.seek(0)
    return _cap(text)

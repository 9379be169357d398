"""What a file is, judged by its content and never by its name (RES-5, SEC-7).

`sniff(fileobj, original_name)` reads the first bytes (and, for ZIP containers, the directory) and
returns a FileType. Types that may never be uploaded (web pages, PHP, programs, SVG) are returned
too, so that the refusal can say what the file really is. The original name's extension is used
only to choose among formats that share one container (.doc vs .wps in an OLE file, .txt vs .csv).
"""

import codecs
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from resources import ziplimits

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    key: str
    label: str  # what a person calls it: "PDF", "Word (DOCX)"
    content_type: str
    extension: str  # the extension the platform stores it under
    allowed: bool = True


def _t(key, label, content_type, extension, allowed=True):
    return FileType(key, label, content_type, extension, allowed)


TYPES = {
    t.key: t
    for t in (
        _t("jpeg", "JPEG", "image/jpeg", "jpg"),
        _t("png", "PNG", "image/png", "png"),
        _t("gif", "GIF", "image/gif", "gif"),
        _t("webp", "WebP", "image/webp", "webp"),
        _t("pdf", "PDF", "application/pdf", "pdf"),
        _t("doc", "Word (DOC)", "application/msword", "doc"),
        _t("xls", "Excel (XLS)", "application/vnd.ms-excel", "xls"),
        _t("ppt", "PowerPoint (PPT)", "application/vnd.ms-powerpoint", "ppt"),
        _t("wps", "WPS", "application/vnd.ms-works", "wps"),
        _t("et", "WPS (ET)", "application/vnd.ms-excel", "et"),
        _t("dps", "WPS (DPS)", "application/vnd.ms-powerpoint", "dps"),
        _t("docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        _t("xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        _t(
            "pptx",
            "PowerPoint (PPTX)",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
        ),
        _t("odt", "OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", "odt"),
        _t("ods", "OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
        _t("odp", "OpenDocument (ODP)", "application/vnd.oasis.opendocument.presentation", "odp"),
        _t("ofd", "OFD", "application/ofd", "ofd"),
        _t("zip", "ZIP", "application/zip", "zip"),
        _t("txt", "TXT", "text/plain", "txt"),
        _t("csv", "CSV", "text/csv", "csv"),
        _t("mp4", "MP4", "video/mp4", "mp4"),
        # Never accepted: named so that a refusal can say what was found.
        _t("svg", "SVG", "image/svg+xml", "svg", False),
        _t("html", _("a web page (HTML)"), "text/html", "html", False),
        _t("php", _("a PHP script"), "application/x-php", "php", False),
        _t("script", _("a script"), "text/plain", "txt", False),
        _t("executable", _("a program (executable)"), "application/octet-stream", "bin", False),
        _t("macro", _("an Office document with macros"), "application/octet-stream", "bin", False),
        _t("ole_other", _("an unknown Office-style container"), "application/octet-stream", "bin", False),
        _t("video_other", _("a video that is not MP4"), "application/octet-stream", "bin", False),
        _t("image_other", _("an image of an unsupported type"), "application/octet-stream", "bin", False),
        _t("binary", _("unknown binary data"), "application/octet-stream", "bin", False),
        _t("zip_crowded", _("a ZIP container with too many files inside"), "application/zip", "zip", False),
        _t(
            "zip_bomb",
            _("a compressed file that would unpack to far more data than documents do (a ZIP bomb)"),
            "application/zip",
            "zip",
            False,
        ),
        _t("empty", _("an empty file"), "application/octet-stream", "bin", False),
    )
}

# The types people meet by name rather than by a file: the body of a page.
NAMED_TYPES = {"text/html": _("web page")}


def type_label(content_type: str) -> str:
    """What a person calls a stored media type: "PDF" for application/pdf; the type itself when
    the platform does not know it."""
    if content_type in NAMED_TYPES:
        return str(NAMED_TYPES[content_type])
    for file_type in TYPES.values():
        if file_type.allowed and file_type.content_type == content_type:
            return str(file_type.label)
    return content_type


IMAGE_KEYS = {"jpeg", "png", "gif", "webp"}
ATTACHMENT_KEYS = {
    "pdf", "doc", "xls", "ppt", "wps", "et", "dps", "docx", "xlsx", "pptx", "odt", "ods", "odp", "ofd", "zip",
    "txt", "csv",
}  # fmt: skip
VIDEO_KEYS = {"mp4"}

MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4",
    b"MSNV", b"NDAS", b"XAVC", b"f4v ",
}  # fmt: skip

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGICS = (
    b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"\x00asm", b"dex\n",
)  # fmt: skip
# Patterns of markup, looked for in decoded text (str) and in raw bytes alike.
MARKUP = (
    r"<\?php|<\?=|<%[\s=@]|<script|<html|<!doctype\s+html|<body|<head[\s>]|<iframe|<object|<embed|<svg|<meta[\s>]"
    r"|<form[\s>]|<frameset|javascript:|vbscript:"
)
PHP = r"<\?php|<\?="
SVG = r"<svg[\s>]"
HTML = r"<!doctype\s+html|<html|<head[\s>]|<body|<script|<iframe"
CLASSES = (("php", PHP), ("svg", SVG), ("html", HTML), ("script", MARKUP))
PATTERNS = {
    kind: [re.compile(pattern, re.IGNORECASE), re.compile(pattern.encode(), re.IGNORECASE)] for kind, pattern in CLASSES
}
HTML_RE = PATTERNS["html"][1]
# Browsers that guess a type read the first 1,445 bytes or so; a PDF needs none of its first kilobytes for HTML.
SNIFFED_BYTES = 2048
# Byte order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_head(fileobj, size=HEAD_BYTES) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(0)
    return head


def _decoded(sample: bytes, encoding: str) -> str | None:
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start >= len(sample) - 4:
            return sample[: error.start].decode(encoding, errors="ignore")
        return None


def _decode_text(sample: bytes) -> tuple[str, str] | None:
    """(text, encoding) of the sample: any Unicode encoding with a byte order mark (as browsers
    read them), else UTF-8 or GB18030; None when it is binary."""
    marked = next((encoding for bom, encoding in BOMS if sample.startswith(bom)), None)
    if marked is None and b"\x00" in sample:
        return None
    for encoding in [marked] if marked else ["utf-8", "gb18030"]:
        text = _decoded(sample, encoding)
        if text is None:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls <= max(2, len(text) // 200):
            return text, encoding
    return None


def text_encoding(fileobj) -> str | None:
    """The encoding the file's text is read in (see _decode_text), or None when it is binary."""
    found = _decode_text(_read_head(fileobj))
    return found[1] if found else None


def _classify_markup(data: bytes | str) -> str | None:
    """php, svg, html or script when the bytes or text hold markup of that kind."""
    which = 0 if isinstance(data, str) else 1
    return next((kind for kind, patterns in PATTERNS.items() if patterns[which].search(data)), None)


def scan_text_file(fileobj, chunk_size=1 << 20) -> str | None:
    """The kind of markup or script found anywhere in a text file, or None when it is plain text.

    The raw bytes are searched (markup in any ASCII-compatible encoding) and so is the text
    decoded as a browser would decode it (UTF-16 and UTF-32 hide markup from a byte search).
    """
    encoding = text_encoding(fileobj) or "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fileobj.seek(0)
    tail, text_tail, found = b"", "", None
    while not found and (chunk := fileobj.read(chunk_size)):
        text = decoder.decode(chunk)
        found = _classify_markup(tail + chunk) or _classify_markup(text_tail + text)
        tail, text_tail = chunk[-64:], text[-64:]
    fileobj.seek(0)
    return found


def _sniff_zip(fileobj, ext: str) -> FileType:
    # The member count first: building the list of a million members is itself the attack.
    if ziplimits.too_many_members(fileobj):
        return TYPES["zip_crowded"]
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            if ziplimits.unpacks_too_far(archive):
                return TYPES["zip_bomb"]
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).strip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return TYPES["binary"]
    finally:
        fileobj.seek(0)
    lower = {name.lower() for name in names}
    if "[content_types].xml" in lower:
        if any(name.endswith("vbaproject.bin") for name in lower):
            return TYPES["macro"]
        if "word/document.xml" in lower:
            return TYPES["wps" if ext == "wps" else "docx"]
        if "xl/workbook.xml" in lower:
            return TYPES["et" if ext == "et" else "xlsx"]
        if "ppt/presentation.xml" in lower:
            return TYPES["dps" if ext == "dps" else "pptx"]
    odf = {
        b"application/vnd.oasis.opendocument.text": "odt",
        b"application/vnd.oasis.opendocument.spreadsheet": "ods",
        b"application/vnd.oasis.opendocument.presentation": "odp",
    }
    if mimetype in odf:
        return TYPES[odf[mimetype]]
    if "ofd.xml" in lower:
        return TYPES["ofd"]
    if "androidmanifest.xml" in lower or "classes.dex" in lower:
        return TYPES["executable"]
    return TYPES["zip"]


def _sniff_ole(fileobj, ext: str) -> FileType:
    """Office 97–2003 and WPS files are OLE compound files; their stream names tell them apart.

    The directory stores names in UTF-16; looking for them in the first megabytes is enough for
    documents written by Office and WPS. Other OLE files (installers, encrypted packages) are refused.
    """
    fileobj.seek(0)
    data = fileobj.read(8 << 20)
    fileobj.seek(0)

    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("_VBA_PROJECT"):
        return TYPES["macro"]
    if has("WordDocument"):
        return TYPES["wps" if ext == "wps" else "doc"]
    if has("Workbook") or has("Book"):
        return TYPES["et" if ext == "et" else "xls"]
    if has("PowerPoint Document"):
        return TYPES["dps" if ext == "dps" else "ppt"]
    return TYPES["ole_other"]


def sniff(fileobj, original_name: str = "") -> FileType:
    """The type of the file's content. The file is left at position 0."""
    head = _read_head(fileobj)
    ext = extension_of(original_name)
    if not head:
        return TYPES["empty"]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return TYPES["gif"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return TYPES["webp"]
    if head.startswith(b"%PDF-"):
        # A PDF whose first bytes hold a web page is a polyglot: a browser guessing the type runs it.
        return TYPES["html"] if HTML_RE.search(head[:SNIFFED_BYTES]) else TYPES["pdf"]
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(fileobj, ext)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(fileobj, ext)
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return TYPES["image_other"]
    if head[4:8] == b"ftyp":
        return TYPES["mp4"] if head[8:12] in MP4_BRANDS else TYPES["video_other"]
    if head.startswith(EXECUTABLE_MAGICS) or (head.startswith(b"MZ") and b"\x00" in head[:128]):
        return TYPES["executable"]
    if head[:4] in (b"RIFF", b"\x1aE\xdf\xa3", b"FLV\x01") or head[:3] == b"ID3" or head[4:8] in (b"moov", b"mdat"):
        return TYPES["video_other"]
    is_bmp = head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00"
    if is_bmp or head.startswith((b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00")):
        return TYPES["image_other"]
    decoded = _decode_text(head)
    if decoded is None:
        return TYPES["binary"]
    text = decoded[0]
    if text.startswith("#!"):
        return TYPES["script"]
    markup = _classify_markup(head) or _classify_markup(text)
    if markup:
        return TYPES[markup]
    stripped = text.lstrip("\ufeff \r\n\t").lower()
    if stripped.startswith("<?xml") and "<svg" in stripped:
        return TYPES["svg"]
    return TYPES["csv" if ext == "csv" else "txt"]

"""Checking uploads before they enter the library (RES-5, SEC-7).

Every file is judged by its content (resources/sniff.py), never by its name, and stored under a
name the platform chooses. Images are opened with Pillow, limited in bytes and pixels, and
re-encoded: the stored file holds only the picture (no EXIF with GPS positions, nothing appended
after the image data), turned upright. Resized renditions are made at fixed widths. Attachments
and videos are accepted in formats that open in common software without plug-ins (G-Annex §4),
and their readable text is kept for the confidentiality check (PUB-3). Images are checked in
resources/images.py; which check a kind uses is said by its class (resources/kinds_registry.py).

Limits come from settings, with these defaults:

=================================  ==================================================
RESOURCES_MAX_IMAGE_BYTES          20 MB
RESOURCES_MAX_IMAGE_PIXELS         50 million pixels (e.g. 8660 × 5773)
RESOURCES_MAX_ATTACHMENT_BYTES     100 MB
RESOURCES_MAX_VIDEO_BYTES          500 MB
RESOURCES_RENDITION_WIDTHS         (320, 640, 1280)
RESOURCES_MAX_EXTRACTED_TEXT       200 000 characters
=================================  ==================================================
"""

import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from resources.models import ResourceKind
from resources.pdfcheck import check_pdf
from resources.sniff import ATTACHMENT_KEYS, IMAGE_KEYS, TYPES, VIDEO_KEYS, FileType, scan_text_file, sniff
from resources.textextract import extract_text

MB = 1024 * 1024


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attachment_bytes() -> int:
    return _setting("RESOURCES_MAX_ATTACHMENT_BYTES", 100 * MB)


def max_video_bytes() -> int:
    return _setting("RESOURCES_MAX_VIDEO_BYTES", 500 * MB)


# The accepted formats of each file kind, as a person names them (format names need no translation).
IMAGE_TYPES = "JPEG、PNG、GIF、WebP"
ATTACHMENT_TYPES = (
    "PDF、Word (DOC/DOCX)、Excel (XLS/XLSX)、PowerPoint (PPT/PPTX)、WPS、OpenDocument (ODT/ODS/ODP)、OFD、TXT、CSV、ZIP"
)
VIDEO_TYPES = "MP4"


def allowed_types_label(kind: str) -> str:
    """The accepted formats of a file kind (its class in resources/kinds_registry.py says them)."""
    from resources.kinds_registry import KIND_CLASSES  # the kind classes use this module's checks

    kind_class = KIND_CLASSES.get(kind)
    return kind_class.allowed_types if kind_class is not None and kind_class.has_file else ATTACHMENT_TYPES


@dataclass
class RenditionContent:
    width: int
    height: int
    content: ContentFile
    extension: str


@dataclass
class CheckedFile:
    """An upload that passed the checks, ready to be stored as an Asset."""

    kind: str
    file_type: FileType
    original_name: str
    content: File
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    text: str = ""
    renditions: list[RenditionContent] = field(default_factory=list)

    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}.{self.file_type.extension}"


# -- names ------------------------------------------------------------------------------------

FORBIDDEN_NAME_CHARS = set('<>:"/\\|?*')


def clean_original_name(name: str | None) -> str:
    """The uploader's file name, safe to show and to offer for download (never used for storage)."""
    name = str(name or "")
    name = re.split(r"[/\\]", name)[-1]
    kept = []
    for ch in name:
        if ch in FORBIDDEN_NAME_CHARS or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            continue
        kept.append(ch)
    name = " ".join("".join(kept).split()).strip(" .")
    if not name:
        return "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


# -- helpers ----------------------------------------------------------------------------------


def size_of(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, io.SEEK_END)
        size = uploaded.tell()
    uploaded.seek(0)
    return size


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(1 << 20):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def too_large(name: str, size: int, limit: int, what: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is %(size)s; %(what)s may be at most %(limit)s.")
        % {"name": name, "size": filesizeformat(size), "what": what, "limit": filesizeformat(limit)},
        code="too_large",
    )


# -- attachments and videos -------------------------------------------------------------------


def _refuse_attachment(name: str, found: FileType) -> ValidationError:
    if found.key in IMAGE_KEYS:
        hint = _("Upload pictures as images, not as attachments.")
    elif found.key == "mp4":
        hint = _("Upload videos as videos, not as attachments.")
    elif found.key == "macro":
        hint = _("Save the document without macros (as DOCX, XLSX or PPTX) and upload it again.")
    else:
        hint = ""
    message = _("“%(name)s” cannot be uploaded as an attachment (its content is %(found)s). Allowed: %(allowed)s.") % {
        "name": name,
        "found": found.label,
        "allowed": ATTACHMENT_TYPES,
    }
    return ValidationError(f"{message} {hint}".strip(), code="file_type")


def check_attachment(uploaded, name: str) -> CheckedFile:
    size = size_of(uploaded)
    if size > max_attachment_bytes():
        raise too_large(name, size, max_attachment_bytes(), _("attachments"))
    found = sniff(uploaded, name)
    if found.key not in ATTACHMENT_KEYS:
        raise _refuse_attachment(name, found)
    if found.key in ("txt", "csv"):
        markup = scan_text_file(uploaded)
        if markup:
            raise _refuse_attachment(name, TYPES[markup])
    if found.key == "pdf":
        check_pdf(uploaded, name)
    return CheckedFile(
        kind=ResourceKind.ATTACHMENT,
        file_type=found,
        original_name=name,
        content=uploaded if isinstance(uploaded, File) else File(uploaded),
        size=size,
        sha256=_sha256(uploaded),
        text=extract_text(found.key, uploaded),
    )


def check_video(uploaded, name: str) -> CheckedFile:
    size = size_of(uploaded)
    if size > max_video_bytes():
        raise too_large(name, size, max_video_bytes(), _("videos"))
    found = sniff(uploaded, name)
    if found.key not in VIDEO_KEYS:
        raise ValidationError(
            _(
                "“%(name)s” is not an MP4 video (its content is %(found)s). Only MP4 videos can be uploaded: "
                "they play in every browser without plug-ins."
            )
            % {"name": name, "found": found.label},
            code="file_type",
        )
    return CheckedFile(
        kind=ResourceKind.VIDEO,
        file_type=found,
        original_name=name,
        content=uploaded if isinstance(uploaded, File) else File(uploaded),
        size=size,
        sha256=_sha256(uploaded),
    )


def check_upload(uploaded, kind: str) -> CheckedFile:
    """Check an uploaded file for a resource of `kind` (image, attachment or video).

    Raises ValidationError with a message that names the allowed types and limits.
    """
    from resources.kinds_registry import KIND_CLASSES  # the kind classes use this module's checks

    name = clean_original_name(getattr(uploaded, "name", ""))
    kind_class = KIND_CLASSES.get(kind)
    if kind_class is None or not kind_class.has_file:
        raise ValidationError(_("Files can be uploaded only as images, attachments or videos."), code="kind")
    if size_of(uploaded) == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    return kind_class.check_file(uploaded, name)

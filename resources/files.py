"""Checking uploads before they enter the library (RES-5, SEC-7).

Every file is judged by its content (resources/sniff.py), never by its name, and stored under a
name the platform chooses. Images are opened with Pillow, limited in bytes and pixels, and
re-encoded: the stored file holds only the picture (no EXIF with GPS positions, nothing appended
after the image data), turned upright. Resized renditions are made at fixed widths. Attachments
and videos are accepted in formats that open in common software without plug-ins (G-Annex §4),
and their readable text is kept for the confidentiality check (PUB-3).

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
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from resources.models import ResourceKind
from resources.pdfcheck import check_pdf
from resources.sniff import ATTACHMENT_KEYS, IMAGE_KEYS, TYPES, VIDEO_KEYS, FileType, scan_text_file, sniff
from resources.textextract import extract_text

MB = 1024 * 1024
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# Phones write JPEGs with extra pictures (depth maps, previews) that Pillow opens as MPO.
OPENED_AS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}, "gif": {"GIF"}, "webp": {"WEBP"}}
ANIMATED_KEYS = {"gif", "webp"}
MAX_FRAMES = 500
FILE_KINDS = (ResourceKind.IMAGE, ResourceKind.ATTACHMENT, ResourceKind.VIDEO)


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_image_bytes() -> int:
    return _setting("RESOURCES_MAX_IMAGE_BYTES", 20 * MB)


def max_image_pixels() -> int:
    return _setting("RESOURCES_MAX_IMAGE_PIXELS", 50_000_000)


def max_attachment_bytes() -> int:
    return _setting("RESOURCES_MAX_ATTACHMENT_BYTES", 100 * MB)


def max_video_bytes() -> int:
    return _setting("RESOURCES_MAX_VIDEO_BYTES", 500 * MB)


def rendition_widths() -> tuple[int, ...]:
    return tuple(sorted(_setting("RESOURCES_RENDITION_WIDTHS", (320, 640, 1280))))


ALLOWED_LABELS = {
    ResourceKind.IMAGE: "JPEG、PNG、GIF、WebP",
    ResourceKind.ATTACHMENT: (
        "PDF、Word (DOC/DOCX)、Excel (XLS/XLSX)、PowerPoint (PPT/PPTX)、WPS、OpenDocument (ODT/ODS/ODP)、OFD、TXT、CSV、ZIP"
    ),
    ResourceKind.VIDEO: "MP4",
}


def allowed_types_label(kind: str) -> str:
    """The accepted formats of a kind, as a person names them (format names need no translation)."""
    return ALLOWED_LABELS.get(kind, ALLOWED_LABELS[ResourceKind.ATTACHMENT])


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


def _size_of(uploaded) -> int:
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


def _too_large(name: str, size: int, limit: int, what: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is %(size)s; %(what)s may be at most %(limit)s.")
        % {"name": name, "size": filesizeformat(size), "what": what, "limit": filesizeformat(limit)},
        code="too_large",
    )


# -- images -----------------------------------------------------------------------------------


def _refuse_image_type(name: str, found: FileType) -> ValidationError:
    if found.key == "svg":
        return ValidationError(
            _(
                "SVG images cannot be uploaded because they can contain scripts. "
                "Please save the picture as PNG or JPEG and upload it again."
            ),
            code="svg",
        )
    return ValidationError(
        _("“%(name)s” is not an image the platform accepts (its content is %(found)s). Allowed: %(allowed)s.")
        % {"name": name, "found": found.label, "allowed": allowed_types_label(ResourceKind.IMAGE)},
        code="file_type",
    )


def _too_many_pixels(name: str, width: int | None, height: int | None) -> ValidationError:
    limit_mp = max_image_pixels() / 1_000_000
    if width and height:
        message = _(
            "“%(name)s” is %(width)d × %(height)d pixels; images may have at most %(limit)s million pixels. "
            "Please make the picture smaller and upload it again."
        ) % {"name": name, "width": width, "height": height, "limit": f"{limit_mp:g}"}
    else:
        message = _(
            "“%(name)s” has too many pixels; images may have at most %(limit)s million pixels. "
            "Please make the picture smaller and upload it again."
        ) % {"name": name, "limit": f"{limit_mp:g}"}
    return ValidationError(message, code="too_many_pixels")


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” could not be read as an image; the file may be damaged. Please save it again and upload it.")
        % {"name": name},
        code="damaged",
    )


def _upright(frame: Image.Image, file_type: FileType) -> Image.Image:
    """A copy of the frame turned by its EXIF orientation, in a mode its format can store, with no metadata."""
    frame = ImageOps.exif_transpose(frame) or frame.copy()
    original_mode = frame.mode
    if file_type.key == "jpeg" and frame.mode not in ("RGB", "L"):
        frame = frame.convert("RGB")
    elif file_type.key == "webp" and frame.mode not in ("RGB", "RGBA"):
        frame = frame.convert("RGBA" if "A" in frame.getbands() or "transparency" in frame.info else "RGB")
    elif file_type.key == "png" and frame.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        frame = frame.convert("RGBA")
    # A colour profile describes the original mode's colours (a CMYK profile on RGB pixels would be wrong).
    icc = frame.info.get("icc_profile") if frame.mode == original_mode else None
    transparency = frame.info.get("transparency")
    frame.info = {}
    if icc:
        frame.info["icc_profile"] = icc
    if transparency is not None and frame.mode in ("P", "L", "RGB"):
        frame.info["transparency"] = transparency
    return frame


def _encode(image: Image.Image, file_type: FileType, frames=None, durations=None, loop=0) -> bytes:
    out = io.BytesIO()
    options = {}
    if image.info.get("icc_profile") and file_type.key in ("jpeg", "png", "webp"):
        options["icc_profile"] = image.info["icc_profile"]
    if file_type.key == "jpeg":
        options.update(quality=88, optimize=True, progressive=True)
    elif file_type.key == "png":
        options.update(optimize=True)
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
    elif file_type.key == "webp":
        options.update(quality=85)
    elif file_type.key == "gif" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    if frames:
        options.update(save_all=True, append_images=frames, duration=durations, loop=loop)
    image.save(out, format=PILLOW_FORMATS[file_type.key], **options)
    return out.getvalue()


def _renditions(image: Image.Image, file_type: FileType) -> list[RenditionContent]:
    """Smaller copies at the fixed widths below the image's own width (never upscaled)."""
    target = TYPES["png"] if file_type.key == "gif" else file_type
    if target.key == "png" and image.mode == "P":
        image = image.convert("RGBA")
    result = []
    for width in rendition_widths():
        if width >= image.width:
            break
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        resized.info = {k: v for k, v in image.info.items() if k == "icc_profile"}
        data = _encode(resized, target)
        result.append(RenditionContent(width, height, ContentFile(data), target.extension))
    return result


def check_image(uploaded, name: str) -> CheckedFile:
    size = _size_of(uploaded)
    if size > max_image_bytes():
        raise _too_large(name, size, max_image_bytes(), _("images"))
    found = sniff(uploaded, name)
    if found.key not in IMAGE_KEYS:
        raise _refuse_image_type(name, found)
    uploaded.seek(0)
    data = uploaded.read()
    if Image.MAX_IMAGE_PIXELS is None:  # someone turned Pillow's bomb guard off; it stays on here
        Image.MAX_IMAGE_PIXELS = max_image_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            source = Image.open(io.BytesIO(data))
            if source.format not in OPENED_AS[found.key]:
                raise _refuse_image_type(name, found)
            width, height = source.size
            frame_count = getattr(source, "n_frames", 1) if found.key in ANIMATED_KEYS else 1
            if (
                width * height > max_image_pixels()
                or width * height * min(frame_count, MAX_FRAMES) > max_image_pixels() * 4
            ):
                raise _too_many_pixels(name, width, height)
            if frame_count > MAX_FRAMES:
                raise ValidationError(
                    _("“%(name)s” has %(count)d animation frames; at most %(max)d are accepted.")
                    % {"name": name, "count": frame_count, "max": MAX_FRAMES},
                    code="too_many_frames",
                )
            frames, durations = [], []
            for index, frame in enumerate(ImageSequence.Iterator(source)):
                if index >= frame_count:
                    break  # the extra pictures of a phone's JPEG are not kept
                durations.append(frame.info.get("duration", 100))
                frame.load()
                frames.append(_upright(frame, found))
            loop = source.info.get("loop", 0)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name, None, None) from error
        except ValidationError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
            raise _damaged(name) from error
    first = frames[0]
    animated = len(frames) > 1
    encoded = _encode(first, found, frames[1:] if animated else None, durations if animated else None, loop)
    content = ContentFile(encoded)
    return CheckedFile(
        kind=ResourceKind.IMAGE,
        file_type=found,
        original_name=name,
        content=content,
        size=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
        width=first.width,
        height=first.height,
        renditions=_renditions(first, found),
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
        "allowed": allowed_types_label(ResourceKind.ATTACHMENT),
    }
    return ValidationError(f"{message} {hint}".strip(), code="file_type")


def check_attachment(uploaded, name: str) -> CheckedFile:
    size = _size_of(uploaded)
    if size > max_attachment_bytes():
        raise _too_large(name, size, max_attachment_bytes(), _("attachments"))
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
    size = _size_of(uploaded)
    if size > max_video_bytes():
        raise _too_large(name, size, max_video_bytes(), _("videos"))
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
    name = clean_original_name(getattr(uploaded, "name", ""))
    if kind not in FILE_KINDS:
        raise ValidationError(_("Files can be uploaded only as images, attachments or videos."), code="kind")
    if _size_of(uploaded) == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if kind == ResourceKind.IMAGE:
        return check_image(uploaded, name)
    if kind == ResourceKind.VIDEO:
        return check_video(uploaded, name)
    return check_attachment(uploaded, name)

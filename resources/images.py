"""Checking uploaded images (RES-5, SEC-7): opened with Pillow, limited in bytes and pixels,
re-encoded so that the stored file holds only the picture (no EXIF with GPS positions, nothing
appended after the image data), turned upright, with resized renditions at fixed widths.
The shared parts of upload checking (names, sizes, the checked file) are in resources/files.py.
"""

import hashlib
import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from resources.files import (
    IMAGE_TYPES,
    MB,
    CheckedFile,
    RenditionContent,
    _setting,
    size_of,
    too_large,
)
from resources.models import ResourceKind
from resources.sniff import IMAGE_KEYS, TYPES, FileType, sniff

PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# Phones write JPEGs with extra pictures (depth maps, previews) that Pillow opens as MPO.
OPENED_AS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}, "gif": {"GIF"}, "webp": {"WEBP"}}
ANIMATED_KEYS = {"gif", "webp"}
MAX_FRAMES = 500


def max_image_bytes() -> int:
    return _setting("RESOURCES_MAX_IMAGE_BYTES", 20 * MB)


def max_image_pixels() -> int:
    return _setting("RESOURCES_MAX_IMAGE_PIXELS", 50_000_000)


def rendition_widths() -> tuple[int, ...]:
    return tuple(sorted(_setting("RESOURCES_RENDITION_WIDTHS", (320, 640, 1280))))


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
        % {"name": name, "found": found.label, "allowed": IMAGE_TYPES},
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
    size = size_of(uploaded)
    if size > max_image_bytes():
        raise too_large(name, size, max_image_bytes(), _("images"))
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

"""The headers an upload is served with, by the back office and by the public process (SEC-7).

Uploads are hostile until proven otherwise: only images of the formats the library accepts are
shown inline with their own type; everything else is a download with a type from a fixed list,
with `nosniff` and a sandboxing Content-Security-Policy.
"""

from pathlib import Path
from urllib.parse import quote

INLINE_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".bmp": "image/bmp",
}
DOWNLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".wps": "application/vnd.ms-works",
    ".et": "application/vnd.ms-excel",
    ".dps": "application/vnd.ms-powerpoint",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def upload_headers(name: str, *, download_name: str = "", same_origin: bool = True) -> dict[str, str]:
    """Content-Type, Content-Disposition and the hardening headers for an upload called `name`.

    The type follows the name's extension through the fixed lists above; the platform stores and
    publishes files under the extension of the type their content was found to be (resources/
    sniff.py). `download_name` is offered to the browser instead of `name`; the public sites
    (public/views.py) leave cross-origin loading of their images allowed.
    """
    suffix = Path(name).suffix.lower()
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": MEDIA_CSP,
    }
    if same_origin:
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
    name = download_name or name
    if suffix in INLINE_IMAGE_TYPES:
        headers["Content-Type"] = INLINE_IMAGE_TYPES[suffix]
        headers["Content-Disposition"] = "inline"
    else:
        headers["Content-Type"] = DOWNLOAD_TYPES.get(suffix, "application/octet-stream")
        ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "download"
        headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return headers
